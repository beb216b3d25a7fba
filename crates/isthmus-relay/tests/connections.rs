//! Connection hygiene: what a relay on a public host does with clients that are slow, silent,
//! greedy or not who they say they are. No assertion measures speed; time limits here are the
//! relay's own settings, made short so that the tests do not wait long.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::*;
use futures_util::StreamExt as _;
use isthmus_relay::{Rate, RelayConfig};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;

fn generous() -> Rate {
    Rate { burst: 100_000, per_minute: 1_000_000 }
}

/// A relay whose per-address limits do not get in the way of one test machine's many clients.
fn config() -> RelayConfig {
    let mut config = RelayConfig::new(network("meadow.example"));
    config.limits.ip_rate = generous();
    config.limits.registration_rate = generous();
    config.limits.account_rate = generous();
    config
}

async fn healthz(relay: &isthmus_relay::RunningRelay) -> bool {
    reqwest::get(format!("{}/healthz", relay.url())).await.is_ok_and(|response| response.status().is_success())
}

/// Reads until the relay closes the connection; `true` if it did within `limit`.
async fn closed_within(stream: &mut (impl tokio::io::AsyncRead + Unpin), limit: Duration) -> bool {
    let mut buffer = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            Ok(Ok(_)) => {}
        }
    }
}

