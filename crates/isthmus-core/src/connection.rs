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
    envelopes: Vec<Vec<u8>>,
    /// One answer per envelope, in order.
    replies: Vec<oneshot::Sender<Result<u64>>>,
}

/// A handle on an account's connection, used by the sender.
#[derive(Clone)]
pub struct ConnectionHandle {
    requests: mpsc::Sender<SendRequest>,
    connected: watch::Receiver<bool>,
    /// The relay of the current connection takes `SendToMembers`.
    fans_out: Arc<std::sync::atomic::AtomicBool>,
}

impl ConnectionHandle {
    /// Sends one encoded envelope and waits for the relay to say it is durably queued.
    /// Returns the relay's timestamp.
    pub async fn send(&self, envelope: Vec<u8>) -> Result<u64> {
        self.send_all(vec![envelope]).await.pop().unwrap_or_else(|| Err(Error::Unreachable("no answer".into())))
    }

    /// Sends encoded envelopes at once and waits for each answer (in order). Copies of one
    /// group message go in one `SendToMembers` frame when the relay takes it.
    pub async fn send_all(&self, envelopes: Vec<Vec<u8>>) -> Vec<Result<u64>> {
        let (replies, answers): (Vec<_>, Vec<_>) = envelopes.iter().map(|_| oneshot::channel()).unzip();
        if self.requests.send(SendRequest { envelopes, replies }).await.is_err() {
            return answers.iter().map(|_| Err(Error::Unreachable("not connected".into()))).collect();
        }
        let mut outcomes = Vec::with_capacity(answers.len());
        for answer in answers {
            outcomes.push(answer.await.unwrap_or_else(|_| Err(Error::Unreachable("connection lost".into()))));
        }
        outcomes
    }

    pub fn is_connected(&self) -> bool {
        *self.connected.borrow()
    }

