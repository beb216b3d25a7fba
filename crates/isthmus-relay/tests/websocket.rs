//! The data plane: queue, push, ack, redelivery, and frames the relay cannot take.

mod common;

use common::*;
use futures_util::{SinkExt as _, StreamExt as _};
use isthmus_proto::{wire, Message as _};
use isthmus_relay::{Limits, RelayConfig};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn queued_envelopes_are_pushed_in_order_then_queue_empty_then_live() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    let mut alice_socket = connect_idle(&alice).await;

    let mut sent_ids = Vec::new();
    for n in 0u8..3 {
        let envelope = envelope_to("bob@meadow.example", &[n; 8]);
        sent_ids.push(envelope.id.clone());
        let result = send_and_wait(&mut alice_socket, u64::from(n), envelope).await;
        assert_eq!(result.error_code, "", "a send to an existing account on the same network succeeds");
        assert!(result.server_timestamp > 0, "the relay stamps the time it accepted the envelope");
    }

    let mut bob_socket = bob.connect().await.expect("bob connects");
    for (n, id) in sent_ids.iter().enumerate() {
        let pushed = expect_push(&mut bob_socket).await;
        assert_eq!(&pushed.id, id, "the backlog arrives in the order it was sent (envelope {n})");
        let source = pushed.source.expect("the relay sets the source");
        assert_eq!((source.name.as_str(), source.network.as_str()), ("alice", "meadow.example"));
    }
    expect_queue_empty(&mut bob_socket).await;

    let live = envelope_to("bob@meadow.example", b"live");
    let live_id = live.id.clone();
    assert_eq!(send_and_wait(&mut alice_socket, 10, live).await.error_code, "");
    assert_eq!(expect_push(&mut bob_socket).await.id, live_id, "after QueueEmpty new envelopes are pushed at once");
    relay.shutdown().await;
}

#[tokio::test]
async fn unacked_envelopes_come_back_and_acked_ones_do_not() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    let mut alice_socket = connect_idle(&alice).await;
    let first = envelope_to("bob@meadow.example", b"one");
    let second = envelope_to("bob@meadow.example", b"two");
    let (first_id, second_id) = (first.id.clone(), second.id.clone());
    send_and_wait(&mut alice_socket, 1, first).await;
    send_and_wait(&mut alice_socket, 2, second).await;

    let mut bob_socket = bob.connect().await.expect("connects");
    assert_eq!(expect_push(&mut bob_socket).await.id, first_id);
    assert_eq!(expect_push(&mut bob_socket).await.id, second_id);
    expect_queue_empty(&mut bob_socket).await;
    ack(&mut bob_socket, vec![first_id.clone()]).await.expect("ack sent");
    // An Ack has no answer; a later send's result proves the relay has processed it (frames are
    // handled in order).
    let probe = envelope_to("alice@meadow.example", b"probe");
    send_and_wait(&mut bob_socket, 1, probe).await;
    bob_socket.close(None).await.expect("closes");

    let mut again = bob.connect().await.expect("reconnects");
    let redelivered = expect_push(&mut again).await;
    assert_eq!(redelivered.id, second_id, "an unacked envelope is pushed again on the next connection");
    expect_queue_empty(&mut again).await;
    ack(&mut again, vec![second_id]).await.expect("ack sent");
    send_and_wait(&mut again, 2, envelope_to("alice@meadow.example", b"probe")).await;
    again.close(None).await.expect("closes");

    let mut third = bob.connect().await.expect("reconnects");
    expect_queue_empty(&mut third).await;
    relay.shutdown().await;
}

