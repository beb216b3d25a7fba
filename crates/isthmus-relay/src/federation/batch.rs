//! Deliveries to a peered relay, batched. Envelopes that clients send to the same network at the
//! same time travel together in one signed `FederatedDelivery`, and only a few requests to a
//! peer are in flight at once. Without this every envelope was its own signed HTTP request with
//! its own connection: under load the relay ran out of file descriptors, the peer spent an fsync
//! and a nonce write per envelope, and the peer's per-relay rate limit counted every envelope.
//!
//! No background task: a sender queues its envelope, then waits for either its answer or a turn
//! to send. Whoever gets a turn takes the oldest queued envelopes (its own among them, unless an
//! earlier turn took it already), sends them as one request, and answers each waiting sender.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use isthmus_proto::{wire, Message as _, NetworkName};
use tokio::sync::{oneshot, Semaphore};

use crate::error_code::ApiError;

/// Requests to one peer in flight at most. Enough to keep a peer's disk and both relays' cores
/// busy; the rest of the load waits in the queue and travels in bigger batches.
pub const REQUESTS_PER_PEER: usize = 8;
/// Bytes a batch's body leaves free under the peer's body limit for protobuf framing.
const FRAMING_SLACK: usize = 1024;

/// One envelope waiting to go, with the way back to its sender.
pub struct Job {
    pub envelope: wire::Envelope,
    answer: oneshot::Sender<Result<(), ApiError>>,
}

impl Job {
    /// Tells the sender what became of its envelope. A sender that gave up is not an error.
    pub fn answer(self, outcome: Result<(), ApiError>) {
        let _ = self.answer.send(outcome);
    }
}

/// The outbound queue of every peer this relay has delivered to.
#[derive(Default)]
pub struct OutboundBatches {
    peers: Mutex<HashMap<NetworkName, Arc<PeerQueue>>>,
}

struct PeerQueue {
    waiting: Mutex<VecDeque<Job>>,
    turns: Semaphore,
}

/// How many envelopes and bytes one request may carry: the peer's limits, assumed equal to ours.
#[derive(Clone, Copy, Debug)]
pub struct BatchLimits {
    pub max_envelopes: usize,
    pub max_body_bytes: usize,
}

impl OutboundBatches {
    fn queue(&self, peer: &NetworkName) -> Arc<PeerQueue> {
        let mut peers = self.peers.lock().expect("the outbound lock is never poisoned");
        peers
            .entry(peer.clone())
            .or_insert_with(|| {
                Arc::new(PeerQueue { waiting: Mutex::new(VecDeque::new()), turns: Semaphore::new(REQUESTS_PER_PEER) })
            })
            .clone()
    }

    /// Delivers `envelope` to `peer` in whatever batch it ends up in; `send` carries one batch
    /// and must answer every job it was given. Returns this envelope's own outcome.
    pub async fn deliver<F, Fut>(
        &self,
        peer: &NetworkName,
        envelope: wire::Envelope,
        limits: BatchLimits,
        send: F,
    ) -> Result<(), ApiError>
    where
        F: Fn(Vec<Job>) -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let queue = self.queue(peer);
        let (answer, mut answered) = oneshot::channel();
        queue.waiting.lock().expect("the outbound lock is never poisoned").push_back(Job { envelope, answer });
        loop {
            let turn = tokio::select! {
                biased;
                outcome = &mut answered => return outcome.unwrap_or_else(|_| Err(abandoned())),
                turn = queue.turns.acquire() => turn.expect("the semaphore is never closed"),
            };
            let batch = queue.take(limits);
            if batch.is_empty() {
                // An earlier turn took this envelope and is carrying it: wait for its answer.
                drop(turn);
                return answered.await.unwrap_or_else(|_| Err(abandoned()));
            }
            send(batch).await;
            drop(turn);
        }
    }
}

impl PeerQueue {
    /// The oldest waiting jobs that fit one request; at least one when any wait (a single
    /// envelope always fits: the ciphertext limit is far below the body limit).
    fn take(&self, limits: BatchLimits) -> Vec<Job> {
        let mut waiting = self.waiting.lock().expect("the outbound lock is never poisoned");
        let budget = limits.max_body_bytes.saturating_sub(FRAMING_SLACK);
        let mut batch = Vec::new();
        let mut bytes = 0;
        while let Some(job) = waiting.front() {
            let size = job.envelope.encoded_len() + 8;
            if !batch.is_empty() && (batch.len() >= limits.max_envelopes || bytes + size > budget) {
                break;
            }
            bytes += size;
            batch.push(waiting.pop_front().expect("front exists"));
        }
        batch
    }
}

