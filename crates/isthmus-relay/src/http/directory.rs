//! `GET /v1/directory/{name@network}`: does this account exist (for me), and what is its identity key.

use isthmus_proto::api;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use isthmus_proto::Address;

use super::extract::Authenticated;
use super::keys::parse_target;
use crate::error_code::ApiError;
use crate::federation::outbound;
use crate::state::RelayState;
use isthmus_proto::api::DirectoryEntry;

#[utoipa::path(
    operation_id = "directory_lookup",
    get,
    path = "/v1/directory/{address}",
    tag = "directory",
    summary = "Look an account up, here or through the peered relay of the address's network",
    params(("address" = String, Path, description = "`name@network`", example = "bob@harbor.example", pattern = "^[a-z][a-z0-9._-]{0,31}@[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?){0,2}$")),
    responses(
        (status = 200, description = "Found", body = api::DirectoryEntry),
        (status = 400, description = "`bad_request`", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 404, description = "`unknown_account` (also for an account that has not allowed the asking network, hides itself from the asker or blocked them) or `network_not_peered`", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
        (status = 502, description = "`peer_unavailable`: the peered relay of that network did not answer", body = api::ErrorBody),
    )
)]
pub async fn lookup(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    Path(target): Path<String>,
) -> Result<Json<DirectoryEntry>, ApiError> {
    let target = parse_target(&target)?;
    crate::consent::lookups::counted(&state, &auth.address, &target, find(&state, &auth.address, &target)).await
}

async fn find(state: &RelayState, asker: &Address, target: &Address) -> Result<Json<DirectoryEntry>, ApiError> {
    let identity_key = if target.network == state.domain {
        if !crate::consent::may_discover(state, &target.name, asker).await? {
            return Err(ApiError::unknown_account());
        }
        state.store.account(&target.name).await?.map(|account| account.identity_key)
    } else {
        outbound::directory(state, asker, target).await?
    };
    let identity_key = identity_key.ok_or_else(ApiError::unknown_account)?;
    Ok(Json(DirectoryEntry { address: target.to_string(), identity_key }))
}
