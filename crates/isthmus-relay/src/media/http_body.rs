//! Media on HTTP, the same for the client API (`http/media.rs`) and federation
//! (`federation/media.rs`): the body type, streamed answers, and ids from paths.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse as _, Response};
use futures_util::StreamExt as _;

use super::{ByteStream, MediaId};
use crate::error_code::ApiError;
use crate::metrics::{Direction, RelayMetrics};

/// The content type of media bodies: ciphertext, opaque to the relay.
pub const MEDIA_CONTENT_TYPE: &str = "application/octet-stream";

/// A streamed `200 application/octet-stream` answer, with `Content-Length` when it is known.
/// The bytes that leave are counted as media out.
pub fn octet_stream(metrics: &Arc<RelayMetrics>, size: Option<u64>, bytes: ByteStream) -> Response {
    let metrics = metrics.clone();
    let counted = bytes.inspect(move |chunk| {
        if let Ok(chunk) = chunk {
            metrics.media_bytes(Direction::Out, chunk.len() as u64);
        }
    });
    let mut response = Body::from_stream(counted).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_CONTENT_TYPE));
    if let Some(size) = size {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    }
    response
}

/// A medium id from a path: 32 lowercase hex characters, else `bad_request`.
pub fn parse_media_id(text: &str) -> Result<MediaId, ApiError> {
    MediaId::parse(text).ok_or_else(|| ApiError::bad_request("a medium id is 32 lowercase hex characters"))
}