#[tokio::test]
async fn headers_sent_a_byte_at_a_time_are_cut_off_while_healthz_keeps_answering() {
    let mut config = config();
    config.limits.header_read_timeout_ms = 1_000;
    let relay = relay_with(config).await;
    let slow = TcpStream::connect(relay.local_addr()).await.expect("connects");
    let (mut reader, mut writer) = slow.into_split();
    let closed = tokio::spawn(async move { closed_within(&mut reader, PATIENCE).await });
    // 100 bytes at one per 100 ms would take 10 s; the relay allows 1 s for the whole head.
    let head = format!("GET /healthz HTTP/1.1\r\nHost: meadow.example\r\nX-Slow: {}\r\n\r\n", "a".repeat(50));
    let mut sent_whole_head = true;
    let mut healthy_meanwhile = true;
    for (index, byte) in head.bytes().enumerate() {
        if closed.is_finished() || writer.write_all(&[byte]).await.is_err() {
            sent_whole_head = false;
            break;
        }
        if index % 5 == 0 {
            healthy_meanwhile &= healthz(&relay).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(closed.await.expect("the reader ends"), "the relay must close a connection whose head never completes");
    assert!(!sent_whole_head, "the connection must be cut before the slow client finished its headers");
    assert!(healthy_meanwhile, "other clients are served while one trickles");
    assert!(healthz(&relay).await);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let mut config = config();
    config.limits.header_read_timeout_ms = 500;
    let relay = relay_with(config).await;
    let mut stream = TcpStream::connect(relay.local_addr()).await.expect("connects");
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: meadow.example\r\n\r\n").await.expect("sent");
    let mut answer = vec![0u8; 1024];
    let read = stream.read(&mut answer).await.expect("an answer");
    assert!(String::from_utf8_lossy(&answer[..read]).starts_with("HTTP/1.1 200"), "the request is answered");
    assert!(closed_within(&mut stream, PATIENCE).await, "a kept-alive connection with nothing more to say is closed");
}

#[tokio::test]
async fn one_address_cannot_hold_more_connections_than_allowed() {
    let mut config = config();
    config.limits.max_connections_per_ip = 3;
    let relay = relay_with(config).await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(TcpStream::connect(relay.local_addr()).await.expect("connects"));
    }
    // Wait until the relay has taken all three.
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while relay.open_connections() < 3 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut fourth = TcpStream::connect(relay.local_addr()).await.expect("the kernel accepts");
    let _ = fourth.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(closed_within(&mut fourth, PATIENCE).await, "a connection over the cap is closed unanswered");
    drop(held.pop());
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut served = false;
    while !served && tokio::time::Instant::now() < deadline {
        served = healthz(&relay).await;
    }
    assert!(served, "a closed connection frees its place");
}

/// A WebSocket client that completes the upgrade and then never reads again; its receive buffer
/// is small, so the relay's writes stall soon.
async fn non_reading_socket(relay_addr: SocketAddr, account: &Account) -> impl Send {
    let socket = TcpSocket::new_v4().expect("a socket");
    socket.set_recv_buffer_size(4096).expect("a small receive buffer");
    let stream = socket.connect(relay_addr).await.expect("connects");
    let mut request = format!("ws://{relay_addr}/v1/ws").into_client_request().expect("a request");
    request.headers_mut().insert("authorization", HeaderValue::from_str(&account.authorization()).expect("ascii"));
    let (socket, _) = tokio_tungstenite::client_async(request, stream).await.expect("the upgrade succeeds");
    socket
}

#[tokio::test]
async fn clients_that_never_read_are_dropped_at_the_write_timeout_and_others_are_served() {
    const STUCK: usize = 200;
    // 40 x 120 KiB is more than a loopback connection buffers (about 3 MiB measured).
    const PER_CLIENT: usize = 40;
    let mut config = config();
    config.limits.write_timeout_ms = 2_000;
    config.limits.max_queue_len = PER_CLIENT;
    config.limits.first_contacts_per_sender_per_hour = 100_000;
    config.limits.envelopes_per_pending_request_per_hour = 1_000_000;
    config.limits.pending_requests_per_recipient = 10;
    let relay = relay_with(config).await;
    let mut recipients = Vec::new();
    for index in 0..STUCK {
        recipients.push(register(&relay, &format!("reader{index}")).await);
    }
    let mut stuck = Vec::new();
    for account in &recipients {
        stuck.push(non_reading_socket(relay.local_addr(), account).await);
    }

    // Every queue is filled to its limit with envelopes far bigger than a socket buffer holds.
    let senders = [register(&relay, "sender0").await, register(&relay, "sender1").await];
    let ciphertext = vec![0x42; 120 * 1024];
    let mut filling = Vec::new();
    for (part, sender) in senders.iter().enumerate() {
        let addresses: Vec<String> =
            recipients.iter().skip(part).step_by(senders.len()).map(|account| account.address.clone()).collect();
        let sender = sender.clone();
        let ciphertext = ciphertext.clone();
        filling.push(tokio::spawn(async move {
            let mut socket = connect_idle(&sender).await;
            let mut request_id = 0;
            for address in &addresses {
                for _ in 0..PER_CLIENT {
                    request_id += 1;
                    let result = send_and_wait(&mut socket, request_id, envelope_to(address, &ciphertext)).await;
                    assert_eq!(result.error_code, "", "the queue has room for {PER_CLIENT}");
                }
            }
        }));
    }
    for task in filling {
        task.await.expect("every queue is filled");
    }
    // Senders, fillers and the 200 stuck readers: the stuck ones must go.
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while relay.open_connections() > 2 * senders.len() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        relay.open_connections() <= 2 * senders.len(),
        "sockets whose writes stalled past the write timeout are dropped ({} still open)",
        relay.open_connections()
    );

    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    let mut bob_socket = connect_idle(&bob).await;
    let mut alice_socket = connect_idle(&alice).await;
    let result = send_and_wait(&mut alice_socket, 1, envelope_to(&bob.address, b"still here")).await;
    assert_eq!(result.error_code, "");
    assert_eq!(expect_push(&mut bob_socket).await.ciphertext, b"still here", "the relay serves everyone else");
    drop(stuck);
}

