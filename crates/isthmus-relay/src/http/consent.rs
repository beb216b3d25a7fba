//! `/v1/account/blocks`, `/v1/account/contacts` and `/v1/account/requests`: who may reach the
//! account. Each change runs under the account's consent lock (see `crate::consent`).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use isthmus_proto::api::{Discoverability, DiscoverabilityJson, PendingRequest, PendingRequests};

use super::api_types::BlocksJson;
use super::extract::{ApiJson, Authenticated};
use super::keys::parse_target;
use crate::consent;
use crate::error_code::ApiError;
use crate::state::RelayState;

pub async fn list_blocks(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
) -> Result<Json<BlocksJson>, ApiError> {
    let blocked = state.store.blocks(&auth.address.name).await?;
    Ok(Json(BlocksJson { addresses: blocked.iter().map(ToString::to_string).collect() }))
}

/// Blocks an address and deletes what it has queued for the account; idempotent.
pub async fn block(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    Path(target): Path<String>,
) -> Result<StatusCode, ApiError> {
    let target = parse_target(&target)?;
    if target.account() == auth.address.account() {
        return Err(ApiError::bad_request("an account cannot block itself"));
    }
    let _consent = state.consent_locks.lock(&auth.address.name).await;
    state.store.block(&auth.address.name, &target, state.limits.max_blocks_per_account).await?;
    let purged = consent::purge_sender(&state, &auth.address, &target).await?;
    tracing::debug!(purged, "address blocked");
    Ok(StatusCode::NO_CONTENT)
}

pub async fn unblock(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    Path(target): Path<String>,
) -> Result<StatusCode, ApiError> {
    let target = parse_target(&target)?;
    let _consent = state.consent_locks.lock(&auth.address.name).await;
    state.store.unblock(&auth.address.name, &target).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks an address as a contact: it may always reach the account; idempotent.
pub async fn add_contact(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    Path(target): Path<String>,
) -> Result<StatusCode, ApiError> {
    let target = parse_target(&target)?;
    let _consent = state.consent_locks.lock(&auth.address.name).await;
    state.store.add_contact(&auth.address.name, &target, state.limits.max_contacts_per_account).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn get_discoverability(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
) -> Result<Json<DiscoverabilityJson>, ApiError> {
    let contacts_only = state.store.contacts_only_discovery(&auth.address.name).await?;
    let discoverable_by = if contacts_only { Discoverability::Contacts } else { Discoverability::Everyone };
    Ok(Json(DiscoverabilityJson { discoverable_by }))
}

/// Sets who may look the account up (directory and bundles, from every network).
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
pub async fn delete_request(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    Path(target): Path<String>,
) -> Result<StatusCode, ApiError> {
    let target = parse_target(&target)?;
    let _consent = state.consent_locks.lock(&auth.address.name).await;
    state.store.delete_request(&auth.address.name, &target).await?;
    Ok(StatusCode::NO_CONTENT)
}
