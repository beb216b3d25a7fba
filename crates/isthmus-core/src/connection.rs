//! One account's WebSocket to its relay: receive pushes, ack after durable writes, carry sends,
//! and reconnect with backoff when the relay goes away.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{FutureExt as _, SinkExt as _, StreamExt as _};
use isthmus_proto::{wire, Address, Message as _};
use rand::Rng as _;
use tokio::sync::{mpsc, oneshot, watch, Notify};
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message as WsMessage;

use crate::events::{ConnectionState, Event};
use crate::relay_client::{Credentials, RelayClient};
use crate::worker::Worker;
use crate::{Error, Result};

/// Pushed envelopes processed (and acked) together, one flush per run.
const RECEIVE_BATCH: usize = 256;
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// Bytes the socket reads at a time (see `open`).
const READ_BUFFER_BYTES: usize = 8 * 1024;

struct SendRequest {
    envelope: Vec<u8>,
    reply: oneshot::Sender<Result<u64>>,
}

/// A handle on an account's connection, used by the sender.
#[derive(Clone)]
pub struct ConnectionHandle {
    requests: mpsc::Sender<SendRequest>,
    connected: watch::Receiver<bool>,
}

impl ConnectionHandle {
    /// Sends one encoded envelope and waits for the relay to say it is durably queued.
    /// Returns the relay's timestamp.
    pub async fn send(&self, envelope: Vec<u8>) -> Result<u64> {
        let (reply, answer) = oneshot::channel();
        self.requests
            .send(SendRequest { envelope, reply })
            .await
            .map_err(|_| Error::Unreachable("not connected".into()))?;
        answer.await.map_err(|_| Error::Unreachable("connection lost".into()))?
    }

    pub fn is_connected(&self) -> bool {
        *self.connected.borrow()
    }

    /// Waits until the connection is up.
    pub async fn wait_connected(&mut self) {
        let _ = self.connected.wait_for(|up| *up).await;
    }
}

pub struct ConnectionContext {
    pub account: Address,
    pub relay: RelayClient,
    pub credentials: Credentials,
    pub worker: Worker,
    pub events: tokio::sync::broadcast::Sender<Event>,
    /// Woken when the connection comes up, so the sender retries the outbox at once.
    pub outbox_wake: Arc<Notify>,
    /// Woken when the relay's backlog has been drained (prekey top-up runs then).
    pub drained: Arc<Notify>,
}

pub fn spawn(context: ConnectionContext) -> (ConnectionHandle, tokio::task::JoinHandle<()>) {
    let (requests_tx, requests) = mpsc::channel(64);
    let (connected_tx, connected) = watch::channel(false);
    let task = tokio::spawn(run(context, requests, connected_tx));
    (ConnectionHandle { requests: requests_tx, connected }, task)
}

async fn run(context: ConnectionContext, mut requests: mpsc::Receiver<SendRequest>, connected: watch::Sender<bool>) {
    let mut backoff = Duration::from_millis(250);
    let account = context.account.account();
    loop {
        emit(&context, ConnectionState::Connecting, None);
        match open(&context).await {
            Ok(socket) => {
                backoff = Duration::from_millis(250);
                let _ = connected.send(true);
                emit(&context, ConnectionState::Connected, None);
                context.outbox_wake.notify_one();
                session(&context, socket, &mut requests).await;
                let _ = connected.send(false);
            }
            Err(error) => tracing::info!(code = ?error.code(), "relay connection failed"),
        }
        // Jitter spreads reconnects of many clients after a relay restart.
        let wait = backoff.mul_f64(rand::rng().random_range(0.8..1.2));
        let _ = context.events.send(Event::Connection {
            account: account.clone(),
            state: ConnectionState::Offline,
            retry_in_ms: Some(u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)),
        });
        // Sends asked for while offline fail at once; the outbox keeps them.
        let deadline = tokio::time::sleep(wait);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                () = &mut deadline => break,
                request = requests.recv() => match request {
                    Some(request) => { let _ = request.reply.send(Err(Error::Unreachable("offline".into()))); }
                    None => return,
                },
            }
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

