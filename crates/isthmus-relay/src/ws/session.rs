//! One device's socket: push the queue, then `QueueEmpty`, then live envelopes; take acks and
//! sends; close when replaced by a newer connection or when the relay shuts down.
//!
//! Every write races the replacement, the shutdown and a deadline: a client that stops reading
//! loses its socket after `ws_write_timeout_ms` and the page it held is dropped, a newer
//! connection of the same device takes over at once, and shutdown never waits on a stuck peer.
//! A client that sends nothing at all (not even the pong every ping asks for) is dropped after
//! `ws_idle_timeout_ms`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt as _, StreamExt as _};
use isthmus_proto::{wire, Address, Message as _};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::acks::Acks;
use super::frames;
use crate::coordination::Bucket;
use crate::delivery;
use crate::error_code::{ApiError, ErrorCode};
use crate::hub::Attachment;
use crate::metrics::Source;
use crate::state::RelayState;
use crate::store::{DeviceKey, QueueEntry};

/// Close code for a socket that a newer connection of the same device replaced.
pub const CLOSE_REPLACED: u16 = 4000;
/// Close code when the relay shuts down (RFC 6455 "going away").
pub const CLOSE_GOING_AWAY: u16 = 1001;

/// How often the relay pings at most, so that dead connections are noticed (more often when
/// the idle timeout is short).
const PING_EVERY: Duration = Duration::from_secs(30);
/// How many queued envelopes are read from the store at a time.
const PAGE: usize = 100;

type Sink = SplitSink<WebSocket, Message>;

/// How long the closing frame may take; the socket is dropped either way.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

/// Why the session ended.
enum End {
    /// The client went away or the socket failed: nothing more to send.
    Gone,
    /// A write made no progress within the write timeout, or the client fell silent.
    Stalled,
    Replaced,
    ShuttingDown,
}

/// The signals every wait of a session races.
struct Signals {
    replaced: tokio::sync::watch::Receiver<bool>,
    shutdown: tokio::sync::watch::Receiver<bool>,
    write_timeout: Duration,
}

impl Signals {
    /// Sends one message unless the session must end first; `Err` says why it ended.
    async fn send(&mut self, sink: &mut Sink, message: Message) -> Result<(), End> {
        if *self.shutdown.borrow() {
            return Err(End::ShuttingDown);
        }
        if *self.replaced.borrow() {
            return Err(End::Replaced);
        }
        tokio::select! {
            biased;
            _ = self.shutdown.changed() => Err(End::ShuttingDown),
            _ = self.replaced.changed() => Err(End::Replaced),
            sent = tokio::time::timeout(self.write_timeout, sink.send(message)) => match sent {
                Ok(Ok(())) => Ok(()),
                Ok(Err(_)) => Err(End::Gone),
                Err(_) => {
                    tracing::debug!("a socket write made no progress in time; dropping the socket");
                    Err(End::Stalled)
                }
            },
        }
    }
}

struct Session {
    state: Arc<RelayState>,
    sender: Address,
    device: DeviceKey,
    /// The sequence number of the last envelope pushed on this socket.
    cursor: Option<u64>,
    /// Whether the socket has pushed everything its last read found: it may then push what is
    /// handed to it (`hub::Handed`) without reading it back.
    caught_up: bool,
    sends: JoinSet<()>,
    /// Sends whose result the client has not been given yet. Counted apart from `sends`, which
    /// still holds a task for a moment after its result went out: a client that keeps exactly
    /// the allowed number in flight would otherwise be refused now and then.
    in_flight: Arc<AtomicUsize>,
    results: mpsc::Sender<Message>,
    acks: Acks,
    /// This socket's turn to ack for the device, once the socket it replaced has applied its acks.
    acks_turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

pub async fn run(state: Arc<RelayState>, sender: Address, socket: WebSocket) {
    let tracked = state.clone();
    let _session = tracked.sessions.enter();
    let device = DeviceKey::new(sender.name.clone(), sender.device);
    let mut attachment = state.hub.attach(device.clone());
    let (mut sink, mut stream) = socket.split();
    let (results, mut results_rx) = mpsc::channel(state.limits.max_inflight_sends.max(1));
    let mut session = Session {
        state: state.clone(),
        sender,
        device,
        cursor: None,
        caught_up: false,
        sends: JoinSet::new(),
        in_flight: Arc::default(),
        acks: apply_acks(state.clone(), attachment.device.clone(), results.clone()),
        acks_turn: None,
        results,
    };
    let mut signals = Signals {
        replaced: attachment.replaced.clone(),
        shutdown: state.shutdown.clone(),
        write_timeout: Duration::from_millis(state.limits.write_timeout_ms.max(1)),
    };
    tracing::debug!(connected = state.hub.connected(), "socket opened");
    let end = match session.serve(&mut sink, &mut stream, &mut attachment, &mut results_rx, &mut signals).await {
        Ok(never) => match never {},
        Err(end) => end,
    };
    session.sends.shutdown().await;
    // The acks taken are committed before the session counts as ended and before the device's
    // next socket reads its queue.
    if session.acks.finish().await {
        if let Err(error) = state.store.flush().await {
            tracing::error!(%error, "committing a closed socket's acks failed");
        }
    }
    drop(session.acks_turn);
    state.hub.detach(&attachment);
    let close = match end {
        End::Replaced => Some((CLOSE_REPLACED, "replaced by a newer connection")),
        End::ShuttingDown => Some((CLOSE_GOING_AWAY, "relay shutting down")),
        End::Gone | End::Stalled => None,
    };
    if let Some((code, reason)) = close {
        let close = sink.send(Message::Close(Some(CloseFrame { code, reason: reason.into() })));
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, close).await;
    }
    tracing::debug!("socket closed");
}

