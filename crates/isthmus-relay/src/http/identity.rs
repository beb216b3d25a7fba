//! `PUT /v1/account/identity`: a new identity key and all new prekeys, replacing the old ones at
//! once (a reinstall, or a user changing their key). Other people's clients then see a key change.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;

use isthmus_proto::api;

use super::extract::{ApiJson, Authenticated};
use super::key_bodies;
use crate::error_code::ApiError;
use crate::state::RelayState;

#[utoipa::path(
    operation_id = "identity_reset",
    put,
    path = "/v1/account/identity",
    tag = "accounts",
    summary = "Replace the identity key and every prekey at once (a reinstall, or a new key)",
    request_body = api::IdentityKeys,
    responses(
        (status = 204, description = "Replaced; other clients see a key change"),
        (status = 400, description = "`bad_request`", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 413, description = "`too_large`", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn reset(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    ApiJson(request): ApiJson<api::IdentityKeys>,
) -> Result<StatusCode, ApiError> {
    let max = state.limits.max_prekeys_per_upload.min(state.limits.max_stored_prekeys);
    let keys = key_bodies::identity(&request, max)?;
    state.store.replace_identity(&auth.address.name, keys).await?;
    tracing::info!("identity key replaced");
    Ok(StatusCode::NO_CONTENT)
}