/// The answer when the request carrying an envelope was dropped midway (its sender went away):
/// whether the peer queued it is unknown, so the sender retries, and the retry is a duplicate.
fn abandoned() -> ApiError {
    super::outbound::peer_unavailable()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;
    use crate::error_code::ErrorCode;

    fn envelope(n: u8, bytes: usize) -> wire::Envelope {
        wire::Envelope { id: vec![n; 16], ciphertext: vec![n; bytes], ..Default::default() }
    }

    const ROOMY: BatchLimits = BatchLimits { max_envelopes: 100, max_body_bytes: 4 * 1024 * 1024 };

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_deliveries_share_requests_and_each_gets_its_own_answer() {
        let batches = Arc::new(OutboundBatches::default());
        let requests = Arc::new(AtomicUsize::new(0));
        let peer = NetworkName::parse("harbor.example").expect("valid");
        let senders: Vec<_> = (0..60u8)
            .map(|n| {
                let (batches, requests, peer) = (batches.clone(), requests.clone(), peer.clone());
                tokio::spawn(async move {
                    batches
                        .deliver(&peer, envelope(n, 64), ROOMY, |jobs| {
                            let requests = requests.clone();
                            async move {
                                requests.fetch_add(1, Ordering::SeqCst);
                                tokio::time::sleep(Duration::from_millis(30)).await;
                                for job in jobs {
                                    // The peer refuses odd envelopes: each sender hears its own fate.
                                    let refused = job.envelope.id[0] % 2 == 1;
                                    job.answer(if refused { Err(ApiError::unknown_account()) } else { Ok(()) });
                                }
                            }
                        })
                        .await
                })
            })
            .collect();
        for (n, sender) in senders.into_iter().enumerate() {
            let outcome = sender.await.expect("the sender ran");
            match n % 2 {
                0 => assert_eq!(outcome, Ok(()), "envelope {n}"),
                _ => assert_eq!(outcome.map_err(|e| e.code), Err(ErrorCode::UnknownAccount), "envelope {n}"),
            }
        }
        let requests = requests.load(Ordering::SeqCst);
        assert!(requests < 60, "60 concurrent envelopes went as {requests} requests");
    }

    #[test]
    fn a_batch_stops_at_the_count_and_the_body_limits_but_always_takes_one() {
        let queue = PeerQueue { waiting: Mutex::new(VecDeque::new()), turns: Semaphore::new(1) };
        let push = |n: u8, bytes: usize| {
            let (answer, _) = oneshot::channel();
            queue.waiting.lock().expect("lock").push_back(Job { envelope: envelope(n, bytes), answer });
        };
        for n in 0..5 {
            push(n, 10);
        }
        let by_count = queue.take(BatchLimits { max_envelopes: 3, max_body_bytes: 1 << 20 });
        assert_eq!(by_count.iter().map(|job| job.envelope.id[0]).collect::<Vec<_>>(), vec![0, 1, 2], "oldest first");
        assert_eq!(queue.take(ROOMY).len(), 2, "the rest");

        push(10, 3000);
        push(11, 3000);
        let by_bytes = queue.take(BatchLimits { max_envelopes: 100, max_body_bytes: 5000 + FRAMING_SLACK });
        assert_eq!(by_bytes.len(), 1, "two 3 KB envelopes do not fit a 5 KB body");
        let oversized = queue.take(BatchLimits { max_envelopes: 100, max_body_bytes: 10 });
        assert_eq!(oversized.len(), 1, "one envelope always goes, whatever the budget");
        assert!(queue.take(ROOMY).is_empty());
    }

    #[tokio::test]
    async fn a_dropped_request_tells_its_senders_the_peer_is_unavailable() {
        let batches = OutboundBatches::default();
        let peer = NetworkName::parse("harbor.example").expect("valid");
        let outcome = batches.deliver(&peer, envelope(1, 8), ROOMY, |jobs| async move { drop(jobs) }).await;
        assert_eq!(outcome.map_err(|e| e.code), Err(ErrorCode::PeerUnavailable));
    }
}