#[tokio::test]
async fn a_newer_connection_takes_over_from_one_stuck_in_a_write() {
    let mut config = config();
    config.limits.write_timeout_ms = 60_000;
    config.limits.first_contacts_per_sender_per_hour = 100_000;
    config.limits.envelopes_per_pending_request_per_hour = 1_000_000;
    let relay = relay_with(config).await;
    let reader = register(&relay, "reader").await;
    let sender = register(&relay, "sender").await;
    let stuck = non_reading_socket(relay.local_addr(), &reader).await;
    let mut socket = connect_idle(&sender).await;
    let ciphertext = vec![7u8; 120 * 1024];
    for request_id in 1..=60 {
        let result = send_and_wait(&mut socket, request_id, envelope_to(&reader.address, &ciphertext)).await;
        assert_eq!(result.error_code, "");
    }
    // The old socket's write is stuck for a minute; the new one must get the queue at once.
    let mut fresh = reader.connect().await.expect("the new socket opens");
    let first = tokio::time::timeout(PATIENCE, async { expect_push(&mut fresh).await })
        .await
        .expect("the replacing connection is served without waiting for the stuck one");
    assert_eq!(first.ciphertext.len(), ciphertext.len());
    drop(stuck);
}

#[tokio::test]
async fn a_silent_websocket_is_dropped_and_one_that_answers_pings_is_kept() {
    let mut config = config();
    config.limits.ws_idle_timeout_ms = 900;
    let relay = relay_with(config).await;
    let quiet = register(&relay, "quiet").await;
    let lively = register(&relay, "lively").await;
    // Reads its backlog, then stops reading: it answers no ping.
    let mut silent = connect_idle(&quiet).await;
    // Keeps reading, which makes tungstenite answer every ping.
    let mut answering = connect_idle(&lively).await;
    let answered = tokio::spawn(async move {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
        loop {
            match tokio::time::timeout_at(deadline, answering.next()).await {
                Err(_) => return true,
                Ok(Some(Ok(_))) => continue,
                Ok(_) => return false,
            }
        }
    });
    tokio::time::sleep(Duration::from_secs(2)).await;
    let closed = tokio::time::timeout(PATIENCE, async {
        loop {
            match silent.next().await {
                None | Some(Err(_)) | Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))) => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "a socket silent past the idle timeout is closed");
    assert!(answered.await.expect("the reader ends"), "a socket that answers pings outlives the idle timeout");
}

#[tokio::test]
async fn a_federation_request_from_a_stranger_is_refused_before_its_body_is_read() {
    let relay = relay_with(config()).await;
    let mut stream = TcpStream::connect(relay.local_addr()).await.expect("connects");
    let head =
        "POST /federation/v1/deliver HTTP/1.1\r\nHost: meadow.example\r\nContent-Type: application/x-protobuf\r\n\
                isthmus-origin: stranger.example\r\nContent-Length: 4194304\r\n\r\n";
    stream.write_all(head.as_bytes()).await.expect("sent");
    // Not a byte of the 4 MiB follows: an answer now proves the body was never waited for.
    let mut answer = vec![0u8; 1024];
    let read = tokio::time::timeout(PATIENCE, stream.read(&mut answer)).await.expect("an answer").expect("read");
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 403"), "an unknown origin is forbidden on its headers: {answer}");

    // A peer that announces a body over the limit is refused on its headers too.
    let harbor = memory_relay("harbor.example").await;
    relay.set_peers(vec![harbor.as_peer()]);
    let mut stream = TcpStream::connect(relay.local_addr()).await.expect("connects");
    let head = format!(
        "POST /federation/v1/deliver HTTP/1.1\r\nHost: meadow.example\r\nisthmus-origin: {}\r\nContent-Length: {}\r\n\r\n",
        harbor.domain(),
        64 * 1024 * 1024
    );
    stream.write_all(head.as_bytes()).await.expect("sent");
    let mut answer = vec![0u8; 1024];
    let read = tokio::time::timeout(PATIENCE, stream.read(&mut answer)).await.expect("an answer").expect("read");
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 413"), "a body over the limit is refused unread: {answer}");
}