    /// Whether copies of one group message go to the relay in one frame (else one each).
    pub fn fans_out(&self) -> bool {
        self.fans_out.load(std::sync::atomic::Ordering::Relaxed)
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
    let fans_out = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let task = tokio::spawn(run(context, requests, connected_tx, fans_out.clone()));
    (ConnectionHandle { requests: requests_tx, connected, fans_out }, task)
}

async fn run(
    context: ConnectionContext,
    mut requests: mpsc::Receiver<SendRequest>,
    connected: watch::Sender<bool>,
    fans_out: Arc<std::sync::atomic::AtomicBool>,
) {
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
                let fan_out = relay_takes_send_to_members(&context).await;
                fans_out.store(fan_out, std::sync::atomic::Ordering::Relaxed);
                session(&context, socket, &mut requests, fan_out).await;
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
                    Some(request) => {
                        for reply in request.replies {
                            let _ = reply.send(Err(Error::Unreachable("offline".into())));
                        }
                    }
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
    // Nagle's algorithm off: an ack followed by a send (two small frames) would otherwise wait
    // for the relay's delayed TCP acknowledgement, about 40 ms per message once the chat is busy.
    let connect = tokio_tungstenite::connect_async_tls_with_config(request, Some(config), true, Some(connector));
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

/// Whether the relay takes `SendToMembers` frames (it says so in `/healthz`); a relay that does
/// not, or does not answer, gets each copy as a `Send` of its own.
async fn relay_takes_send_to_members(context: &ConnectionContext) -> bool {
    context.relay.health().await.ok().and_then(|health| health.get("features").cloned()).is_some_and(|features| {
        features
            .as_array()
            .is_some_and(|list| list.iter().any(|f| f.as_str() == Some(isthmus_proto::api::FEATURE_SEND_TO_MEMBERS)))
    })
}

/// The frames that carry `envelopes`: copies of one group message (same kind, ciphertext and
/// group) in one `SendToMembers` when `fan_out`, everything else in a `Send` each. Each envelope
/// gets the request id `first + its position`.
fn send_frames(envelopes: Vec<wire::Envelope>, first: u64, fan_out: bool) -> Vec<wire::ClientFrame> {
    use wire::client_frame::Frame;
    let shared = |a: &wire::Envelope, b: &wire::Envelope| {
        a.kind == b.kind && a.ciphertext == b.ciphertext && a.group_id == b.group_id && !a.group_add && !b.group_add
    };
    let mut frames = Vec::new();
    let mut copies: Vec<(u64, wire::Envelope)> = Vec::new();
    let flush = |copies: &mut Vec<(u64, wire::Envelope)>, frames: &mut Vec<wire::ClientFrame>| {
        if copies.len() >= 2 {
            let template = wire::Envelope { id: Vec::new(), destination: None, ..copies[0].1.clone() };
            let members = copies
                .drain(..)
                .map(|(request_id, envelope)| wire::send_to_members::Copy {
                    request_id,
                    destination: envelope.destination,
                    envelope_id: envelope.id,
                })
                .collect();
            frames.push(wire::ClientFrame {
                frame: Some(Frame::SendToMembers(wire::SendToMembers { envelope: Some(template), copies: members })),
            });
        } else {
            for (request_id, envelope) in copies.drain(..) {
                frames.push(wire::ClientFrame {
                    frame: Some(Frame::Send(wire::Send { request_id, envelope: Some(envelope) })),
                });
            }
        }
    };
    for (position, envelope) in envelopes.into_iter().enumerate() {
        let request_id = first + position as u64;
        let groupable = fan_out && !envelope.group_id.is_empty();
        if !(groupable && copies.last().is_none_or(|(_, last)| shared(last, &envelope))) {
            flush(&mut copies, &mut frames);
        }
        if groupable {
            copies.push((request_id, envelope));
        } else {
            frames.push(wire::ClientFrame {
                frame: Some(Frame::Send(wire::Send { request_id, envelope: Some(envelope) })),
            });
        }
    }
    flush(&mut copies, &mut frames);
    frames
}

async fn session(
    context: &ConnectionContext,
    socket: Socket,
    requests: &mut mpsc::Receiver<SendRequest>,
    fan_out: bool,
) {
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
                let first = next_request;
                let mut envelopes = Vec::with_capacity(request.envelopes.len());
                for (bytes, reply) in request.envelopes.iter().zip(request.replies) {
                    match wire::Envelope::decode(bytes.as_slice()) {
                        Ok(envelope) => {
                            pending.insert(first + envelopes.len() as u64, reply);
                            envelopes.push(envelope);
                        }
                        Err(_) => { let _ = reply.send(Err(Error::Protocol("bad envelope".into()))); }
                    }
                }
                next_request += envelopes.len() as u64;
                let mut lost = false;
                for frame in send_frames(envelopes, first, fan_out) {
                    if sink.send(WsMessage::Binary(frame.encode_to_vec().into())).await.is_err() {
                        lost = true;
                        break;
                    }
                }
                if lost {
                    break;
                }
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

#[cfg(test)]
mod tests {
    use super::*;
    use wire::client_frame::Frame;

    fn copy(to: &str, ciphertext: &[u8], group: u8) -> wire::Envelope {
        let to: Address = to.parse().expect("valid");
        wire::Envelope {
            id: vec![rand::random(); 16],
            destination: Some((&to).into()),
            kind: wire::CiphertextKind::SenderKey as i32,
            ciphertext: ciphertext.to_vec(),
            group_id: vec![group; 16],
            ..Default::default()
        }
    }

    fn shape(frames: &[wire::ClientFrame]) -> Vec<(&'static str, Vec<u64>)> {
        frames
            .iter()
            .map(|frame| match frame.frame.as_ref() {
                Some(Frame::Send(send)) => ("send", vec![send.request_id]),
                Some(Frame::SendToMembers(many)) => ("members", many.copies.iter().map(|c| c.request_id).collect()),
                _ => ("other", Vec::new()),
            })
            .collect()
    }

    #[test]
    fn copies_of_one_group_message_share_a_frame_and_everything_else_goes_alone_in_order() {
        let one_to_one = wire::Envelope { group_id: Vec::new(), ..copy("dan@meadow.test", b"direct", 0) };
        let envelopes = vec![
            copy("bob@meadow.test", b"m1", 1),
            copy("carol@harbor.test", b"m1", 1),
            one_to_one,
            copy("bob@meadow.test", b"m2", 1),
            copy("carol@harbor.test", b"m2", 1),
            copy("erin@meadow.test", b"m3", 2),
        ];
        let frames = send_frames(envelopes.clone(), 10, true);
        assert_eq!(
            shape(&frames),
            vec![("members", vec![10, 11]), ("send", vec![12]), ("members", vec![13, 14]), ("send", vec![15])],
            "a lone copy is a plain send"
        );
        let Some(Frame::SendToMembers(first)) = frames[0].frame.as_ref() else { panic!("a SendToMembers") };
        let template = first.envelope.as_ref().expect("the sealed message");
        assert_eq!((template.ciphertext.as_slice(), template.destination.is_none()), (&b"m1"[..], true));
        assert_eq!(first.copies[1].envelope_id, envelopes[1].id, "each copy keeps its own envelope id");
        assert_eq!(
            shape(&send_frames(envelopes, 10, false)),
            (10..16).map(|id| ("send", vec![id])).collect::<Vec<_>>(),
            "a relay that does not take SendToMembers gets a send per copy"
        );
    }
}
