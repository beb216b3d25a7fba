//! Extractors that turn requests into checked values or `{code, message}` errors.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use isthmus_proto::Address;
use serde::de::DeserializeOwned;

use crate::coordination::Bucket;
use crate::credentials::{hash_secret, hashes_match, parse_bearer};
use crate::error_code::ApiError;
use crate::state::RelayState;

/// A JSON body whose errors are answered in the relay's error shape: `too_large` over the body
/// limit, `bad_request` for anything else that is not one JSON object of the expected shape sent
/// as `application/json` (serde would otherwise also read a struct from an array).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(request.headers()) {
            return Err(ApiError::bad_request("expected a body with Content-Type: application/json"));
        }
        let body = match Bytes::from_request(request, state).await {
            Ok(body) => body,
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::too_large("the request body is over the limit"));
            }
            Err(rejection) => return Err(ApiError::bad_request(rejection.body_text())),
        };
        if body.iter().find(|byte| !byte.is_ascii_whitespace()) != Some(&b'{') {
            return Err(ApiError::bad_request("the body must be a JSON object"));
        }
        serde_json::from_slice(&body)
            .map(Self)
            .map_err(|error| ApiError::bad_request(format!("the body does not fit this request: {error}")))
    }
}

/// `application/json`, or a `+json` type, with any parameters.
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The client's address: the connection's peer, or the client a trusted proxy names
/// (`observe::resolve_client` puts it in the request's extensions). `None` only for requests
/// that did not come through `start`'s listener.
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub Option<IpAddr>);

impl ClientIp {
    pub fn of<B>(request: &axum::http::Request<B>) -> Option<IpAddr> {
        request.extensions().get::<ClientIp>().and_then(|client| client.0)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<ClientIp>().copied().unwrap_or(Self(None)))
    }
}

/// The TCP peer of the connection a request arrived on.
pub fn connection_peer<B>(request: &axum::http::Request<B>) -> Option<IpAddr> {
    request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip())
}

/// A request from a device of this relay that presented its secret. Taking one also takes a token
/// from the account's rate-limit bucket.
pub struct Authenticated {
    pub address: Address,
}

impl FromRequestParts<Arc<RelayState>> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<RelayState>) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(parse_bearer)
            .ok_or_else(ApiError::unauthorized)?;
        let account = state.store.account(&token.name).await?.ok_or_else(ApiError::unauthorized)?;
        if account.device != token.device || !hashes_match(&hash_secret(&token.secret), &account.secret_hash) {
            return Err(ApiError::unauthorized());
        }
        if let Err(retry_after) = state.coordination.take_token(Bucket::Account, account.name.as_str()).await? {
            return Err(ApiError::rate_limited(retry_after));
        }
        let mut address = Address::new(account.name, state.domain.clone());
        address.device = account.device;
        Ok(Self { address })
    }
}