#[tokio::test]
async fn sends_to_unknown_accounts_and_networks_fail_with_codes() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let mut socket = connect_idle(&alice).await;
    let result = send_and_wait(&mut socket, 1, envelope_to("nobody@meadow.example", b"x")).await;
    assert_eq!(result.error_code, "unknown_account", "nobody by that name lives here");
    let result = send_and_wait(&mut socket, 2, envelope_to("carol@elsewhere.example", b"x")).await;
    assert_eq!(result.error_code, "network_not_peered", "no agreement with that network");
    let mut no_id = envelope_to("alice@meadow.example", b"x");
    no_id.id = vec![1, 2, 3];
    assert_eq!(send_and_wait(&mut socket, 3, no_id).await.error_code, "bad_request", "envelope ids are 16 bytes");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_client_cannot_speak_for_someone_else() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    let mut alice_socket = connect_idle(&alice).await;
    let mut forged = envelope_to("bob@meadow.example", b"x");
    forged.source = Some(wire::Address { name: "mallory".into(), network: "meadow.example".into(), device: 1 });
    forged.server_timestamp = 1;
    send_and_wait(&mut alice_socket, 1, forged).await;
    let mut bob_socket = bob.connect().await.expect("connects");
    let pushed = expect_push(&mut bob_socket).await;
    assert_eq!(pushed.source.expect("set").name, "alice", "the source comes from the credentials, not the client");
    assert!(pushed.server_timestamp > 1, "the relay's own timestamp replaces the client's");
    relay.shutdown().await;
}

#[tokio::test]
async fn malformed_and_oversized_frames_get_frame_errors_and_the_socket_stays_open() {
    let mut config = RelayConfig::new(network("meadow.example"));
    config.limits = Limits { max_frame_bytes: 1024, ..Limits::default() };
    let relay = relay_with(config).await;
    let alice = register(&relay, "alice").await;
    let mut socket = connect_idle(&alice).await;

    socket.send(Message::Binary(vec![0xff, 0xff, 0xff, 0xff].into())).await.expect("sent");
    assert_eq!(expect_frame_error(&mut socket).await.code, "bad_request", "garbage is not a ClientFrame");
    socket.send(Message::Binary(vec![0u8; 2048].into())).await.expect("sent");
    let error = expect_frame_error(&mut socket).await;
    assert_eq!(error.code, "too_large", "a frame over the limit is refused");
    assert!(!error.fatal, "the socket stays open");
    socket.send(Message::Text("hello".into())).await.expect("sent");
    assert_eq!(expect_frame_error(&mut socket).await.code, "bad_request", "frames are binary");
    socket.send(Message::Binary(wire::ClientFrame { frame: None }.encode_to_vec().into())).await.expect("sent");
    assert_eq!(expect_frame_error(&mut socket).await.code, "bad_request", "an empty frame carries nothing");

    // A note to self: the push and the send's result may come in either order.
    send_envelope(&mut socket, 9, envelope_to("alice@meadow.example", b"still here")).await.expect("sent");
    let (mut result, mut pushed) = (None, None);
    for _ in 0..2 {
        match next_frame(&mut socket).await.expect("a frame arrives") {
            wire::server_frame::Frame::SendResult(answer) => result = Some(answer),
            wire::server_frame::Frame::Push(envelope) => pushed = Some(envelope),
            other => panic!("unexpected frame {other:?}"),
        }
    }
    assert_eq!(result.expect("a result").error_code, "", "after bad frames the same socket keeps serving");
    assert_eq!(pushed.expect("a push").ciphertext, b"still here", "and pushes live envelopes");

    // Past the hard limit (four times the frame limit, at least 64 KiB) the relay will not even
    // buffer the message: it closes the socket. A fresh connection must still be served.
    socket.send(Message::Binary(vec![0u8; 100 * 1024].into())).await.expect("sending does not fail locally");
    assert!(socket_ends(&mut socket).await, "a message past the hard limit closes the socket");
    let mut fresh = alice.connect().await.expect("a new connection is accepted");
    assert_eq!(
        expect_push(&mut fresh).await.ciphertext,
        b"still here",
        "the unacked envelope is redelivered on the fresh connection"
    );
    expect_queue_empty(&mut fresh).await;
    relay.shutdown().await;
}

/// Reads until the socket closes; `false` if a frame other than a ping arrives first.
async fn socket_ends(socket: &mut Socket) -> bool {
    loop {
        match tokio::time::timeout(PATIENCE, socket.next()).await.expect("the socket ends (test hung)") {
            None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return true,
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
            Some(Ok(_)) => return false,
        }
    }
}