/// The socket's acks go to the store beside it; a failed write is told to the client.
fn apply_acks(state: Arc<RelayState>, device: DeviceKey, results: mpsc::Sender<Message>) -> Acks {
    Acks::start(Box::new(move |ids| {
        let (state, device, results) = (state.clone(), device.clone(), results.clone());
        Box::pin(async move {
            match state.store.ack(&device, &ids).await {
                Ok(removed) => tracing::debug!(removed, "acked"),
                Err(error) => {
                    tracing::error!(%error, "deleting acked envelopes failed");
                    // Never waits: the session may itself be waiting for room among the acks.
                    let _ = results.try_send(frames::frame_error(ErrorCode::Internal, "the ack could not be stored"));
                }
            }
        })
    }))
}

impl Session {
    async fn serve(
        &mut self,
        sink: &mut Sink,
        stream: &mut SplitStream<WebSocket>,
        attachment: &mut Attachment,
        results: &mut mpsc::Receiver<Message>,
        signals: &mut Signals,
    ) -> Result<std::convert::Infallible, End> {
        // Runs until the session ends; `Err` says why (the `?`s below end it).
        let mut shutdown = self.state.shutdown.clone();
        if *shutdown.borrow_and_update() {
            return Err(End::ShuttingDown);
        }
        self.acks_turn = Some(tokio::select! {
            biased;
            _ = shutdown.changed() => return Err(End::ShuttingDown),
            _ = attachment.replaced.changed() => return Err(End::Replaced),
            turn = attachment.acks_turn.clone().lock_owned() => turn,
        });
        self.push_queued(sink, signals).await?;
        signals.send(sink, frames::queue_empty()).await?;
        let idle_limit = Duration::from_millis(self.state.limits.ws_idle_timeout_ms.max(3));
        // Often enough that a client who answers every ping is never taken for a silent one.
        let ping_every = PING_EVERY.min(idle_limit / 3);
        let mut heard_at = Instant::now();
        let mut ping = tokio::time::interval_at(Instant::now() + ping_every, ping_every);
        loop {
            tokio::select! {
                _ = shutdown.changed() => return Err(End::ShuttingDown),
                _ = attachment.replaced.changed() => return Err(End::Replaced),
                changed = attachment.enqueued.changed() => {
                    if changed.is_err() {
                        return Err(End::Replaced);
                    }
                    self.push_new(sink, signals, attachment).await?;
                }
                Some(message) = results.recv() => signals.send(sink, message).await?,
                Some(_) = self.sends.join_next(), if !self.sends.is_empty() => {}
                message = stream.next() => {
                    heard_at = Instant::now();
                    match message {
                        None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return Err(End::Gone),
                        Some(Ok(Message::Binary(bytes))) => {
                            if let Some(reply) = self.handle_frame(&bytes).await {
                                signals.send(sink, reply).await?;
                            }
                        }
                        Some(Ok(Message::Text(_))) => {
                            let reply = frames::frame_error(ErrorCode::BadRequest, "frames are binary protobuf");
                            signals.send(sink, reply).await?;
                        }
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    }
                }
                () = tokio::time::sleep_until(heard_at + idle_limit) => {
                    tracing::debug!("a socket stayed silent past the idle timeout; dropping it");
                    return Err(End::Stalled);
                }
                _ = ping.tick() => signals.send(sink, Message::Ping(Default::default())).await?,
            }
        }
    }

    /// Pushes what was queued since the socket last looked: as handed over when it can, else
    /// read from the store.
    async fn push_new(&mut self, sink: &mut Sink, signals: &mut Signals, attachment: &Attachment) -> Result<(), End> {
        let handed = attachment.take_handed();
        if !(handed.complete && self.caught_up) {
            return self.push_queued(sink, signals).await;
        }
        for entry in handed.entries {
            // Queued before the socket's last read, which pushed it already.
            if self.cursor.is_some_and(|cursor| entry.seq <= cursor) {
                continue;
            }
            self.push(sink, signals, entry).await?;
        }
        Ok(())
    }

    /// Pushes everything queued after the cursor, in order.
    async fn push_queued(&mut self, sink: &mut Sink, signals: &mut Signals) -> Result<(), End> {
        self.caught_up = false;
        loop {
            let page = match self.state.store.queued(&self.device, self.cursor, PAGE).await {
                Ok(page) => page,
                Err(error) => {
                    tracing::error!(%error, "reading a queue failed");
                    return Ok(());
                }
            };
            let full_page = page.len() == PAGE;
            for entry in page {
                self.push(sink, signals, entry).await?;
            }
            if !full_page {
                self.caught_up = true;
                return Ok(());
            }
        }
    }

