//! `POST /v1/accounts`: registration.

use isthmus_proto::api;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use isthmus_proto::api::{RegisterRequest, RegisterResponse};
use isthmus_proto::{Address, UserName, DEFAULT_DEVICE};

use super::extract::{ApiJson, ClientIp};
use super::key_bodies;
use crate::clock::now_ms;
use crate::coordination::Bucket;
use crate::credentials::issue_secret;
use crate::error_code::{ApiError, ErrorCode};
use crate::net::client_addr::IpKey;
use crate::registration;
use crate::state::RelayState;
use crate::store::{AccountRecord, NewAccount};

#[utoipa::path(
    operation_id = "accounts_register",
    post,
    path = "/v1/accounts",
    tag = "accounts",
    summary = "Register an account (device 1) with its first keys",
    description = "Key shapes are checked (see the patterns); signatures are verified by clients, not by the relay. On a network whose registration policy is `invite` or `closed`, a request without a valid invitation is refused before its name is looked at, so it tells nothing about who exists.",
    request_body = api::RegisterRequest,
    security(()),
    responses(
        (status = 201, description = "Registered. The secret is shown once; the relay keeps only its hash.", body = api::RegisterResponse),
        (status = 400, description = "`bad_request` or `invalid_name`", body = api::ErrorBody),
        (status = 403, description = "`forbidden`: this network registers only with a valid invitation, or not at all", body = api::ErrorBody),
        (status = 409, description = "`name_taken`", body = api::ErrorBody),
        (status = 413, description = "`too_large`", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn register(
    State(state): State<Arc<RelayState>>,
    ClientIp(ip): ClientIp,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> Result<(StatusCode, Json<RegisterResponse>), ApiError> {
    if let Some(ip) = ip {
        let key = IpKey::of(ip).to_string();
        state.coordination.take_token(Bucket::Registration, &key).await?.map_err(ApiError::rate_limited)?;
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
    let max = state.limits.max_prekeys_per_upload.min(state.limits.max_stored_prekeys);
    let keys = key_bodies::identity(&request.keys, max)?;
    let secret = issue_secret();
    let record = AccountRecord {
        name: name.clone(),
        device: DEFAULT_DEVICE,
        secret_hash: secret.hash,
        registration_id: keys.registration_id,
        identity_key: keys.identity_key,
        signed_prekey: keys.signed_prekey,
        kyber_last_resort: keys.kyber_last_resort,
        created_at_ms: now_ms(),
    };
    let new = NewAccount { record, prekeys: keys.prekeys, kyber_prekeys: keys.kyber_prekeys };
    state.store.create_account(new).await?;
    tracing::info!("account registered");
    let address = Address::new(name, state.domain.clone());
    Ok((
        StatusCode::CREATED,
        Json(RegisterResponse { address: address.to_string(), device: address.device, secret: secret.text }),
    ))
}
