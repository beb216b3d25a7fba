//! `/v1/account/interop`: which other networks may reach the account. Empty (the default) means
//! none: the account is invisible outside its own network. Withdrawing a network also deletes what
//! it has queued for the account.

use isthmus_proto::api;
use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use isthmus_proto::NetworkName;

use super::extract::{ApiJson, Authenticated};
use crate::consent;
use crate::error_code::ApiError;
use crate::state::RelayState;
use isthmus_proto::api::Interop;

fn to_json(networks: &BTreeSet<NetworkName>) -> Interop {
    Interop { networks: networks.iter().cloned().collect() }
}

#[utoipa::path(
    operation_id = "interop_get",
    get,
    path = "/v1/account/interop",
    tag = "accounts",
    summary = "The other networks the account has said yes to",
    responses(
        (status = 200, description = "The setting", body = api::Interop),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn get(State(state): State<Arc<RelayState>>, auth: Authenticated) -> Result<Json<Interop>, ApiError> {
    Ok(Json(to_json(&state.store.interop(&auth.address.name).await?)))
}

#[utoipa::path(
    operation_id = "interop_set",
    put,
    path = "/v1/account/interop",
    tag = "accounts",
    summary = "Replace the networks the account has said yes to",
    description = "Withdrawing a network deletes what it has queued for the account.",
    request_body = api::Interop,
    responses(
        (status = 200, description = "The setting as stored", body = api::Interop),
        (status = 400, description = "`bad_request`", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 413, description = "`too_large`", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn set(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    ApiJson(body): ApiJson<Interop>,
) -> Result<Json<Interop>, ApiError> {
    if body.networks.len() > state.limits.max_interop_networks {
        return Err(ApiError::too_large(format!("at most {} networks", state.limits.max_interop_networks)));
    }
    let networks: BTreeSet<NetworkName> = body.networks.into_iter().collect();
    let _consent = state.coordination.lock_account(&auth.address.name).await?;
    state.store.set_interop(&auth.address.name, networks.clone()).await?;
    // Envelopes accepted under consent that is now withdrawn are not delivered after all.
    let purged = consent::purge_revoked(&state, &auth.address, &networks).await?;
    tracing::debug!(networks = networks.len(), purged, "interop setting changed");
    Ok(Json(to_json(&networks)))
}
