//! Shared helpers for the relay's integration tests: relays on 127.0.0.1:0, registered accounts,
//! WebSocket clients speaking the protobuf frames.
#![allow(dead_code)]

use std::time::Duration;

use anyhow::{anyhow, bail, Context as _};
use base64::Engine as _;
use futures_util::{SinkExt as _, StreamExt as _};
use isthmus_proto::{wire, Message as _, NetworkName};
use isthmus_relay::{start, RelayConfig, RunningRelay};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

/// Only guards against a hung test; no assertion depends on how long anything takes.
pub const PATIENCE: Duration = Duration::from_secs(20);

pub type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub fn network(name: &str) -> NetworkName {
    NetworkName::parse(name).expect("test network names are valid")
}

pub async fn memory_relay(domain: &str) -> RunningRelay {
    start(RelayConfig::new(network(domain))).await.expect("an in-memory relay starts")
}

pub async fn relay_with(config: RelayConfig) -> RunningRelay {
    start(config).await.expect("the relay starts")
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn ec_key() -> String {
    let mut key = rand::random::<[u8; 33]>();
    key[0] = 0x05;
    b64(&key)
}

pub fn kyber_key() -> String {
    let mut key = vec![0u8; 1569];
    key[0] = 0x08;
    key[1..33].copy_from_slice(&rand::random::<[u8; 32]>());
    b64(&key)
}

pub fn signature() -> String {
    b64(&[0x5a; 64])
}

/// A registration body with `prekeys` one-time EC keys and `kyber` one-time Kyber keys, ids from 1.
pub fn registration(name: &str, prekeys: u32, kyber: u32) -> Value {
    json!({
        "name": name,
        "registration_id": 4242,
        "identity_key": ec_key(),
        "signed_prekey": {"id": 1, "public_key": ec_key(), "signature": signature()},
        "kyber_last_resort": {"id": 1000, "public_key": kyber_key(), "signature": signature()},
        "prekeys": (1..=prekeys).map(|id| json!({"id": id, "public_key": ec_key()})).collect::<Vec<_>>(),
        "kyber_prekeys": (1..=kyber)
            .map(|id| json!({"id": id, "public_key": kyber_key(), "signature": signature()}))
            .collect::<Vec<_>>(),
    })
}

/// A registered account and how to speak for it.
#[derive(Clone, Debug)]
pub struct Account {
    pub name: String,
    pub address: String,
    pub secret: String,
    pub base_url: String,
}

impl Account {
    pub fn authorization(&self) -> String {
        format!("Bearer {}/1/{}", self.name, self.secret)
    }

    pub async fn get(&self, path: &str) -> anyhow::Result<reqwest::Response> {
        Ok(reqwest::Client::new()
            .get(format!("{}{path}", self.base_url))
            .header("authorization", self.authorization())
            .send()
            .await?)
    }

    pub async fn put(&self, path: &str, body: &Value) -> anyhow::Result<reqwest::Response> {
        Ok(reqwest::Client::new()
            .put(format!("{}{path}", self.base_url))
            .header("authorization", self.authorization())
            .json(body)
            .send()
            .await?)
    }

    pub async fn post(&self, path: &str, body: &Value) -> anyhow::Result<reqwest::Response> {
        Ok(reqwest::Client::new()
            .post(format!("{}{path}", self.base_url))
            .header("authorization", self.authorization())
            .json(body)
            .send()
            .await?)
    }

    /// A PUT without a body, as the block and contact routes take.
    pub async fn put_empty(&self, path: &str) -> anyhow::Result<reqwest::Response> {
        Ok(reqwest::Client::new()
            .put(format!("{}{path}", self.base_url))
            .header("authorization", self.authorization())
            .send()
            .await?)
    }

    pub async fn delete(&self, path: &str) -> anyhow::Result<reqwest::Response> {
        Ok(reqwest::Client::new()
            .delete(format!("{}{path}", self.base_url))
            .header("authorization", self.authorization())
            .send()
            .await?)
    }

    pub async fn allow(&self, networks: &[&str]) -> anyhow::Result<()> {
        let response = self.put("/v1/account/interop", &json!({ "networks": networks })).await?;
        if !response.status().is_success() {
            bail!("setting interop failed: {}", response.status());
        }
        Ok(())
    }

    pub async fn connect(&self) -> anyhow::Result<Socket> {
        let ws_url = self.base_url.replacen("http://", "ws://", 1);
        let mut request = format!("{ws_url}/v1/ws").into_client_request()?;
        request.headers_mut().insert("authorization", HeaderValue::from_str(&self.authorization())?);
        let (socket, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(socket)
    }
}

pub async fn post_json(url: &str, body: &Value) -> anyhow::Result<reqwest::Response> {
    Ok(reqwest::Client::new().post(url).json(body).send().await?)
}

/// Registers `name` with two one-time keys of each kind.
pub async fn register(relay: &RunningRelay, name: &str) -> Account {
    register_at(&relay.url(), name).await.expect("registration succeeds")
}

pub async fn register_at(base_url: &str, name: &str) -> anyhow::Result<Account> {
    let response = post_json(&format!("{base_url}/v1/accounts"), &registration(name, 2, 2)).await?;
    if response.status() != reqwest::StatusCode::CREATED {
        bail!("registration answered {}: {}", response.status(), response.text().await?);
    }
    let body: Value = response.json().await?;
    Ok(Account {
        name: name.to_owned(),
        address: body["address"].as_str().context("address")?.to_owned(),
        secret: body["secret"].as_str().context("secret")?.to_owned(),
        base_url: base_url.to_owned(),
    })
}

pub fn envelope_to(address: &str, ciphertext: &[u8]) -> wire::Envelope {
    let (name, network) = address.split_once('@').expect("test addresses are name@network");
    wire::Envelope {
        id: rand::random::<[u8; 16]>().to_vec(),
        source: None,
        destination: Some(wire::Address { name: name.into(), network: network.into(), device: 1 }),
        server_timestamp: 0,
        kind: wire::CiphertextKind::Whisper as i32,
        ciphertext: ciphertext.to_vec(),
        ..Default::default()
    }
}

pub async fn send_frame(socket: &mut Socket, frame: wire::client_frame::Frame) -> anyhow::Result<()> {
    let bytes = wire::ClientFrame { frame: Some(frame) }.encode_to_vec();
    socket.send(Message::Binary(bytes.into())).await?;
    Ok(())
}

pub async fn send_envelope(socket: &mut Socket, request_id: u64, envelope: wire::Envelope) -> anyhow::Result<()> {
    send_frame(socket, wire::client_frame::Frame::Send(wire::Send { request_id, envelope: Some(envelope) })).await
}

pub async fn ack(socket: &mut Socket, ids: Vec<Vec<u8>>) -> anyhow::Result<()> {
    send_frame(socket, wire::client_frame::Frame::Ack(wire::Ack { envelope_ids: ids })).await
}

/// The next protobuf frame from the relay, skipping pings.
pub async fn next_frame(socket: &mut Socket) -> anyhow::Result<wire::server_frame::Frame> {
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .context("the relay sent nothing (test hung)")?
            .ok_or_else(|| anyhow!("the socket closed"))??;
        match message {
            Message::Binary(bytes) => {
                return wire::ServerFrame::decode(bytes.as_ref())?.frame.ok_or_else(|| anyhow!("an empty ServerFrame"));
            }
            Message::Ping(_) | Message::Pong(_) => continue,
            other => bail!("unexpected message {other:?}"),
        }
    }
}

pub async fn expect_push(socket: &mut Socket) -> wire::Envelope {
    match next_frame(socket).await.expect("a frame arrives") {
        wire::server_frame::Frame::Push(envelope) => envelope,
        other => panic!("expected a pushed envelope, got {other:?}"),
    }
}

pub async fn expect_queue_empty(socket: &mut Socket) {
    match next_frame(socket).await.expect("a frame arrives") {
        wire::server_frame::Frame::QueueEmpty(_) => {}
        other => panic!("expected QueueEmpty, got {other:?}"),
    }
}

pub async fn expect_send_result(socket: &mut Socket) -> wire::SendResult {
    match next_frame(socket).await.expect("a frame arrives") {
        wire::server_frame::Frame::SendResult(result) => result,
        other => panic!("expected a SendResult, got {other:?}"),
    }
}

pub async fn expect_frame_error(socket: &mut Socket) -> wire::FrameError {
    match next_frame(socket).await.expect("a frame arrives") {
        wire::server_frame::Frame::Error(error) => error,
        other => panic!("expected a FrameError, got {other:?}"),
    }
}

/// Connects and reads past the (empty) backlog.
pub async fn connect_idle(account: &Account) -> Socket {
    let mut socket = account.connect().await.expect("the socket opens");
    expect_queue_empty(&mut socket).await;
    socket
}

/// Sends one envelope and returns the relay's answer.
pub async fn send_and_wait(socket: &mut Socket, request_id: u64, envelope: wire::Envelope) -> wire::SendResult {
    send_envelope(socket, request_id, envelope).await.expect("the frame is sent");
    let result = expect_send_result(socket).await;
    assert_eq!(result.request_id, request_id, "results are matched to sends by request id");
    result
}

pub async fn error_body(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.json().await.expect("errors are JSON {code, message}");
    (status, body)
}

/// The relay binary running as a process of its own, killed (SIGKILL) when dropped.
pub struct RelayProcess {
    pub child: std::process::Child,
    /// Its base URL, read from the line it prints.
    pub url: String,
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `isthmus-relay run` for meadow.example on a free port, with `args` added (a data
/// folder, a database URL), and returns once it printed its listening line.
pub fn spawn_relay(args: &[&std::ffi::OsStr]) -> RelayProcess {
    use std::io::BufRead as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_isthmus-relay"))
        .args(["run", "--domain", "meadow.example", "--listen", "127.0.0.1:0"])
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    std::io::BufReader::new(stdout).read_line(&mut line).expect("the relay prints its listening line");
    let rest = line.strip_prefix("isthmus-relay listening on ").expect("the documented line format");
    let mut fields = rest.split_whitespace();
    let url = fields.next().expect("the URL comes first").to_owned();
    assert_eq!(fields.next(), Some("network=meadow.example"), "the line names the network");
    assert!(fields.next().is_some_and(|field| field.starts_with("public_key=")), "and the public key");
    RelayProcess { child, url }
}