#[tokio::test]
async fn a_second_connection_replaces_the_first() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    let mut first = connect_idle(&bob).await;
    let mut second = connect_idle(&bob).await;
    let closed = loop {
        match tokio::time::timeout(PATIENCE, first.next()).await.expect("the old socket is told (test hung)") {
            Some(Ok(Message::Close(frame))) => break frame.map(|frame| u16::from(frame.code)),
            Some(Ok(Message::Ping(_))) => continue,
            None | Some(Err(_)) => break None,
            Some(Ok(other)) => panic!("unexpected message on the replaced socket: {other:?}"),
        }
    };
    assert_eq!(closed, Some(4000), "the replaced socket is closed with the 'replaced' code");
    let mut alice_socket = connect_idle(&alice).await;
    send_and_wait(&mut alice_socket, 1, envelope_to("bob@meadow.example", b"to the new one")).await;
    assert_eq!(expect_push(&mut second).await.ciphertext, b"to the new one", "live pushes go to the newest connection");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_full_queue_refuses_more() {
    let mut config = RelayConfig::new(network("meadow.example"));
    config.limits = Limits { max_queue_len: 2, ..Limits::default() };
    let relay = relay_with(config).await;
    let alice = register(&relay, "alice").await;
    register(&relay, "bob").await;
    let mut socket = connect_idle(&alice).await;
    for n in 0..2 {
        assert_eq!(send_and_wait(&mut socket, n, envelope_to("bob@meadow.example", b"x")).await.error_code, "");
    }
    let result = send_and_wait(&mut socket, 3, envelope_to("bob@meadow.example", b"x")).await;
    assert_eq!(result.error_code, "queue_full", "the recipient's queue is at its limit");
    relay.shutdown().await;
}

#[tokio::test]
async fn an_oversized_ciphertext_is_refused() {
    let mut config = RelayConfig::new(network("meadow.example"));
    config.limits = Limits { max_ciphertext_bytes: 100, ..Limits::default() };
    let relay = relay_with(config).await;
    let alice = register(&relay, "alice").await;
    let mut socket = connect_idle(&alice).await;
    let result = send_and_wait(&mut socket, 1, envelope_to("alice@meadow.example", &[0; 101])).await;
    assert_eq!(result.error_code, "too_large", "ciphertexts over the limit are refused");
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_keeps_exactly_the_allowed_sends_in_flight_is_never_refused() {
    // Many busy clients and a relay on disk: a group commit finishes many sends at once, so a
    // client's next sends often arrive before the socket has tidied up after the last ones.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut config = RelayConfig::new(network("meadow.example"));
    config.data_dir = Some(dir.path().to_path_buf());
    // Strangers to bob, each with a pending request: their envelopes are not what is tested here.
    config.limits = Limits {
        max_inflight_sends: 4,
        max_queue_len: 10_000,
        envelopes_per_pending_request_per_hour: 1_000_000,
        ..Limits::default()
    };
    let relay = relay_with(config).await;
    register(&relay, "bob").await;
    let mut clients = Vec::new();
    for n in 0..16 {
        let sender = register(&relay, &format!("alice{n}")).await;
        clients.push(tokio::spawn(async move {
            let mut socket = connect_idle(&sender).await;
            let (total, mut sent) = (200u64, 0u64);
            while sent < 4 {
                send_envelope(&mut socket, sent, envelope_to("bob@meadow.example", b"x")).await.expect("sent");
                sent += 1;
            }
            // A new send goes out the moment a result comes back: never more than 4 in flight.
            for _ in 0..total {
                let result = expect_send_result(&mut socket).await;
                assert_eq!(result.error_code, "", "send {} was refused", result.request_id);
                if sent < total {
                    send_envelope(&mut socket, sent, envelope_to("bob@meadow.example", b"x")).await.expect("sent");
                    sent += 1;
                }
            }
        }));
    }
    for client in clients {
        client.await.expect("every client stayed within the limit and was served");
    }
    relay.shutdown().await;
}
