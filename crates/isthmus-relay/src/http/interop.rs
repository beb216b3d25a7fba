//! `/v1/account/interop`: which other networks may reach the account. Empty (the default) means
//! none: the account is invisible outside its own network. Withdrawing a network also deletes what
//! it has queued for the account.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use isthmus_proto::NetworkName;

use super::api_types::InteropJson;
use super::extract::{ApiJson, Authenticated};
use crate::consent;
use crate::error_code::ApiError;
use crate::state::RelayState;

fn to_json(networks: &BTreeSet<NetworkName>) -> InteropJson {
    InteropJson { networks: networks.iter().map(ToString::to_string).collect() }
}

pub async fn get(State(state): State<Arc<RelayState>>, auth: Authenticated) -> Result<Json<InteropJson>, ApiError> {
    Ok(Json(to_json(&state.store.interop(&auth.address.name).await?)))
}

pub async fn set(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    ApiJson(body): ApiJson<InteropJson>,
) -> Result<Json<InteropJson>, ApiError> {
    if body.networks.len() > state.limits.max_interop_networks {
        return Err(ApiError::too_large(format!("at most {} networks", state.limits.max_interop_networks)));
    }
    let networks = body
        .networks
        .iter()
        .map(|raw| NetworkName::parse(raw).map_err(|_| ApiError::bad_request("networks must be domain names")))
        .collect::<Result<BTreeSet<_>, _>>()?;
    let _consent = state.consent_locks.lock(&auth.address.name).await;
    state.store.set_interop(&auth.address.name, networks.clone()).await?;
    // Envelopes accepted under consent that is now withdrawn are not delivered after all.
    let purged = consent::purge_revoked(&state, &auth.address, &networks).await?;
    tracing::debug!(networks = networks.len(), purged, "interop setting changed");
    Ok(Json(to_json(&networks)))
}
