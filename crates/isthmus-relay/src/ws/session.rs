//! One device's socket: push the queue, then `QueueEmpty`, then live envelopes; take acks and
//! sends; close when replaced by a newer connection or when the relay shuts down.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt as _, StreamExt as _};
use isthmus_proto::{wire, Address, Message as _};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::frames;
use crate::delivery;
use crate::error_code::{ApiError, ErrorCode};
use crate::hub::Attachment;
use crate::state::RelayState;
use crate::store::DeviceKey;

/// Close code for a socket that a newer connection of the same device replaced.
pub const CLOSE_REPLACED: u16 = 4000;
/// Close code when the relay shuts down (RFC 6455 "going away").
pub const CLOSE_GOING_AWAY: u16 = 1001;

/// How often the relay pings, so that dead connections are noticed.
const PING_EVERY: Duration = Duration::from_secs(30);
/// How many queued envelopes are read from the store at a time.
const PAGE: usize = 100;

type Sink = SplitSink<WebSocket, Message>;

/// Why the session ended.
enum End {
    /// The client went away or the socket failed: nothing more to send.
    Gone,
    Replaced,
    ShuttingDown,
}

struct Session {
    state: Arc<RelayState>,
    sender: Address,
    device: DeviceKey,
    /// The sequence number of the last envelope pushed on this socket.
    cursor: Option<u64>,
    sends: JoinSet<()>,
    /// Sends whose result the client has not been given yet. Counted apart from `sends`, which
    /// still holds a task for a moment after its result went out: a client that keeps exactly
    /// the allowed number in flight would otherwise be refused now and then.
    in_flight: Arc<AtomicUsize>,
    results: mpsc::Sender<Message>,
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
        sends: JoinSet::new(),
        in_flight: Arc::default(),
        results,
    };
    tracing::debug!(connected = state.hub.connected(), "socket opened");
    let end = session.serve(&mut sink, &mut stream, &mut attachment, &mut results_rx).await;
    session.sends.shutdown().await;
    state.hub.detach(&attachment);
    let close = match end {
        Ok(End::Replaced) => Some((CLOSE_REPLACED, "replaced by a newer connection")),
        Ok(End::ShuttingDown) => Some((CLOSE_GOING_AWAY, "relay shutting down")),
        Ok(End::Gone) | Err(_) => None,
    };
    if let Some((code, reason)) = close {
        let _ = sink.send(Message::Close(Some(CloseFrame { code, reason: reason.into() }))).await;
    }
    tracing::debug!("socket closed");
}

impl Session {
    async fn serve(
        &mut self,
        sink: &mut Sink,
        stream: &mut SplitStream<WebSocket>,
        attachment: &mut Attachment,
        results: &mut mpsc::Receiver<Message>,
    ) -> Result<End, axum::Error> {
        let mut shutdown = self.state.shutdown.clone();
        if *shutdown.borrow_and_update() {
            return Ok(End::ShuttingDown);
        }
        self.push_queued(sink).await?;
        sink.send(frames::queue_empty()).await?;
        let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + PING_EVERY, PING_EVERY);
        loop {
            tokio::select! {
                _ = shutdown.changed() => return Ok(End::ShuttingDown),
                _ = attachment.replaced.changed() => return Ok(End::Replaced),
                changed = attachment.enqueued.changed() => {
                    if changed.is_err() {
                        return Ok(End::Replaced);
                    }
                    self.push_queued(sink).await?;
                }
                Some(message) = results.recv() => sink.send(message).await?,
                Some(_) = self.sends.join_next(), if !self.sends.is_empty() => {}
                message = stream.next() => match message {
                    None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return Ok(End::Gone),
                    Some(Ok(Message::Binary(bytes))) => {
                        if let Some(reply) = self.handle_frame(&bytes).await {
                            sink.send(reply).await?;
                        }
                    }
                    Some(Ok(Message::Text(_))) => {
                        sink.send(frames::frame_error(ErrorCode::BadRequest, "frames are binary protobuf")).await?;
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                },
                _ = ping.tick() => sink.send(Message::Ping(Default::default())).await?,
            }
        }
    }

    /// Pushes everything queued after the cursor, in order.
    async fn push_queued(&mut self, sink: &mut Sink) -> Result<(), axum::Error> {
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
                self.cursor = Some(entry.seq);
                match wire::Envelope::decode(entry.envelope.as_slice()) {
                    Ok(envelope) => sink.send(frames::push(envelope)).await?,
                    Err(_) => tracing::error!("a queued envelope does not decode; skipped"),
                }
            }
            if !full_page {
                return Ok(());
            }
        }
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
                match self.state.store.ack(&self.device, &ack.envelope_ids).await {
                    Ok(removed) => {
                        tracing::debug!(removed, "acked");
                        None
                    }
                    Err(error) => {
                        tracing::error!(%error, "deleting acked envelopes failed");
                        Some(frames::frame_error(ErrorCode::Internal, "the ack could not be stored"))
                    }
                }
            }
            Some(wire::client_frame::Frame::Send(send)) => self.start_send(send),
        }
    }

    /// Starts delivering a `Send`; its `SendResult` follows once the envelope is durably queued.
    fn start_send(&mut self, send: wire::Send) -> Option<Message> {
        let request_id = send.request_id;
        if let Err(retry_after) = self.state.account_limiter.check(&self.sender.name) {
            return Some(frames::send_result(request_id, Err(ApiError::rate_limited(retry_after))));
        }
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
            let outcome = delivery::send_from_client(&state, &sender, envelope).await;
            if let Err(error) = &outcome {
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
