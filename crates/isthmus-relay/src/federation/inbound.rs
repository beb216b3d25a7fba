//! The federation routes: what a peered relay may ask of this one.
//!
//! Every request is checked by [`SignedRequest`] before a handler sees it. An account that has not
//! allowed the origin network answers exactly as a missing account does.

use isthmus_proto::api;
use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, MatchedPath, Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use isthmus_proto::{wire, Address, Message, NetworkName, UserName, DEFAULT_DEVICE};

use super::signature::{self, ReceivedHeaders, Rejection, MAX_CLOCK_SKEW_MS};
use super::PROTOBUF_CONTENT_TYPE;
use crate::clock::now_ms;
use crate::coordination::Bucket;
use crate::delivery::{check_envelope, deliver_local};
use crate::error_code::{ApiError, ErrorCode};
use crate::metrics::{Direction, Source};
use crate::state::RelayState;
use crate::store::AccountRecord;

/// Nonces are kept a minute past the end of the window in which their timestamp is accepted.
const NONCE_MARGIN_MS: u64 = 60_000;

/// A federation request whose origin, timestamp, signature and nonce all checked out.
pub struct SignedRequest {
    pub origin: NetworkName,
    pub body: Bytes,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

fn refuse(rejection: Rejection) -> ApiError {
    tracing::info!(reason = %rejection, "federation request refused");
    ApiError::forbidden("federation request refused")
}

fn max_body_bytes(state: &RelayState) -> u64 {
    u64::try_from(state.limits.max_federation_body_bytes).unwrap_or(u64::MAX)
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH).and_then(|value| value.to_str().ok()).and_then(|value| value.parse().ok())
}

/// Runs before any federation route reads its body: the request must name a peered network as
/// its origin and must not announce a body over the limit. A stranger's 4 MiB body is refused
/// on its headers; a body that runs past the limit unannounced is cut off as it is read.
/// Counts every federation request answered, by route and outcome.
pub async fn check_before_body(State(state): State<Arc<RelayState>>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|path| super::FederationRoute::from_template(path.as_str()))
        .map_or("unmatched", super::FederationRoute::label);
    let known_origin = header(request.headers(), signature::HEADER_ORIGIN)
        .and_then(|origin| NetworkName::parse(origin).ok())
        .is_some_and(|origin| state.peer(&origin).is_some());
    let response = if !known_origin {
        refuse(Rejection::UnknownOrigin).into_response()
    } else if declared_length(request.headers()).is_some_and(|length| length > max_body_bytes(&state)) {
        ApiError::too_large("the federation body is over the limit").into_response()
    } else {
        next.run(request).await
    };
    let outcome = response.extensions().get::<ErrorCode>().map_or("ok", |code| code.as_str());
    state.metrics.federation_request(Direction::In, route, outcome);
    response
}

impl FromRequest<Arc<RelayState>> for SignedRequest {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &Arc<RelayState>) -> Result<Self, ApiError> {
        let (parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, state.limits.max_federation_body_bytes)
            .await
            .map_err(|_| ApiError::too_large("the federation body is over the limit"))?;
        let received = ReceivedHeaders {
            origin: header(&parts.headers, signature::HEADER_ORIGIN),
            timestamp: header(&parts.headers, signature::HEADER_TIMESTAMP),
            nonce: header(&parts.headers, signature::HEADER_NONCE),
            signature: header(&parts.headers, signature::HEADER_SIGNATURE),
        };
        let verified = signature::verify(
            |domain| state.peer(domain),
            &state.domain,
            parts.method.as_str(),
            parts.uri.path(),
            &received,
            &body,
            now_ms(),
        )
        .map_err(refuse)?;
        if let Err(retry_after) = state.coordination.take_token(Bucket::Peer, verified.origin.as_str()).await? {
            return Err(ApiError::rate_limited(retry_after));
        }
        // Recorded only after the signature checked out, so strangers cannot fill the nonce store.
        let expires = verified.timestamp_ms.saturating_add(MAX_CLOCK_SKEW_MS + NONCE_MARGIN_MS);
        if !state.store.remember_nonce(&verified.origin, &verified.nonce, expires).await? {
            return Err(refuse(Rejection::Replayed));
        }
        Ok(Self { origin: verified.origin, body })
    }
}

fn protobuf(message: &impl Message) -> Response {
    ([(header::CONTENT_TYPE, PROTOBUF_CONTENT_TYPE)], message.encode_to_vec()).into_response()
}

fn decode<T: Message + Default>(body: &[u8]) -> Result<T, ApiError> {
    T::decode(body).map_err(|_| ApiError::bad_request("the body is not a valid protobuf message"))
}

