//! The data plane: one WebSocket per device carrying protobuf frames (frames.proto).

mod frames;
mod session;

use std::sync::Arc;

use axum::extract::ws::WebSocketUpgrade;
use axum::extract::State;
use axum::response::Response;

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
pub async fn upgrade(State(state): State<Arc<RelayState>>, auth: Authenticated, upgrade: WebSocketUpgrade) -> Response {
    let hard_limit = state.limits.max_frame_bytes.saturating_mul(HARD_FRAME_LIMIT_FACTOR).max(64 * 1024);
    upgrade
        .read_buffer_size(READ_BUFFER_BYTES)
        .max_message_size(hard_limit)
        .max_frame_size(hard_limit)
        .on_upgrade(move |socket| session::run(state, auth.address, socket))
}
