//! Group commit: every write the relay acknowledges must be on disk first, but one fsync can
//! cover every write that finished before it started. Callers that want durability queue for
//! one flush at a time; whoever reaches the front flushes on behalf of everyone queued behind,
//! and they return without flushing again. Under load a relay then pays one fsync per batch of
//! concurrent sends instead of one per send; an idle relay still flushes each write at once.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

/// Tickets and the flush turn. A caller takes a ticket after its write has finished, so a flush
/// that starts after ticket `t` was handed out covers writes `1..=t`.
#[derive(Debug, Default)]
pub(crate) struct GroupCommit {
    /// The last ticket handed out.
    handed_out: AtomicU64,
    /// The highest ticket a finished flush covers.
    covered: AtomicU64,
    /// One flush at a time. Tokio's mutex is fair (FIFO), so nobody waits behind latecomers.
    turn: tokio::sync::Mutex<()>,
}

impl GroupCommit {
    /// Returns once a flush that started after this call finished: the caller's earlier writes
    /// are durable. `flush` runs only when no finished flush covers the caller already. An
    /// error goes to the caller whose flush failed; the next caller in line tries again.
    pub(crate) async fn durable<F, Fut, E>(&self, flush: F) -> Result<(), E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(), E>>,
    {
        let ticket = self.handed_out.fetch_add(1, Ordering::SeqCst) + 1;
        let _turn = self.turn.lock().await;
        if self.covered.load(Ordering::SeqCst) >= ticket {
            return Ok(());
        }
        // Everyone holding a ticket up to here has finished writing: this flush covers them.
        let covers = self.handed_out.load(Ordering::SeqCst);
        flush().await?;
        self.covered.fetch_max(covers, Ordering::SeqCst);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_callers_share_flushes() {
        let commit = Arc::new(GroupCommit::default());
        let flushes = Arc::new(AtomicUsize::new(0));
        let callers: Vec<_> = (0..50)
            .map(|_| {
                let (commit, flushes) = (commit.clone(), flushes.clone());
                tokio::spawn(async move {
                    commit
                        .durable(|| async {
                            flushes.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            Ok::<(), ()>(())
                        })
                        .await
                })
            })
            .collect();
        for caller in callers {
            caller.await.expect("the caller ran").expect("the flush succeeded");
        }
        let flushes = flushes.load(Ordering::SeqCst);
        assert!(flushes >= 1, "somebody flushed");
        assert!(flushes < 50, "50 concurrent callers shared flushes, yet {flushes} ran");
    }

    #[tokio::test]
    async fn a_caller_arriving_during_a_flush_gets_a_flush_of_its_own() {
        // The first flush may have started before the latecomer's write: it cannot cover it.
        let commit = Arc::new(GroupCommit::default());
        let flushes = Arc::new(AtomicUsize::new(0));
        let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
        let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
        let first = {
            let (commit, flushes) = (commit.clone(), flushes.clone());
            tokio::spawn(async move {
                commit
                    .durable(|| async move {
                        flushes.fetch_add(1, Ordering::SeqCst);
                        started_tx.send(()).expect("the test waits");
                        release_rx.await.expect("the test releases");
                        Ok::<(), ()>(())
                    })
                    .await
            })
        };
        started_rx.await.expect("the first flush started");
        let latecomer = {
            let (commit, flushes) = (commit.clone(), flushes.clone());
            tokio::spawn(async move {
                commit
                    .durable(|| async move {
                        flushes.fetch_add(1, Ordering::SeqCst);
                        Ok::<(), ()>(())
                    })
                    .await
            })
        };
        // The latecomer holds its ticket (its write is done) before the first flush finishes.
        while commit.handed_out.load(Ordering::SeqCst) < 2 {
            tokio::task::yield_now().await;
        }
        release_tx.send(()).expect("the flush waits");
        first.await.expect("ran").expect("flushed");
        latecomer.await.expect("ran").expect("flushed");
        assert_eq!(flushes.load(Ordering::SeqCst), 2, "the latecomer's write needed a second flush");
    }

    #[tokio::test]
    async fn a_failed_flush_reaches_its_caller_and_the_next_caller_flushes_again() {
        let commit = GroupCommit::default();
        let failed = commit.durable(|| async { Err::<(), &str>("disk full") }).await;
        assert_eq!(failed, Err("disk full"));
        let flushes = AtomicUsize::new(0);
        commit
            .durable(|| async {
                flushes.fetch_add(1, Ordering::SeqCst);
                Ok::<(), &str>(())
            })
            .await
            .expect("the retry succeeded");
        assert_eq!(flushes.load(Ordering::SeqCst), 1, "nothing counted the failed flush as covering anyone");
    }
}
