//! `PUT /v1/account/identity`: a new identity key and all new prekeys, replacing the old ones at
//! once (a reinstall, or a user changing their key). Other people's clients then see a key change.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;

use super::api_types::{decode_base64, decode_batch, IdentityResetRequest, PreKeyJson, SignedPreKeyJson};
use super::extract::{ApiJson, Authenticated};
use crate::error_code::ApiError;
use crate::key_shapes;
use crate::state::RelayState;
use crate::store::IdentityKeys;

pub async fn reset(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    ApiJson(request): ApiJson<IdentityResetRequest>,
) -> Result<StatusCode, ApiError> {
    let identity_key = decode_base64("identity_key", &request.identity_key)?;
    key_shapes::check_ec_public_key("identity_key", &identity_key)?;
    let max = state.limits.max_prekeys_per_upload.min(state.limits.max_stored_prekeys);
    let keys = IdentityKeys {
        registration_id: request.registration_id,
        identity_key,
        signed_prekey: request.signed_prekey.to_signed_ec("signed_prekey")?,
        kyber_last_resort: request.kyber_last_resort.to_kyber("kyber_last_resort")?,
        prekeys: decode_batch("prekeys", &request.prekeys, max, PreKeyJson::to_prekey)?,
        kyber_prekeys: decode_batch("kyber_prekeys", &request.kyber_prekeys, max, SignedPreKeyJson::to_kyber)?,
    };
    state.store.replace_identity(&auth.address.name, keys).await?;
    tracing::info!("identity key replaced");
    Ok(StatusCode::NO_CONTENT)
}