fn emit(context: &ConnectionContext, state: ConnectionState, retry_in_ms: Option<u64>) {
    let _ = context.events.send(Event::Connection { account: context.account.account(), state, retry_in_ms });
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open(context: &ConnectionContext) -> Result<Socket> {
    let mut request =
        context.relay.websocket_url().into_client_request().map_err(|e| Error::Unreachable(e.to_string()))?;
    let header = HeaderValue::from_str(&RelayClient::bearer_header(&context.credentials))
        .map_err(|e| Error::Protocol(e.to_string()))?;
    request.headers_mut().insert("authorization", header);
    // tungstenite zero-fills its spare read buffer before every read (128 KiB by default); the
    // relay's frames are mostly small, so a small buffer saves that work on every push.
    let config =
        tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default().read_buffer_size(READ_BUFFER_BYTES);
    let connector = tokio_tungstenite::Connector::Rustls(context.relay.tls_config());
    let connect = tokio_tungstenite::connect_async_tls_with_config(request, Some(config), false, Some(connector));
    let (socket, _) = tokio::time::timeout(Duration::from_secs(15), connect)
        .await
        .map_err(|_| Error::Unreachable("timed out".into()))?
        .map_err(|error| match isthmus_tls::certificate_problem(&error) {
            Some(problem) => Error::Tls(problem),
            None => Error::Unreachable(error.to_string()),
        })?;
    Ok(socket)
}

/// Tells the relay that first contacts which could not be opened are no requests: their slots
/// are free at once, so garbage cannot make the person unreachable for newcomers. In the
/// background: the socket goes on meanwhile. A failure leaves the slot to the reconcile after
/// the next drained backlog, or to the relay's expiry.
fn free_request_slots(context: &ConnectionContext, senders: Vec<Address>) {
    if senders.is_empty() {
        return;
    }
    let (relay, credentials) = (context.relay.clone(), context.credentials.clone());
    tokio::spawn(async move {
        for sender in senders {
            if let Err(error) = relay.delete_request(&credentials, &sender).await {
                tracing::info!(code = ?error.code(), "could not free the slot of an unopened first contact");
            }
        }
    });
}

/// Tells the relay the account was removed from these groups, so it refuses their traffic
/// again. In the background; if it fails, the client still drops what the group sends.
fn leave_groups(context: &ConnectionContext, groups: Vec<crate::ids::GroupId>) {
    if groups.is_empty() {
        return;
    }
    let (relay, credentials) = (context.relay.clone(), context.credentials.clone());
    tokio::spawn(async move {
        for group in groups {
            if let Err(error) = relay.leave_group(&credentials, &group).await {
                tracing::info!(code = ?error.code(), "could not tell the relay about a group the account was removed from");
            }
        }
    });
}

async fn session(context: &ConnectionContext, socket: Socket, requests: &mut mpsc::Receiver<SendRequest>) {
    let (mut sink, mut stream) = socket.split();
    let mut pending: HashMap<u64, oneshot::Sender<Result<u64>>> = HashMap::new();
    let mut next_request = 1u64;
    loop {
        tokio::select! {
            frame = stream.next() => {
                let Some(Ok(first)) = frame else { break };
                let mut pushes = Vec::new();
                let mut drained = false;
                let mut message = Some(first);
                // Take whatever else has already arrived, to process it as one batch.
                while let Some(current) = message.take() {
                    match current {
                        WsMessage::Binary(bytes) => match wire::ServerFrame::decode(bytes.as_ref()) {
                            Ok(frame) => handle_frame(frame, &mut pushes, &mut drained, &mut pending),
                            Err(_) => tracing::warn!("undecodable frame from relay"),
                        },
                        WsMessage::Close(_) => break,
                        _ => {}
                    }
                    if pushes.len() < RECEIVE_BATCH {
                        if let Some(Some(Ok(next))) = stream.next().now_or_never() {
                            message = Some(next);
                        }
                    }
                }
                if !pushes.is_empty() {
                    let account = context.account.clone();
                    let acks = context
                        .worker
                        .call(move |state| Box::pin(async move { crate::receive::receive_batch(state, &account, pushes).await }))
                        .await;
                    // What was received may have queued receipts: let the sender look.
                    context.outbox_wake.notify_one();
                    match acks {
                        Ok(received) => {
                            let envelope_ids = received.acks;
                            if !envelope_ids.is_empty() {
                                let frame = wire::ClientFrame { frame: Some(wire::client_frame::Frame::Ack(wire::Ack { envelope_ids })) };
                                if sink.send(WsMessage::Binary(frame.encode_to_vec().into())).await.is_err() {
                                    break;
                                }
                            }
                            free_request_slots(context, received.unopened_first_contacts);
                            leave_groups(context, received.removed_from_groups);
                        }
                        Err(error) => {
                            // Nothing acked: the relay will push these again after a reconnect.
                            tracing::error!(code = ?error.code(), "could not store received messages");
                            break;
                        }
                    }
                }
                if drained {
                    let _ = context.events.send(Event::QueueDrained { account: context.account.account() });
                    context.drained.notify_one();
                }
            }
            request = requests.recv() => {
                let Some(request) = request else { break };
                let envelope = match wire::Envelope::decode(request.envelope.as_slice()) {
                    Ok(envelope) => envelope,
                    Err(_) => { let _ = request.reply.send(Err(Error::Protocol("bad envelope".into()))); continue; }
                };
                let id = next_request;
                next_request += 1;
                let frame = wire::ClientFrame { frame: Some(wire::client_frame::Frame::Send(wire::Send { request_id: id, envelope: Some(envelope) })) };
                if sink.send(WsMessage::Binary(frame.encode_to_vec().into())).await.is_err() {
                    let _ = request.reply.send(Err(Error::Unreachable("connection lost".into())));
                    break;
                }
                pending.insert(id, request.reply);
            }
        }
    }
    for (_, reply) in pending.drain() {
        let _ = reply.send(Err(Error::Unreachable("connection lost".into())));
    }
}

pub(crate) fn handle_frame(
    frame: wire::ServerFrame,
    pushes: &mut Vec<wire::Envelope>,
    drained: &mut bool,
    pending: &mut HashMap<u64, oneshot::Sender<Result<u64>>>,
) {
    use wire::server_frame::Frame;
    match frame.frame {
        Some(Frame::Push(envelope)) => pushes.push(envelope),
        Some(Frame::QueueEmpty(_)) => *drained = true,
        Some(Frame::SendResult(result)) => {
            if let Some(reply) = pending.remove(&result.request_id) {
                let outcome = if result.error_code.is_empty() {
                    Ok(result.server_timestamp)
                } else {
                    Err(Error::Relay {
                        code: isthmus_proto::api::ErrorCode::parse(&result.error_code),
                        message: result.error_message,
                    })
                };
                let _ = reply.send(outcome);
            }
        }
        Some(Frame::Error(error)) => tracing::warn!(code = %error.code, "relay reported a frame error"),
        None => {}
    }
}
