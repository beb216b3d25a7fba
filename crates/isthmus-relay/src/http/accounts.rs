//! `POST /v1/accounts`: registration.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use isthmus_proto::{Address, UserName, DEFAULT_DEVICE};

use super::api_types::{decode_base64, decode_batch, PreKeyJson, RegisterRequest, RegisterResponse, SignedPreKeyJson};
use super::extract::{ApiJson, ClientIp};
use crate::clock::now_ms;
use crate::credentials::issue_secret;
use crate::error_code::{ApiError, ErrorCode};
use crate::key_shapes;
use crate::net::client_addr::IpKey;
use crate::registration;
use crate::state::RelayState;
use crate::store::{AccountRecord, NewAccount};

pub async fn register(
    State(state): State<Arc<RelayState>>,
    ClientIp(ip): ClientIp,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> Result<(StatusCode, Json<RegisterResponse>), ApiError> {
    if let Some(ip) = ip {
        state.registration_limiter.check(&IpKey::of(ip)).map_err(ApiError::rate_limited)?;
    }
    // Before the name is even parsed: without a valid invitation, every name answers alike.
    let invite = registration::admit(&state, request.invite.as_deref(), now_ms()).await?;
    match create(&state, request).await {
        Ok(created) => Ok(created),
        Err(error) => {
            registration::give_back(&state, invite).await;
            Err(error)
        }
    }
}

async fn create(
    state: &RelayState,
    request: RegisterRequest,
) -> Result<(StatusCode, Json<RegisterResponse>), ApiError> {
    let name =
        UserName::parse(&request.name).map_err(|error| ApiError::new(ErrorCode::InvalidName, error.to_string()))?;
    let identity_key = decode_base64("identity_key", &request.identity_key)?;
    key_shapes::check_ec_public_key("identity_key", &identity_key)?;
    let signed_prekey = request.signed_prekey.to_signed_ec("signed_prekey")?;
    let kyber_last_resort = request.kyber_last_resort.to_kyber("kyber_last_resort")?;
    let max = state.limits.max_prekeys_per_upload.min(state.limits.max_stored_prekeys);
    let prekeys = decode_batch("prekeys", &request.prekeys, max, PreKeyJson::to_prekey)?;
    let kyber_prekeys = decode_batch("kyber_prekeys", &request.kyber_prekeys, max, SignedPreKeyJson::to_kyber)?;
    let secret = issue_secret();
    let record = AccountRecord {
        name: name.clone(),
        device: DEFAULT_DEVICE,
        secret_hash: secret.hash,
        registration_id: request.registration_id,
        identity_key,
        signed_prekey,
        kyber_last_resort,
        created_at_ms: now_ms(),
    };
    state.store.create_account(NewAccount { record, prekeys, kyber_prekeys }).await?;
    tracing::info!("account registered");
    let address = Address::new(name, state.domain.clone());
    Ok((
        StatusCode::CREATED,
        Json(RegisterResponse { address: address.to_string(), device: address.device, secret: secret.text }),
    ))
}
