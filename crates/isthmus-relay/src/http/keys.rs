//! `/v1/keys`: uploading prekeys, counting them, and fetching bundles (here or through federation).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use isthmus_proto::{wire, Address};

use super::api_types::{decode_batch, BundleJson, KeysUpload, PreKeyCountsJson, PreKeyJson, SignedPreKeyJson};
use super::extract::{ApiJson, Authenticated};
use crate::bundle::to_json;
use crate::error_code::ApiError;
use crate::federation::outbound;
use crate::state::RelayState;
use crate::store::KeyUpdate;

pub async fn upload(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    ApiJson(upload): ApiJson<KeysUpload>,
) -> Result<StatusCode, ApiError> {
    let max = state.limits.max_prekeys_per_upload;
    let update = KeyUpdate {
        signed_prekey: upload.signed_prekey.as_ref().map(|key| key.to_signed_ec("signed_prekey")).transpose()?,
        kyber_last_resort: upload
            .kyber_last_resort
            .as_ref()
            .map(|key| key.to_kyber("kyber_last_resort"))
            .transpose()?,
        prekeys: decode_batch("prekeys", &upload.prekeys, max, PreKeyJson::to_prekey)?,
        kyber_prekeys: decode_batch("kyber_prekeys", &upload.kyber_prekeys, max, SignedPreKeyJson::to_kyber)?,
    };
    state.store.update_keys(&auth.address.name, update, state.limits.max_stored_prekeys).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn count(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
) -> Result<Json<PreKeyCountsJson>, ApiError> {
    let counts = state.store.prekey_counts(&auth.address.name).await?;
    Ok(Json(PreKeyCountsJson { prekeys: counts.prekeys, kyber_prekeys: counts.kyber_prekeys }))
}

/// Parses the `{name@network}` of a path.
pub fn parse_target(raw: &str) -> Result<Address, ApiError> {
    raw.parse().map_err(|_| ApiError::bad_request("expected an address name@network"))
}

pub async fn bundle(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    Path(target): Path<String>,
) -> Result<Json<BundleJson>, ApiError> {
    let target = parse_target(&target)?;
    let lookup = find_bundle(&state, &auth.address, &target);
    let bundle = crate::consent::lookups::counted(&state, &auth.address, &target, lookup).await?;
    Ok(Json(to_json(&target, &bundle)))
}

async fn find_bundle(state: &RelayState, asker: &Address, target: &Address) -> Result<wire::PreKeyBundle, ApiError> {
    if target.network != state.domain {
        return outbound::bundle(state, asker, target).await;
    }
    // A block or the account's discoverability hides it, before any key is consumed.
    if !crate::consent::may_discover(state, &target.name, asker).await? {
        return Err(ApiError::unknown_account());
    }
    let stored = state.store.take_bundle(&target.name).await?.ok_or_else(ApiError::unknown_account)?;
    Ok(wire::PreKeyBundle::from(&stored))
}