/// The requester must be someone on the origin network: a relay speaks only for its own users.
fn check_requester(requester: Option<&wire::Address>, origin: &NetworkName) -> Result<Address, ApiError> {
    let requester = requester
        .and_then(|raw| Address::try_from(raw).ok())
        .ok_or_else(|| ApiError::bad_request("the requester is missing or invalid"))?;
    if &requester.network != origin {
        return Err(ApiError::forbidden("the requester is not on the origin network"));
    }
    Ok(requester)
}

/// The account `name` if it exists, allows `origin` and lets `requester` find it (no block, and
/// its discoverability); `None` answers as unknown in every case.
async fn visible_account(
    state: &RelayState,
    name: &str,
    device: u32,
    origin: &NetworkName,
    requester: &Address,
) -> Result<Option<AccountRecord>, ApiError> {
    let Ok(name) = UserName::parse(name) else {
        return Ok(None);
    };
    let Some(account) = state.store.account(&name).await? else {
        return Ok(None);
    };
    let device = if device == 0 { DEFAULT_DEVICE } else { device };
    if account.device != device || !state.store.interop(&name).await?.contains(origin) {
        return Ok(None);
    }
    if !crate::consent::may_discover(state, &name, requester).await? {
        return Ok(None);
    }
    Ok(Some(account))
}

