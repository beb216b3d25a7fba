//! Building the relay's `ServerFrame`s.

use axum::extract::ws::Message;
use isthmus_proto::{wire, Message as _};

use crate::error_code::{ApiError, ErrorCode};

pub fn encode(frame: wire::server_frame::Frame) -> Message {
    Message::Binary(wire::ServerFrame { frame: Some(frame) }.encode_to_vec().into())
}

pub fn push(envelope: wire::Envelope) -> Message {
    encode(wire::server_frame::Frame::Push(envelope))
}

pub fn queue_empty() -> Message {
    encode(wire::server_frame::Frame::QueueEmpty(wire::QueueEmpty {}))
}

pub fn frame_error(code: ErrorCode, message: &str) -> Message {
    encode(wire::server_frame::Frame::Error(wire::FrameError {
        code: code.as_str().to_owned(),
        message: message.to_owned(),
        fatal: false,
    }))
}

pub fn send_result(request_id: u64, outcome: Result<u64, ApiError>) -> Message {
    let result = match outcome {
        Ok(server_timestamp) => {
            wire::SendResult { request_id, error_code: String::new(), error_message: String::new(), server_timestamp }
        }
        Err(error) => wire::SendResult {
            request_id,
            error_code: error.code.as_str().to_owned(),
            error_message: error.message,
            server_timestamp: 0,
        },
    };
    encode(wire::server_frame::Frame::SendResult(result))
}
