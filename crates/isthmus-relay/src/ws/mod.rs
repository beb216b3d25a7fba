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

/// `GET /v1/ws`: authenticates the device, then upgrades.
pub async fn upgrade(State(state): State<Arc<RelayState>>, auth: Authenticated, upgrade: WebSocketUpgrade) -> Response {
    let hard_limit = state.limits.max_frame_bytes.saturating_mul(HARD_FRAME_LIMIT_FACTOR).max(64 * 1024);
    upgrade
        .max_message_size(hard_limit)
        .max_frame_size(hard_limit)
        .on_upgrade(move |socket| session::run(state, auth.address, socket))
}
