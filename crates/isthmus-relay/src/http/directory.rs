//! `GET /v1/directory/{name@network}`: does this account exist (for me), and what is its identity key.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;
use base64::Engine as _;
use isthmus_proto::Address;

use super::api_types::DirectoryEntryJson;
use super::extract::Authenticated;
use super::keys::parse_target;
use crate::error_code::ApiError;
use crate::federation::outbound;
use crate::state::RelayState;

pub async fn lookup(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    Path(target): Path<String>,
) -> Result<Json<DirectoryEntryJson>, ApiError> {
    let target = parse_target(&target)?;
    crate::consent::lookups::counted(&state, &auth.address, &target, find(&state, &auth.address, &target)).await
}

async fn find(state: &RelayState, asker: &Address, target: &Address) -> Result<Json<DirectoryEntryJson>, ApiError> {
    let identity_key = if target.network == state.domain {
        if !crate::consent::may_discover(state, &target.name, asker).await? {
            return Err(ApiError::unknown_account());
        }
        state.store.account(&target.name).await?.map(|account| account.identity_key)
    } else {
        outbound::directory(state, asker, target).await?
    };
    let identity_key = identity_key.ok_or_else(ApiError::unknown_account)?;
    Ok(Json(DirectoryEntryJson {
        address: target.to_string(),
        identity_key: base64::engine::general_purpose::STANDARD.encode(identity_key),
    }))
}
