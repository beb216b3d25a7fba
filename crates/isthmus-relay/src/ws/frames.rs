//! Building the relay's `ServerFrame`s.

use axum::extract::ws::Message;
use isthmus_proto::{wire, Message as _};

use crate::error_code::{ApiError, ErrorCode};

pub fn encode(frame: wire::server_frame::Frame) -> Message {
    Message::Binary(wire::ServerFrame { frame: Some(frame) }.encode_to_vec().into())
}

/// The frame for a queued envelope, from the bytes the queue keeps: written around them rather
/// than decoded and encoded again (a `ServerFrame` whose `push`, field 1, holds them).
pub fn push(envelope: &[u8]) -> Message {
    use prost::encoding::{encode_key, encode_varint, encoded_len_varint, WireType};
    let mut frame = Vec::with_capacity(1 + encoded_len_varint(envelope.len() as u64) + envelope.len());
    encode_key(PUSH_FIELD, WireType::LengthDelimited, &mut frame);
    encode_varint(envelope.len() as u64, &mut frame);
    frame.extend_from_slice(envelope);
    Message::Binary(frame.into())
}

/// `ServerFrame.push`'s field number (frames.proto).
const PUSH_FIELD: u32 = 1;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_push_written_around_the_queued_bytes_is_the_encoded_frame() {
        let envelope =
            wire::Envelope { id: vec![7; 16], ciphertext: vec![1; 300], server_timestamp: 42, ..Default::default() };
        let Message::Binary(written) = push(&envelope.encode_to_vec()) else { panic!("a binary frame") };
        let expected = wire::ServerFrame { frame: Some(wire::server_frame::Frame::Push(envelope)) }.encode_to_vec();
        assert_eq!(written.as_ref(), expected.as_slice());
    }
}
