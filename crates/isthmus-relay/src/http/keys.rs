//! `/v1/keys`: uploading prekeys, counting them, and fetching bundles (here or through federation).

use isthmus_proto::api;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use isthmus_proto::{wire, Address};

use isthmus_proto::api::{Bundle, KeysUpload, PreKeyCounts};

use super::extract::{ApiJson, Authenticated};
use super::key_bodies;
use crate::bundle::to_json;
use crate::error_code::ApiError;
use crate::federation::outbound;
use crate::state::RelayState;
use crate::store::KeyUpdate;

#[utoipa::path(
    operation_id = "keys_upload",
    put,
    path = "/v1/keys",
    tag = "keys",
    summary = "Upload prekeys",
    description = "One-time keys are added; the signed and last-resort keys replace the stored ones.",
    request_body = api::KeysUpload,
    responses(
        (status = 204, description = "Stored"),
        (status = 400, description = "`bad_request`", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 413, description = "`too_large`", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn upload(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    ApiJson(upload): ApiJson<KeysUpload>,
) -> Result<StatusCode, ApiError> {
    let max = state.limits.max_prekeys_per_upload;
    let update = KeyUpdate {
        signed_prekey: upload
            .signed_prekey
            .as_ref()
            .map(|key| key_bodies::signed_ec(key, "signed_prekey"))
            .transpose()?,
        kyber_last_resort: upload
            .kyber_last_resort
            .as_ref()
            .map(|key| key_bodies::kyber(key, "kyber_last_resort"))
            .transpose()?,
        prekeys: key_bodies::batch("prekeys", &upload.prekeys, max, key_bodies::prekey)?,
        kyber_prekeys: key_bodies::batch("kyber_prekeys", &upload.kyber_prekeys, max, key_bodies::kyber)?,
    };
    state.store.update_keys(&auth.address.name, update, state.limits.max_stored_prekeys).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    operation_id = "keys_count",
    get,
    path = "/v1/keys/count",
    tag = "keys",
    summary = "How many one-time prekeys are left (drives replenishment)",
    responses(
        (status = 200, description = "Counts", body = api::PreKeyCounts),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn count(State(state): State<Arc<RelayState>>, auth: Authenticated) -> Result<Json<PreKeyCounts>, ApiError> {
    let counts = state.store.prekey_counts(&auth.address.name).await?;
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(Json(PreKeyCounts { prekeys: count(counts.prekeys), kyber_prekeys: count(counts.kyber_prekeys) }))
}

/// Parses the `{name@network}` of a path.
pub fn parse_target(raw: &str) -> Result<Address, ApiError> {
    raw.parse().map_err(|_| ApiError::bad_request("expected an address name@network"))
}

#[utoipa::path(
    operation_id = "keys_bundle",
    get,
    path = "/v1/keys/{address}",
    tag = "keys",
    summary = "Fetch a prekey bundle, here or through the peered relay of the address's network",
    description = "Consumes one one-time EC prekey (if any) and one one-time Kyber prekey (else the last-resort one is given).",
    params(("address" = String, Path, description = "`name@network`", example = "bob@harbor.example", pattern = "^[a-z][a-z0-9._-]{0,31}@[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?){0,2}$")),
    responses(
        (status = 200, description = "A bundle", body = api::Bundle),
        (status = 400, description = "`bad_request`", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 404, description = "`unknown_account` (also for an account that has not allowed the asking network, hides itself from the asker or blocked them) or `network_not_peered`", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
        (status = 502, description = "`peer_unavailable`: the peered relay of that network did not answer", body = api::ErrorBody),
    )
)]
pub async fn bundle(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    Path(target): Path<String>,
) -> Result<Json<Bundle>, ApiError> {
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
