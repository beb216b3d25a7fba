//! `POST /v1/media` (upload) and `GET /v1/media/{network}/{id}` (download, here or through the
//! peered relay of `network`).
//!
//! Bodies are streamed both ways: an upload goes to disk chunk by chunk as it arrives, a download
//! leaves chunk by chunk, so a 100 MiB medium never sits in the relay's memory.

use isthmus_proto::api;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use futures_util::StreamExt as _;
use isthmus_proto::NetworkName;

use super::extract::Authenticated;
use crate::clock::now_ms;
use crate::error_code::{ApiError, ErrorCode};
use crate::federation::media as federated;
use crate::media::http_body::{octet_stream, parse_media_id};
use crate::media::{sweeper, MediaId};
use crate::metrics::Direction;
use crate::state::RelayState;
use isthmus_proto::api::MediaCreated;

fn declared_length(headers: &HeaderMap) -> Result<u64, ApiError> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok())
        .ok_or_else(|| ApiError::bad_request("a media upload needs a Content-Length"))
}

fn quota_exceeded() -> ApiError {
    ApiError::new(
        ErrorCode::QuotaExceeded,
        "this account's stored media would exceed its quota; older media frees its room when it expires",
    )
}

/// Stores the body as a new medium. Everything that can be refused is refused before a byte is
/// read (size, quota); a body that ends early or runs long is refused and nothing is kept.
#[utoipa::path(
    operation_id = "media_upload",
    post,
    path = "/v1/media",
    tag = "media",
    summary = "Upload a medium's ciphertext (encrypted by the client; the relay never sees plaintext)",
    description = "`Content-Length` is required and checked before a byte is read: over `max_media_bytes` is `too_large`, past the account's quota (bytes and objects, unexpired media and uploads in flight) is `quota_exceeded`. The body is stored durably before the answer. A body shorter or longer than its `Content-Length` is `bad_request` and nothing is kept.",
    request_body(content = inline(crate::openapi::Upload), content_type = "application/octet-stream"),
    responses(
        (status = 201, description = "Stored", body = api::MediaCreated),
        (status = 400, description = "`bad_request`, also for a missing or zero `Content-Length` and a body of another length", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 413, description = "`too_large`", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
        (status = 507, description = "`quota_exceeded`", body = api::ErrorBody),
    )
)]
pub async fn upload(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<MediaCreated>), ApiError> {
    let declared = declared_length(&headers)?;
    if declared > state.limits.max_media_bytes {
        return Err(ApiError::too_large(format!("a medium may have at most {} bytes", state.limits.max_media_bytes)));
    }
    if declared == 0 {
        return Err(ApiError::bad_request("an empty medium"));
    }
    let now = now_ms();
    let owner = &auth.address.name;
    let reservation = state.media_reservations.reserve(owner, declared);
    let stored = state.media.usage(owner, sweeper::expiry_at(&state, now)).await?;
    if stored.bytes.saturating_add(reservation.owner_pending()) > state.limits.media_quota_bytes
        || stored.objects.saturating_add(reservation.owner_uploads()) > state.limits.media_quota_objects
    {
        return Err(quota_exceeded());
    }
    let id = MediaId::random();
    // Dropped without a commit on every early return below, which deletes what was written.
    let mut upload = state.media.begin(id, owner, now).await?;
    let mut received: u64 = 0;
    let mut chunks = body.into_data_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|_| ApiError::bad_request("the upload broke off"))?;
        received += chunk.len() as u64;
        if received > declared {
            return Err(ApiError::bad_request("the body is longer than its Content-Length"));
        }
        upload.write(&chunk).await?;
    }
    if received != declared {
        return Err(ApiError::bad_request("the body is shorter than its Content-Length"));
    }
    let record = upload.commit().await?;
    drop(reservation);
    state.metrics.media_bytes(Direction::In, record.size);
    tracing::debug!(id = %id.log_prefix(), size = record.size, "medium stored");
    Ok((StatusCode::CREATED, Json(MediaCreated { id: id.to_string(), size: record.size })))
}

/// Streams a medium to one of this relay's users: from this relay's store when `network` is this
/// relay's, else fetched from that network's relay (which never learns who asked).
#[utoipa::path(
    operation_id = "media_download",
    get,
    path = "/v1/media/{network}/{id}",
    tag = "media",
    summary = "Download a medium, from this relay or through it from the peered relay of `network`",
    description = "For another network the relay fetches the medium from that network's relay and streams it through, so the origin never learns who downloads. Expired media answers `not_found` like missing media.",
    params(("network" = String, Path, description = "The network whose relay hosts the medium (the sender's)", example = "meadow.example", pattern = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?){0,2}$"), ("id" = String, Path, description = "The id `POST /v1/media` returned", pattern = "^[0-9a-f]{32}$")),
    responses(
        (status = 200, description = "The medium's ciphertext, streamed", content_type = "application/octet-stream", body = inline(crate::openapi::Octets)),
        (status = 400, description = "`bad_request`", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 404, description = "`not_found` (missing or expired medium) or `network_not_peered`", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
        (status = 502, description = "`peer_unavailable`: the peered relay of that network did not answer", body = api::ErrorBody),
    )
)]
pub async fn download(
    State(state): State<Arc<RelayState>>,
    _auth: Authenticated,
    Path((network, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let network = NetworkName::parse(&network).map_err(|_| ApiError::bad_request("not a network name"))?;
    let id = parse_media_id(&id)?;
    if network != state.domain {
        return federated::fetch(&state, &network, id).await;
    }
    let content =
        state.media.open(id, sweeper::expiry_at(&state, now_ms())).await?.ok_or_else(ApiError::media_not_found)?;
    Ok(octet_stream(&state.metrics, Some(content.size), content.bytes))
}