#[utoipa::path(
    operation_id = "federation_deliver",
    post,
    path = "/federation/v1/deliver",
    tag = "federation",
    summary = "Deliver envelopes to accounts on this relay (FederatedDelivery, answered by FederatedDeliveryResult)",
    description = "One code per envelope: empty when durably queued, else the error code that refused it.",
    params(("Isthmus-Origin" = String, Header, description = "The origin network", example = "meadow.example"), ("Isthmus-Timestamp" = String, Header, description = "Milliseconds since the Unix epoch"), ("Isthmus-Nonce" = String, Header, description = "32 lowercase hex characters, used once"), ("Isthmus-Signature" = String, Header, description = "The origin relay's signature (see the federationSignature scheme)")),
    request_body(content = inline(crate::openapi::Octets), content_type = "application/x-protobuf"),
    security(("federationSignature" = [])),
    responses(
        (status = 200, description = "One result per envelope", content_type = "application/x-protobuf", body = inline(crate::openapi::Octets)),
        (status = 400, description = "`bad_request`", body = api::ErrorBody),
        (status = 403, description = "`forbidden`: not a peered relay, a bad signature, a stale timestamp or a replayed nonce", body = api::ErrorBody),
        (status = 413, description = "`too_large`", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn deliver(State(state): State<Arc<RelayState>>, request: SignedRequest) -> Result<Response, ApiError> {
    let delivery: wire::FederatedDelivery = decode(&request.body)?;
    if delivery.envelopes.len() > state.limits.max_envelopes_per_delivery {
        return Err(ApiError::too_large("too many envelopes in one delivery"));
    }
    let from_origin = |envelope: &wire::Envelope| {
        envelope
            .source
            .as_ref()
            .and_then(|raw| Address::try_from(raw).ok())
            .is_some_and(|source| source.network == request.origin)
    };
    if !delivery.envelopes.iter().all(from_origin) {
        tracing::info!("federated delivery refused: an envelope's source is not on the origin network");
        return Err(ApiError::forbidden("envelope sources must belong to the origin network"));
    }
    let mut error_codes = vec![String::new(); delivery.envelopes.len()];
    // Envelopes for one recipient are queued one after the other, in the order they came;
    // different recipients side by side, so that their writes share commits.
    let mut by_recipient: BTreeMap<Address, Vec<usize>> = BTreeMap::new();
    for (index, envelope) in delivery.envelopes.iter().enumerate() {
        match check_envelope(&state, envelope) {
            Ok(destination) if destination.network == state.domain => {
                by_recipient.entry(destination).or_default().push(index);
            }
            Ok(_) => error_codes[index] = ApiError::unknown_account().code.as_str().to_owned(),
            Err(error) => error_codes[index] = error.code.as_str().to_owned(),
        }
    }
    let (state_ref, envelopes, origin) = (&state, &delivery.envelopes, &request.origin);
    let recipients = by_recipient.into_iter().map(|(destination, indexes)| async move {
        let mut outcomes = Vec::with_capacity(indexes.len());
        for index in indexes {
            outcomes.push((index, deliver_local(state_ref, &destination, &envelopes[index], Some(origin)).await));
        }
        outcomes
    });
    for (index, outcome) in futures_util::future::join_all(recipients).await.into_iter().flatten() {
        match outcome {
            Ok(()) => {}
            Err(error) if error.code == ErrorCode::Internal => return Err(error),
            Err(error) => error_codes[index] = error.code.as_str().to_owned(),
        }
    }
    for code in &error_codes {
        let outcome = if code.is_empty() { Ok(()) } else { Err(ErrorCode::parse(code).unwrap_or(ErrorCode::Internal)) };
        state.metrics.delivery(Source::Federation, outcome);
    }
    let delivered = error_codes.iter().filter(|code| code.is_empty()).count();
    tracing::debug!(delivered, refused = error_codes.len() - delivered, "federated delivery");
    Ok(protobuf(&wire::FederatedDeliveryResult { error_codes }))
}

#[utoipa::path(
    operation_id = "federation_bundle",
    post,
    path = "/federation/v1/bundle",
    tag = "federation",
    summary = "Fetch a bundle on behalf of a user of the origin network (FederatedBundleRequest, answered by PreKeyBundle)",
    params(("Isthmus-Origin" = String, Header, description = "The origin network", example = "meadow.example"), ("Isthmus-Timestamp" = String, Header, description = "Milliseconds since the Unix epoch"), ("Isthmus-Nonce" = String, Header, description = "32 lowercase hex characters, used once"), ("Isthmus-Signature" = String, Header, description = "The origin relay's signature (see the federationSignature scheme)")),
    request_body(content = inline(crate::openapi::Octets), content_type = "application/x-protobuf"),
    security(("federationSignature" = [])),
    responses(
        (status = 200, description = "A bundle", content_type = "application/x-protobuf", body = inline(crate::openapi::Octets)),
        (status = 400, description = "`bad_request`", body = api::ErrorBody),
        (status = 403, description = "`forbidden`: not a peered relay, a bad signature, a stale timestamp or a replayed nonce", body = api::ErrorBody),
        (status = 404, description = "`unknown_account`", body = api::ErrorBody),
        (status = 413, description = "`too_large`", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn bundle(State(state): State<Arc<RelayState>>, request: SignedRequest) -> Result<Response, ApiError> {
    let ask: wire::FederatedBundleRequest = decode(&request.body)?;
    let requester = check_requester(ask.requester.as_ref(), &request.origin)?;
    // Consent is checked before any key is consumed: a refused network must not drain prekeys.
    let Some(account) = visible_account(&state, &ask.name, ask.device, &request.origin, &requester).await? else {
        return Err(ApiError::unknown_account());
    };
    let bundle = state.store.take_bundle(&account.name).await?.ok_or_else(ApiError::unknown_account)?;
    Ok(protobuf(&wire::PreKeyBundle::from(&bundle)))
}

#[utoipa::path(
    operation_id = "federation_directory",
    post,
    path = "/federation/v1/directory",
    tag = "federation",
    summary = "Look an account up for a user of the origin network (FederatedDirectoryRequest, answered by FederatedDirectoryResult)",
    description = "`found=false` for a missing account, one that has not allowed the origin network, hides itself from the requester or blocked them.",
    params(("Isthmus-Origin" = String, Header, description = "The origin network", example = "meadow.example"), ("Isthmus-Timestamp" = String, Header, description = "Milliseconds since the Unix epoch"), ("Isthmus-Nonce" = String, Header, description = "32 lowercase hex characters, used once"), ("Isthmus-Signature" = String, Header, description = "The origin relay's signature (see the federationSignature scheme)")),
    request_body(content = inline(crate::openapi::Octets), content_type = "application/x-protobuf"),
    security(("federationSignature" = [])),
    responses(
        (status = 200, description = "Found or not", content_type = "application/x-protobuf", body = inline(crate::openapi::Octets)),
        (status = 400, description = "`bad_request`", body = api::ErrorBody),
        (status = 403, description = "`forbidden`: not a peered relay, a bad signature, a stale timestamp or a replayed nonce", body = api::ErrorBody),
        (status = 413, description = "`too_large`", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn directory(State(state): State<Arc<RelayState>>, request: SignedRequest) -> Result<Response, ApiError> {
    let ask: wire::FederatedDirectoryRequest = decode(&request.body)?;
    let requester = check_requester(ask.requester.as_ref(), &request.origin)?;
    let account = visible_account(&state, &ask.name, DEFAULT_DEVICE, &request.origin, &requester).await?;
    let result = match account {
        Some(account) => wire::FederatedDirectoryResult { found: true, identity_key: account.identity_key },
        None => wire::FederatedDirectoryResult { found: false, identity_key: Vec::new() },
    };
    Ok(protobuf(&result))
}
