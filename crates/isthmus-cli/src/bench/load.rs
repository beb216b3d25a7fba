//! The relay load test: N sender/receiver pairs over WebSocket, M messages each, measured as
//! throughput and delivery latency (send to push at the receiver). Senders keep a window of
//! messages in flight (1: wait for "sent" each time; 32: as many as the relay allows); receivers
//! ack as they go. Bounded in count and
//! time, on loopback only.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures_util::{SinkExt as _, StreamExt as _};
use isthmus_proto::{api, wire, Message as _};
use rand::RngCore;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// A run that has not finished after this long is abandoned.
const RUN_LIMIT: Duration = Duration::from_secs(300);

#[derive(Clone, Copy, Debug)]
pub struct Load {
    pub pairs: usize,
    pub messages: usize,
    pub payload: usize,
    /// Messages a sender has in flight at most (at most the relay's per-socket limit, 32).
    pub window: usize,
}

/// Where senders and receivers connect.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// Base URL ("http://127.0.0.1:port").
    pub url: String,
    /// The network name addresses carry ("meadow.test").
    pub network: String,
    /// Whether accounts must be registered (a relay) or not (the forwarder).
    pub register: bool,
}

#[derive(Clone, Debug)]
pub struct Outcome {
    pub delivered: usize,
    pub seconds: f64,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Shape-valid public keys for registration: the relay checks shapes, clients check signatures.
fn registration(name: &str) -> api::RegisterRequest {
    let ec = || {
        let mut key = vec![0u8; 33];
        rand::rng().fill_bytes(&mut key);
        key[0] = 0x05;
        key
    };
    let mut kyber = vec![0u8; 1569];
    kyber[0] = 0x08;
    api::RegisterRequest {
        name: name.to_owned(),
        invite: None,
        keys: api::IdentityKeys {
            registration_id: 1,
            identity_key: ec(),
            signed_prekey: api::SignedPreKey { id: 1, public_key: ec(), signature: vec![0; 64] },
            kyber_last_resort: api::KyberPreKey { id: 1, public_key: kyber, signature: vec![0; 64] },
            prekeys: vec![],
            kyber_prekeys: vec![],
        },
    }
}

/// Registers `name` (or, for the forwarder, invents credentials); returns the bearer token.
async fn account(http: &reqwest::Client, endpoint: &Endpoint, name: &str, allow: Option<&str>) -> Result<String> {
    if !endpoint.register {
        return Ok(format!("{name}/1/none"));
    }
    let response = http.post(format!("{}/v1/accounts", endpoint.url)).json(&registration(name)).send().await?;
    if !response.status().is_success() {
        bail!("registering {name}: {}", response.text().await.unwrap_or_default());
    }
    let secret = response.json::<api::RegisterResponse>().await?.secret;
    let bearer = format!("{name}/1/{secret}");
    if let Some(network) = allow {
        http.put(format!("{}/v1/account/interop", endpoint.url))
            .bearer_auth(&bearer)
            .json(&api::Interop { networks: vec![network.parse()?] })
            .send()
            .await?
            .error_for_status()?;
    }
    Ok(bearer)
}

async fn connect(endpoint: &Endpoint, bearer: &str) -> Result<Socket> {
    let mut request = format!("{}/v1/ws", endpoint.url.replacen("http://", "ws://", 1)).into_client_request()?;
    request.headers_mut().insert("authorization", HeaderValue::from_str(&format!("Bearer {bearer}"))?);
    // The load generator shares the machine with the relay: it reads as frugally as the relay.
    let config = WebSocketConfig::default().read_buffer_size(isthmus_relay::ws::READ_BUFFER_BYTES);
    // Nagle off, as the app's own client: an ack followed by a send must not wait for the relay's
    // delayed acknowledgement.
    let (mut socket, _) = tokio_tungstenite::connect_async_with_config(request, Some(config), true).await?;
    // Wait for the queue-empty marker: the socket is fully set up after it.
    while let Some(message) = socket.next().await {
        if let WsMessage::Binary(bytes) = message? {
            if matches!(
                wire::ServerFrame::decode(bytes.as_ref())?.frame,
                Some(wire::server_frame::Frame::QueueEmpty(_))
            ) {
                return Ok(socket);
            }
        }
    }
    bail!("the socket closed before it was ready")
}

fn frame(frame: wire::client_frame::Frame) -> WsMessage {
    WsMessage::Binary(wire::ClientFrame { frame: Some(frame) }.encode_to_vec().into())
}

async fn send_all(mut socket: Socket, to: wire::Address, load: Load, clock: Arc<Instant>) -> Result<()> {
    let mut sent = 0usize;
    let mut answered = 0usize;
    while answered < load.messages {
        while sent < load.messages && sent - answered < load.window {
            let mut ciphertext = vec![0u8; load.payload.max(16)];
            let micros = clock.elapsed().as_micros() as u64;
            ciphertext[..8].copy_from_slice(&micros.to_be_bytes());
            let mut id = vec![0u8; 16];
            rand::rng().fill_bytes(&mut id);
            let envelope = wire::Envelope {
                id,
                destination: Some(to.clone()),
                kind: wire::CiphertextKind::Whisper as i32,
                ciphertext,
                ..Default::default()
            };
            socket
                .send(frame(wire::client_frame::Frame::Send(wire::Send {
                    request_id: sent as u64,
                    envelope: Some(envelope),
                })))
                .await?;
            sent += 1;
        }
        match socket.next().await {
            Some(Ok(WsMessage::Binary(bytes))) => {
                if let Some(wire::server_frame::Frame::SendResult(result)) =
                    wire::ServerFrame::decode(bytes.as_ref())?.frame
                {
                    if !result.error_code.is_empty() {
                        bail!("the relay refused a send: {}", result.error_code);
                    }
                    answered += 1;
                }
            }
            Some(Ok(_)) => {}
            Some(Err(error)) => return Err(error.into()),
            None => bail!("the sender's socket closed"),
        }
    }
    Ok(())
}

async fn receive_all(mut socket: Socket, load: Load, clock: Arc<Instant>) -> Result<Vec<u64>> {
    let mut latencies = Vec::with_capacity(load.messages);
    while latencies.len() < load.messages {
        let Some(message) = socket.next().await else { bail!("the receiver's socket closed") };
        let WsMessage::Binary(bytes) = message? else { continue };
        if let Some(wire::server_frame::Frame::Push(envelope)) = wire::ServerFrame::decode(bytes.as_ref())?.frame {
            let sent = u64::from_be_bytes(envelope.ciphertext[..8].try_into().context("a timestamp")?);
            latencies.push((clock.elapsed().as_micros() as u64).saturating_sub(sent));
            socket.send(frame(wire::client_frame::Frame::Ack(wire::Ack { envelope_ids: vec![envelope.id] }))).await?;
        }
    }
    Ok(latencies)
}

/// Runs the load with senders on `from` and receivers on `to` (the same endpoint, or a peered one).
pub async fn run(from: &Endpoint, to: &Endpoint, load: Load, tag: &str) -> Result<Outcome> {
    let http = reqwest::Client::new();
    let cross = from.network != to.network;
    let mut senders = Vec::new();
    let mut receivers = Vec::new();
    for pair in 0..load.pairs {
        let sender_name = format!("{tag}s{pair}");
        let receiver_name = format!("{tag}r{pair}");
        let sender = account(&http, from, &sender_name, cross.then_some(to.network.as_str())).await?;
        let receiver = account(&http, to, &receiver_name, cross.then_some(from.network.as_str())).await?;
        receivers.push(connect(to, &receiver).await?);
        let destination = wire::Address { name: receiver_name, network: to.network.clone(), device: 1 };
        senders.push((connect(from, &sender).await?, destination));
    }
    let clock = Arc::new(Instant::now());
    let started = Instant::now();
    let receiving: Vec<_> = receivers.into_iter().map(|s| tokio::spawn(receive_all(s, load, clock.clone()))).collect();
    let sending: Vec<_> =
        senders.into_iter().map(|(s, to)| tokio::spawn(send_all(s, to, load, clock.clone()))).collect();
    let work = async {
        for task in sending {
            task.await??;
        }
        let mut latencies = Vec::new();
        for task in receiving {
            latencies.extend(task.await??);
        }
        anyhow::Ok(latencies)
    };
    let mut latencies = tokio::time::timeout(RUN_LIMIT, work).await.context("the run took too long")??;
    let seconds = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let percentile = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let index = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies[index] as f64 / 1000.0
    };
    Ok(Outcome {
        delivered: latencies.len(),
        seconds,
        per_second: latencies.len() as f64 / seconds,
        p50_ms: percentile(0.50),
        p95_ms: percentile(0.95),
        p99_ms: percentile(0.99),
    })
}
