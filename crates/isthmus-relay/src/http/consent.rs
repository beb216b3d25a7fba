//! `/v1/account/blocks`, `/v1/account/contacts` and `/v1/account/requests`: who may reach the
//! account. Each change runs under the account's consent lock (see `crate::consent`).

use isthmus_proto::api;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use isthmus_proto::api::{Blocks, Discoverability, DiscoverabilityJson, PendingRequest, PendingRequests};

use super::extract::{ApiJson, Authenticated};
use super::keys::parse_target;
use crate::consent;
use crate::error_code::ApiError;
use crate::state::RelayState;

#[utoipa::path(
    operation_id = "consent_list_blocks",
    get,
    path = "/v1/account/blocks",
    tag = "consent",
    summary = "The addresses the account blocked",
    responses(
        (status = 200, description = "Blocked addresses", body = api::Blocks),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn list_blocks(State(state): State<Arc<RelayState>>, auth: Authenticated) -> Result<Json<Blocks>, ApiError> {
    let blocked = state.store.blocks(&auth.address.name).await?;
    Ok(Json(Blocks { addresses: blocked.iter().map(ToString::to_string).collect() }))
}

/// Blocks an address and deletes what it has queued for the account; idempotent.
#[utoipa::path(
    operation_id = "consent_block",
    put,
    path = "/v1/account/blocks/{address}",
    tag = "consent",
    summary = "Block an address and delete what it has queued for the account (idempotent)",
    params(("address" = String, Path, description = "`name@network`", example = "bob@harbor.example", pattern = "^[a-z][a-z0-9._-]{0,31}@[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?){0,2}$")),
    responses(
        (status = 204, description = "Blocked"),
        (status = 400, description = "`bad_request`, also for the account itself", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 413, description = "`too_large`: the account blocked as many addresses as the relay keeps", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn block(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    Path(target): Path<String>,
) -> Result<StatusCode, ApiError> {
    let target = parse_target(&target)?;
    if target.account() == auth.address.account() {
        return Err(ApiError::bad_request("an account cannot block itself"));
    }
    let _consent = state.coordination.lock_account(&auth.address.name).await?;
    state.store.block(&auth.address.name, &target, state.limits.max_blocks_per_account).await?;
    let purged = consent::purge_sender(&state, &auth.address, &target).await?;
    tracing::debug!(purged, "address blocked");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    operation_id = "consent_unblock",
    delete,
    path = "/v1/account/blocks/{address}",
    tag = "consent",
    summary = "Unblock an address (idempotent)",
    params(("address" = String, Path, description = "`name@network`", example = "bob@harbor.example", pattern = "^[a-z][a-z0-9._-]{0,31}@[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?){0,2}$")),
    responses(
        (status = 204, description = "Unblocked"),
        (status = 400, description = "`bad_request`", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn unblock(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    Path(target): Path<String>,
) -> Result<StatusCode, ApiError> {
    let target = parse_target(&target)?;
    let _consent = state.coordination.lock_account(&auth.address.name).await?;
    state.store.unblock(&auth.address.name, &target).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks an address as a contact: it may always reach the account; idempotent.
#[utoipa::path(
    operation_id = "consent_add_contact",
    put,
    path = "/v1/account/contacts/{address}",
    tag = "consent",
    summary = "Mark an address as a contact: it may always reach the account (idempotent)",
    params(("address" = String, Path, description = "`name@network`", example = "bob@harbor.example", pattern = "^[a-z][a-z0-9._-]{0,31}@[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?){0,2}$")),
    responses(
        (status = 204, description = "Marked"),
        (status = 400, description = "`bad_request`", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 413, description = "`too_large`: the account has as many contacts as the relay keeps", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn add_contact(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    Path(target): Path<String>,
) -> Result<StatusCode, ApiError> {
    let target = parse_target(&target)?;
    let _consent = state.coordination.lock_account(&auth.address.name).await?;
    state.store.add_contact(&auth.address.name, &target, state.limits.max_contacts_per_account).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    operation_id = "consent_get_discoverability",
    get,
    path = "/v1/account/discoverability",
    tag = "consent",
    summary = "Who may look the account up",
    responses(
        (status = 200, description = "The setting", body = api::DiscoverabilityJson),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn get_discoverability(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
) -> Result<Json<DiscoverabilityJson>, ApiError> {
    let contacts_only = state.store.contacts_only_discovery(&auth.address.name).await?;
    let discoverable_by = if contacts_only { Discoverability::Contacts } else { Discoverability::Everyone };
    Ok(Json(DiscoverabilityJson { discoverable_by }))
}

/// Sets who may look the account up (directory and bundles, from every network).
#[utoipa::path(
    operation_id = "consent_set_discoverability",
    put,
    path = "/v1/account/discoverability",
    tag = "consent",
    summary = "Set who may look the account up (directory and bundles, from every network)",
    request_body = api::DiscoverabilityJson,
    responses(
        (status = 200, description = "The setting as stored", body = api::DiscoverabilityJson),
        (status = 400, description = "`bad_request`", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 413, description = "`too_large`", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn set_discoverability(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    ApiJson(body): ApiJson<DiscoverabilityJson>,
) -> Result<Json<DiscoverabilityJson>, ApiError> {
    let contacts_only = body.discoverable_by == Discoverability::Contacts;
    state.store.set_contacts_only_discovery(&auth.address.name, contacts_only).await?;
    Ok(Json(body))
}

/// The account's pending requests, oldest first: the client reconciles its own list with it.
#[utoipa::path(
    operation_id = "consent_list_requests",
    get,
    path = "/v1/account/requests",
    tag = "consent",
    summary = "The account's pending message requests, oldest first",
    responses(
        (status = 200, description = "Pending requests", body = api::PendingRequests),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn list_requests(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
) -> Result<Json<PendingRequests>, ApiError> {
    let requests = state.store.requests(&auth.address.name).await?;
    Ok(Json(PendingRequests {
        requests: requests.into_iter().map(|(address, since_ms)| PendingRequest { address, since_ms }).collect(),
    }))
}

/// The user deleted a pending request: its slot is free, and the sender's next message is a
/// first contact again.
#[utoipa::path(
    operation_id = "consent_delete_request",
    delete,
    path = "/v1/account/requests/{address}",
    tag = "consent",
    summary = "The user deleted the pending request from this address; its slot is free",
    params(("address" = String, Path, description = "`name@network`", example = "bob@harbor.example", pattern = "^[a-z][a-z0-9._-]{0,31}@[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?){0,2}$")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "`bad_request`", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn delete_request(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    Path(target): Path<String>,
) -> Result<StatusCode, ApiError> {
    let target = parse_target(&target)?;
    let _consent = state.coordination.lock_account(&auth.address.name).await?;
    state.store.delete_request(&auth.address.name, &target).await?;
    Ok(StatusCode::NO_CONTENT)
}
