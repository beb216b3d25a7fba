//! Bad input gets a clear error and the relay keeps serving: malformed frames, oversized
//! envelopes and bodies, and requests without credentials.

use anyhow::Result;
use isthmus_e2e::raw::{bearer, RawClient};
use isthmus_e2e::{relay, Person};
use isthmus_proto::wire;

async fn healthy(url: &str) -> Result<bool> {
    Ok(reqwest::get(format!("{url}/healthz")).await?.status().is_success())
}

fn frame_error_code(frame: &wire::ServerFrame) -> Option<&str> {
    match &frame.frame {
        Some(wire::server_frame::Frame::Error(error)) => Some(error.code.as_str()),
        Some(wire::server_frame::Frame::SendResult(result)) if !result.error_code.is_empty() => {
            Some(result.error_code.as_str())
        }
        _ => None,
    }
}

#[tokio::test]
async fn requests_without_credentials_are_refused_with_a_clear_error() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let response = reqwest::get(format!("{}/v1/keys/count", meadow.url())).await?;
    assert_eq!(response.status().as_u16(), 401);
    let body: serde_json::Value = response.json().await?;
    assert_eq!(body["code"], "unauthorized", "the error names its code: {body}");

    let wrong = reqwest::Client::new()
        .get(format!("{}/v1/keys/count", meadow.url()))
        .bearer_auth("alice/1/not-the-secret")
        .send()
        .await?;
    assert_eq!(wrong.status().as_u16(), 401, "a made-up secret is no credential");

    assert!(RawClient::connect(&meadow.url(), None).await.is_err(), "no WebSocket without credentials");
    assert!(healthy(&meadow.url()).await?);
    Ok(())
}

#[tokio::test]
async fn malformed_and_oversized_frames_get_errors_and_the_socket_survives() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let alice = Person::join(&meadow, "alice").await?;
    let bob = Person::join(&meadow, "bob").await?;
    alice.engine.stop();
    let mut raw = RawClient::connect(&meadow.url(), Some(&bearer(&alice.engine, &alice.address)?)).await?;
    raw.drain_without_ack().await?;

    raw.send_bytes(vec![0xff, 0x00, 0x13, 0x37, 0xde, 0xad]).await?;
    let answer = raw.next_frame().await?;
    assert_eq!(frame_error_code(&answer), Some("bad_request"), "garbage is named as such: {answer:?}");

    let huge = wire::Envelope {
        id: vec![1; 16],
        destination: Some((&bob.address).into()),
        kind: wire::CiphertextKind::Whisper as i32,
        ciphertext: vec![0x42; 4 * 1024 * 1024],
        ..Default::default()
    };
    // The relay may cut the socket while the frame is still being written: that is a refusal too.
    let sent = raw
        .send_frame(wire::ClientFrame {
            frame: Some(wire::client_frame::Frame::Send(wire::Send { request_id: 1, envelope: Some(huge) })),
        })
        .await;
    let answer = match sent {
        Ok(()) => raw.next_frame().await,
        Err(error) => Err(error),
    };
    // A frame over the limit may be refused in a frame error or by closing the socket with a
    // "too large" reason; either way the relay stays up.
    if let Ok(answer) = &answer {
        assert_eq!(frame_error_code(answer), Some("too_large"), "an oversized envelope is refused as too large");
    }

    // The relay still serves everyone, including this socket when it survived.
    let small = wire::Envelope {
        id: vec![2; 16],
        destination: Some((&bob.address).into()),
        kind: wire::CiphertextKind::Whisper as i32,
        ciphertext: vec![0x42; 1024],
        ..Default::default()
    };
    let mut fresh = RawClient::connect(&meadow.url(), Some(&bearer(&alice.engine, &alice.address)?)).await?;
    fresh.drain_without_ack().await?;
    fresh
        .send_frame(wire::ClientFrame {
            frame: Some(wire::client_frame::Frame::Send(wire::Send { request_id: 2, envelope: Some(small) })),
        })
        .await?;
    let answer = fresh.next_frame().await?;
    assert!(
        matches!(answer.frame, Some(wire::server_frame::Frame::SendResult(ref r)) if r.error_code.is_empty() && r.request_id == 2),
        "a well-formed envelope after the bad ones is accepted: {answer:?}"
    );
    assert!(healthy(&meadow.url()).await?);
    Ok(())
}

#[tokio::test]
async fn an_oversized_or_malformed_body_is_refused_as_json() -> Result<()> {
    let meadow = relay("meadow.test").await?;
    let client = reqwest::Client::new();
    let huge = client
        .post(format!("{}/v1/accounts", meadow.url()))
        .header("content-type", "application/json")
        .body(vec![b' '; 8 * 1024 * 1024])
        .send()
        .await?;
    assert_eq!(huge.status().as_u16(), 413);
    let body: serde_json::Value = huge.json().await?;
    assert_eq!(body["code"], "too_large");

    let garbage = client
        .post(format!("{}/v1/accounts", meadow.url()))
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await?;
    assert_eq!(garbage.status().as_u16(), 400);
    let body: serde_json::Value = garbage.json().await?;
    assert_eq!(body["code"], "bad_request", "{body}");
    assert!(healthy(&meadow.url()).await?);
    Ok(())
}