    async fn push(&mut self, sink: &mut Sink, signals: &mut Signals, entry: QueueEntry) -> Result<(), End> {
        self.cursor = Some(entry.seq);
        // Checked when it was queued: stored envelopes go out as they are.
        signals.send(sink, frames::push(&entry.envelope)).await
    }

    /// Handles one binary message; returns the immediate reply, if any.
    async fn handle_frame(&mut self, bytes: &[u8]) -> Option<Message> {
        if bytes.len() > self.state.limits.max_frame_bytes {
            return Some(frames::frame_error(ErrorCode::TooLarge, "the frame is over the limit"));
        }
        let Ok(frame) = wire::ClientFrame::decode(bytes) else {
            return Some(frames::frame_error(ErrorCode::BadRequest, "not a ClientFrame"));
        };
        match frame.frame {
            None => Some(frames::frame_error(ErrorCode::BadRequest, "empty frame")),
            Some(wire::client_frame::Frame::Ack(ack)) => {
                self.acks.take(ack.envelope_ids).await;
                None
            }
            Some(wire::client_frame::Frame::Send(send)) => self.start_send(send),
            Some(wire::client_frame::Frame::SendToMembers(send)) => {
                self.start_send_to_members(send).await;
                None
            }
        }
    }

    /// Starts delivering a `SendToMembers`: one send in flight and one token of the account's
    /// rate for all its copies; each copy's `SendResult` follows once it is queued or refused.
    async fn start_send_to_members(&mut self, send: wire::SendToMembers) {
        let ids: Vec<u64> = send.copies.iter().map(|copy| copy.request_id).collect();
        let max = self.state.limits.max_copies_per_send;
        let refused = if let Err(error) = super::fan_out::check(send.envelope.as_ref(), ids.len(), max) {
            Some(error)
        } else if self.in_flight.load(Ordering::SeqCst) >= self.state.limits.max_inflight_sends {
            Some(ApiError::rate_limited(1))
        } else {
            None
        };
        if let Some(error) = refused {
            for id in ids {
                let _ = self.results.send(frames::send_result(id, Err(error.clone()))).await;
            }
            return;
        }
        let template = send.envelope.unwrap_or_default();
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let state = self.state.clone();
        let sender = self.sender.clone();
        let results = self.results.clone();
        let in_flight = self.in_flight.clone();
        self.sends.spawn(async move {
            let outcomes = match state.coordination.take_token(Bucket::Account, sender.name.as_str()).await {
                Ok(Ok(())) => super::fan_out::deliver(&state, &sender, &template, send.copies).await,
                Ok(Err(retry_after)) => {
                    ids.into_iter().map(|id| (id, Err(ApiError::rate_limited(retry_after)))).collect()
                }
                Err(error) => {
                    let error: ApiError = error.into();
                    ids.into_iter().map(|id| (id, Err(error.clone()))).collect()
                }
            };
            for (_, outcome) in &outcomes {
                state.metrics.delivery(Source::Client, outcome.as_ref().map(drop).map_err(|error| error.code));
                if let Err(error) = outcome {
                    state.metrics.refusal(error.code);
                }
            }
            in_flight.fetch_sub(1, Ordering::SeqCst);
            for (id, outcome) in outcomes {
                let _ = results.send(frames::send_result(id, outcome)).await;
            }
        });
    }

    /// Starts delivering a `Send`; its `SendResult` follows once the envelope is durably queued.
    fn start_send(&mut self, send: wire::Send) -> Option<Message> {
        let request_id = send.request_id;
        let Some(envelope) = send.envelope else {
            return Some(frames::send_result(request_id, Err(ApiError::bad_request("the send has no envelope"))));
        };
        if self.in_flight.load(Ordering::SeqCst) >= self.state.limits.max_inflight_sends {
            return Some(frames::send_result(request_id, Err(ApiError::rate_limited(1))));
        }
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let state = self.state.clone();
        let sender = self.sender.clone();
        let results = self.results.clone();
        let in_flight = self.in_flight.clone();
        self.sends.spawn(async move {
            let outcome = match state.coordination.take_token(Bucket::Account, sender.name.as_str()).await {
                Ok(Ok(())) => delivery::send_from_client(&state, &sender, envelope).await,
                Ok(Err(retry_after)) => Err(ApiError::rate_limited(retry_after)),
                Err(error) => Err(error.into()),
            };
            state.metrics.delivery(Source::Client, outcome.as_ref().map(drop).map_err(|error| error.code));
            if let Err(error) = &outcome {
                state.metrics.refusal(error.code);
                tracing::debug!(code = %error.code, "send refused");
            }
            // Freed before the result leaves, so the client's next send always finds room.
            in_flight.fetch_sub(1, Ordering::SeqCst);
            // The socket may be gone by now; the client then retries with the same envelope id.
            let _ = results.send(frames::send_result(request_id, outcome)).await;
        });
        None
    }
}
