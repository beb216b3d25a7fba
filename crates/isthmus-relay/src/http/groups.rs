//! `/v1/account/groups`: who may add the account to a group, and joining or leaving one. Each
//! change runs under the account's consent lock, so a delivery on any node sees it at once (see
//! `crate::groups`).

use isthmus_proto::api;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use isthmus_proto::api::{parse_group_id, GroupAddsJson, GroupNetworksJson, GROUP_ID_LEN};

use super::extract::{ApiJson, Authenticated};
use crate::error_code::ApiError;
use crate::groups;
use crate::state::RelayState;
use crate::store::GroupMembership;

fn group_id(raw: &str) -> Result<[u8; GROUP_ID_LEN], ApiError> {
    parse_group_id(raw).ok_or_else(|| ApiError::bad_request("a group id is 32 hex characters"))
}

#[utoipa::path(
    operation_id = "groups_get_adds",
    get,
    path = "/v1/account/groups/adds",
    tag = "groups",
    summary = "Who may add the account to a group (anyone else's add is an invitation)",
    responses(
        (status = 200, description = "The setting", body = api::GroupAddsJson),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn get_adds(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
) -> Result<Json<GroupAddsJson>, ApiError> {
    Ok(Json(GroupAddsJson { who_can_add: state.store.group_adds(&auth.address.name).await? }))
}

/// Sets who may add the account to a group; the adds of anyone else arrive as invitations.
#[utoipa::path(
    operation_id = "groups_set_adds",
    put,
    path = "/v1/account/groups/adds",
    tag = "groups",
    summary = "Set who may add the account to a group (anyone else's add is an invitation)",
    request_body = api::GroupAddsJson,
    responses(
        (status = 200, description = "The setting as stored", body = api::GroupAddsJson),
        (status = 400, description = "`bad_request`", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 413, description = "`too_large`", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn set_adds(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    ApiJson(body): ApiJson<GroupAddsJson>,
) -> Result<Json<GroupAddsJson>, ApiError> {
    let _consent = state.coordination.lock_account(&auth.address.name).await?;
    state.store.set_group_adds(&auth.address.name, body.who_can_add).await?;
    Ok(Json(body))
}

#[utoipa::path(
    operation_id = "groups_get_networks",
    get,
    path = "/v1/account/groups/networks",
    tag = "groups",
    summary = "The other networks whose people may add the account to groups",
    responses(
        (status = 200, description = "The networks", body = api::GroupNetworksJson),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn get_networks(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
) -> Result<Json<GroupNetworksJson>, ApiError> {
    let networks = state.store.group_networks(&auth.address.name).await?;
    Ok(Json(GroupNetworksJson { networks: networks.into_iter().collect() }))
}

/// Sets the other networks whose people may add the account to groups: the client sends the
/// networks the person allowed under a disclosure that says what groups do across networks.
/// Adds from any other network answer as for a missing account.
#[utoipa::path(
    operation_id = "groups_set_networks",
    put,
    path = "/v1/account/groups/networks",
    tag = "groups",
    summary = "Set the other networks whose people may add the account to groups",
    request_body = api::GroupNetworksJson,
    responses(
        (status = 200, description = "The networks as stored", body = api::GroupNetworksJson),
        (status = 400, description = "`bad_request`", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 413, description = "`too_large`: more networks than the relay keeps", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn set_networks(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    ApiJson(body): ApiJson<GroupNetworksJson>,
) -> Result<Json<GroupNetworksJson>, ApiError> {
    if body.networks.len() > state.limits.max_interop_networks {
        return Err(ApiError::too_large(format!("at most {} networks", state.limits.max_interop_networks)));
    }
    let networks: std::collections::BTreeSet<_> = body.networks.into_iter().collect();
    let _consent = state.coordination.lock_account(&auth.address.name).await?;
    state.store.set_group_networks(&auth.address.name, networks.clone()).await?;
    Ok(Json(GroupNetworksJson { networks: networks.into_iter().collect() }))
}

/// Joins a group: accepts an invitation, or starts a group of one's own. From now on the
/// group's traffic reaches the account.
#[utoipa::path(
    operation_id = "groups_join",
    put,
    path = "/v1/account/groups/{group_id}",
    tag = "groups",
    summary = "Join a group (accept an invitation, or start a group): its traffic reaches the account (idempotent)",
    params(("group_id" = String, Path, description = "The group id: 16 bytes as 32 hex characters", example = "00112233445566778899aabbccddeeff", pattern = "^[0-9a-fA-F]{32}$")),
    responses(
        (status = 204, description = "A member"),
        (status = 400, description = "`bad_request`: not a group id", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 413, description = "`too_large`: the account is in as many groups as the relay keeps", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn join(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    let group_id = group_id(&raw)?;
    let name = &auth.address.name;
    let _consent = state.coordination.lock_account(name).await?;
    let max = state.limits.max_groups_per_account;
    state.store.set_group_membership(name, &group_id, GroupMembership::Member, max).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Leaves a group or declines its invitation: what of it is still queued for the account is
/// deleted, and its traffic answers as for a missing account again.
#[utoipa::path(
    operation_id = "groups_leave",
    delete,
    path = "/v1/account/groups/{group_id}",
    tag = "groups",
    summary = "Leave a group or decline its invitation, deleting what of it is queued (idempotent)",
    params(("group_id" = String, Path, description = "The group id: 16 bytes as 32 hex characters", example = "00112233445566778899aabbccddeeff", pattern = "^[0-9a-fA-F]{32}$")),
    responses(
        (status = 204, description = "Not in the group (any more)"),
        (status = 400, description = "`bad_request`: not a group id", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn leave(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    let group_id = group_id(&raw)?;
    let _consent = state.coordination.lock_account(&auth.address.name).await?;
    state.store.remove_group_membership(&auth.address.name, &group_id).await?;
    let purged = groups::purge_group(&state, &auth.address, &group_id).await?;
    tracing::debug!(purged, "left a group");
    Ok(StatusCode::NO_CONTENT)
}
