//! Media between relays. A network hosts what its own users upload; a receiver on another network
//! downloads through its own relay, which fetches from the origin with a signed
//! `GET /federation/v1/media/{id}` and streams the answer through.
//!
//! The request says nothing about the receiver: no requester field, no header naming anyone. The
//! origin learns only which peered relay asked, and logs at most that and the id's first four hex
//! characters, at debug level.

use isthmus_proto::api;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use futures_util::StreamExt as _;
use isthmus_proto::NetworkName;

use super::inbound::SignedRequest;
use super::outbound::{peer_unavailable, sign_for, PeerRefusal};
use super::{signature, FederationRoute};
use crate::clock::now_ms;
use crate::error_code::{ApiError, ErrorCode};
use crate::media::http_body::{octet_stream, parse_media_id};
use crate::media::{sweeper, ByteStream, MediaId};
use crate::metrics::{Direction, RelayMetrics};
use crate::state::RelayState;

/// `GET /federation/v1/media/{id}`: a peered relay fetches one of this network's media for one of
/// its users. Only signed requests from peers get here (`SignedRequest`).
#[utoipa::path(
    operation_id = "federation_media_serve",
    get,
    path = "/federation/v1/media/{id}",
    tag = "federation",
    summary = "Fetch one of this network's media for a user of the origin network",
    description = "Signed over the SHA-256 of the empty body. The request names no user: the origin learns only which peered relay asked.",
    params(("id" = String, Path, pattern = "^[0-9a-f]{32}$"), ("Isthmus-Origin" = String, Header, description = "The origin network", example = "meadow.example"), ("Isthmus-Timestamp" = String, Header, description = "Milliseconds since the Unix epoch"), ("Isthmus-Nonce" = String, Header, description = "32 lowercase hex characters, used once"), ("Isthmus-Signature" = String, Header, description = "The origin relay's signature (see the federationSignature scheme)")),
    security(("federationSignature" = [])),
    responses(
        (status = 200, description = "The medium's ciphertext, streamed", content_type = "application/octet-stream", body = inline(crate::openapi::Octets)),
        (status = 400, description = "`bad_request`", body = api::ErrorBody),
        (status = 403, description = "`forbidden`: not a peered relay, a bad signature, a stale timestamp or a replayed nonce", body = api::ErrorBody),
        (status = 404, description = "`not_found`", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn serve(
    State(state): State<Arc<RelayState>>,
    Path(id): Path<String>,
    request: SignedRequest,
) -> Result<Response, ApiError> {
    let id = parse_media_id(&id)?;
    let content =
        state.media.open(id, sweeper::expiry_at(&state, now_ms())).await?.ok_or_else(ApiError::media_not_found)?;
    tracing::debug!(peer = %request.origin, id = %id.log_prefix(), "medium served to a peered relay");
    Ok(octet_stream(&state.metrics, Some(content.size), content.bytes))
}

/// Fetches medium `id` from the relay of `network` and streams it through, never holding it
/// whole and never passing on more than `max_media_bytes`.
pub async fn fetch(state: &RelayState, network: &NetworkName, id: MediaId) -> Result<Response, ApiError> {
    let peer = state
        .peer(network)
        .ok_or_else(|| ApiError::new(ErrorCode::NetworkNotPeered, "this relay does not peer with that network"))?;
    let path = FederationRoute::media_path(id);
    let headers = sign_for(state, &peer, "GET", &path, b"");
    let sending = state
        .federation
        .clients(&peer)?
        .streaming
        .get(format!("{}{path}", peer.url))
        .header(signature::HEADER_ORIGIN, headers.origin)
        .header(signature::HEADER_TIMESTAMP, headers.timestamp_ms.to_string())
        .header(signature::HEADER_NONCE, headers.nonce)
        .header(signature::HEADER_SIGNATURE, headers.signature)
        .send();
    let response = match tokio::time::timeout(state.federation.timeout, sending).await {
        Ok(Ok(response)) => response,
        Ok(Err(_)) | Err(_) => {
            tracing::warn!(peer = %peer.domain, "peer relay did not answer a media fetch");
            return Err(peer_unavailable());
        }
    };
    let status = response.status();
    if status != StatusCode::OK {
        return Err(refusal(&peer.domain, response).await);
    }
    let max = state.limits.max_media_bytes;
    let declared = response.content_length();
    if declared.is_some_and(|size| size > max) {
        tracing::warn!(peer = %peer.domain, "peer relay offered a medium over the size limit");
        return Err(peer_unavailable());
    }
    let fetched = capped(response.bytes_stream(), max, state.metrics.clone());
    Ok(octet_stream(&state.metrics, declared, fetched))
}

/// Passes a peer's chunks on until more than `max` bytes came, then fails the stream, which
/// aborts the answer to the client (its headers are already out).
fn capped<S>(stream: S, max: u64, metrics: Arc<RelayMetrics>) -> ByteStream
where
    S: futures_util::Stream<Item = reqwest::Result<axum::body::Bytes>> + Send + 'static,
{
    let mut passed: u64 = 0;
    Box::pin(stream.map(move |chunk| {
        let chunk = chunk.map_err(std::io::Error::other)?;
        passed += chunk.len() as u64;
        metrics.media_bytes(Direction::In, chunk.len() as u64);
        if passed > max {
            return Err(std::io::Error::other("the peer relay sent more than the media size limit"));
        }
        Ok(chunk)
    }))
}

/// What a peer's non-200 answer means for the client: `not_found` and `rate_limited` are about
/// the request and pass through; anything else is the peer's trouble, `peer_unavailable`.
async fn refusal(peer: &NetworkName, response: reqwest::Response) -> ApiError {
    let PeerRefusal { status, retry_after, code } = PeerRefusal::read(response).await;
    match code {
        Some(ErrorCode::NotFound) => ApiError::media_not_found(),
        Some(ErrorCode::RateLimited) => ApiError::rate_limited(retry_after.unwrap_or(1)),
        other => {
            tracing::warn!(
                peer = %peer,
                status = status.as_u16(),
                code = other.map_or("none", ErrorCode::as_str),
                "peer relay refused a media fetch"
            );
            peer_unavailable()
        }
    }
}
