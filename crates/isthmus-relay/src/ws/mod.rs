//! The data plane: one WebSocket per device carrying protobuf frames (frames.proto).

mod acks;
mod fan_out;
mod frames;
mod session;

use std::sync::Arc;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::response::{IntoResponse as _, Response};
use isthmus_proto::api;

use crate::error_code::ApiError;
use crate::http::extract::Authenticated;
use crate::state::RelayState;

/// Messages past the frame limit get a `FrameError` and the socket stays open; past this many
/// times the limit the socket closes, so the relay never buffers an unbounded message.
pub const HARD_FRAME_LIMIT_FACTOR: usize = 4;

/// Bytes a socket reads at a time. tungstenite zero-fills its whole spare read buffer before
/// every read, so its 128 KiB default cost a 128 KiB memset per read: 13% of the relay's CPU under
/// load, for frames that are mostly under 1 KiB. A bigger frame just takes more reads.
pub const READ_BUFFER_BYTES: usize = 8 * 1024;

/// `GET /v1/ws`: authenticates the device, then upgrades.
#[utoipa::path(
    operation_id = "ws_upgrade",
    get,
    path = "/v1/ws",
    tag = "data plane",
    summary = "Upgrade to the device's WebSocket (binary protobuf ServerFrame / ClientFrame)",
    description = "See docs/relay-api.md, Data plane.",
    responses(
        (status = 101, description = "Switching protocols"),
        (status = 400, description = "`bad_request`: not a WebSocket upgrade", body = api::ErrorBody),
        (status = 401, description = "`unauthorized`: missing or wrong credentials", body = api::ErrorBody),
        (status = 429, description = "`rate_limited`", body = api::ErrorBody, headers(("Retry-After" = u64, description = "Seconds until a request will be accepted"))),
    )
)]
pub async fn upgrade(
    State(state): State<Arc<RelayState>>,
    auth: Authenticated,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    // Answered in the relay's error shape, like every other refusal, not as axum's plain text.
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(_) => return ApiError::bad_request("expected a WebSocket upgrade").into_response(),
    };
    let hard_limit = state.limits.max_frame_bytes.saturating_mul(HARD_FRAME_LIMIT_FACTOR).max(64 * 1024);
    upgrade
        .read_buffer_size(READ_BUFFER_BYTES)
        .max_message_size(hard_limit)
        .max_frame_size(hard_limit)
        .on_upgrade(move |socket| session::run(state, auth.address, socket))
}
