//! A socket's acks, applied beside the socket instead of in its way.
//!
//! Deleting an acked envelope is a write, and on SQLite a write runs on the writer's thread after
//! the transaction before it has committed: waiting for it held the socket for a whole commit per
//! ack, so a receiver got at most one envelope pushed per commit (measured: the relay's ceiling
//! under load). Nothing needs the ack to be applied before the socket goes on: the session pushes
//! from its cursor, never again what it pushed, and a device that reconnects before an ack landed
//! gets the envelope again and drops it by id (delivery is at least once). So acks go to a task of
//! their own, and the acks that arrive while one is applied are applied together, in one write.
//!
//! What is promised: every ack taken is applied before [`Acks::finish`] returns (the session waits
//! for it, so shutdown flushes the store after the last acks), in the order taken. A failed write
//! is reported to the client as a `FrameError`, as before.

use futures_util::future::BoxFuture;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Ack frames that may wait for the write before the socket itself waits: bounds the memory a
/// client can tie up by acking faster than the store deletes.
const WAITING: usize = 1024;
/// The most ids one write deletes: a bigger write only delays the next socket's turn.
const MAX_IDS: usize = 4096;

/// Applies one batch of acked ids: the store's ack, or a stand-in in tests.
pub type Apply = Box<dyn FnMut(Vec<Vec<u8>>) -> BoxFuture<'static, ()> + Send>;

pub struct Acks {
    ids: mpsc::Sender<Vec<Vec<u8>>>,
    task: JoinHandle<()>,
    taken: bool,
}

impl Acks {
    pub fn start(apply: Apply) -> Self {
        let (ids, waiting) = mpsc::channel(WAITING);
        Self { ids, task: tokio::spawn(run(waiting, apply)), taken: false }
    }

    /// Takes an ack frame's ids; waits only when `WAITING` frames are still unapplied.
    pub async fn take(&mut self, ids: Vec<Vec<u8>>) {
        if ids.is_empty() {
            return;
        }
        self.taken = true;
        // The task ends only once this sender is dropped, so the send cannot fail.
        let _ = self.ids.send(ids).await;
    }

    /// Applies every ack taken so far, then ends; says whether there were any.
    pub async fn finish(self) -> bool {
        drop(self.ids);
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the ack task failed");
        }
        self.taken
    }
}

async fn run(mut waiting: mpsc::Receiver<Vec<Vec<u8>>>, mut apply: Apply) {
    while let Some(mut ids) = waiting.recv().await {
        while ids.len() < MAX_IDS {
            match waiting.try_recv() {
                Ok(more) => ids.extend(more),
                Err(_) => break,
            }
        }
        apply(ids).await;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use tokio::sync::Semaphore;

    use super::*;

    /// The ids of each write, in order.
    type Writes = Arc<Mutex<Vec<Vec<Vec<u8>>>>>;

    /// A stand-in store: records each write's ids, and applies one write per permit.
    fn gated() -> (Apply, Writes, Arc<Semaphore>) {
        let writes = Arc::new(Mutex::new(Vec::new()));
        let gate = Arc::new(Semaphore::new(0));
        let (recorded, permits) = (writes.clone(), gate.clone());
        let apply: Apply = Box::new(move |ids| {
            let (recorded, permits) = (recorded.clone(), permits.clone());
            Box::pin(async move {
                permits.acquire().await.expect("the gate stays open").forget();
                recorded.lock().expect("not poisoned").push(ids);
            })
        });
        (apply, writes, gate)
    }

    fn id(n: u8) -> Vec<u8> {
        vec![n; 16]
    }

    #[tokio::test]
    async fn the_socket_goes_on_while_a_write_waits() {
        let (apply, writes, gate) = gated();
        let mut acks = Acks::start(apply);
        // The store takes no write at all, yet taking acks never waits on it.
        for n in 0..10 {
            tokio::time::timeout(Duration::from_secs(5), acks.take(vec![id(n)]))
                .await
                .expect("taking an ack must not wait for the store");
        }
        assert!(writes.lock().expect("not poisoned").is_empty(), "nothing was applied yet");
        gate.add_permits(100);
        assert!(acks.finish().await, "acks were taken");
        let applied: Vec<Vec<u8>> = writes.lock().expect("not poisoned").iter().flatten().cloned().collect();
        assert_eq!(applied, (0..10).map(id).collect::<Vec<_>>(), "finish applies every ack taken, in order");
    }

    #[tokio::test]
    async fn acks_that_arrive_during_a_write_share_the_next_one() {
        let (apply, writes, gate) = gated();
        let mut acks = Acks::start(apply);
        acks.take(vec![id(1)]).await;
        // Let the task start the first write, which waits at the gate.
        tokio::time::sleep(Duration::from_millis(50)).await;
        for n in 2..=20 {
            acks.take(vec![id(n)]).await;
        }
        gate.add_permits(100);
        acks.finish().await;
        let writes = writes.lock().expect("not poisoned");
        assert_eq!(writes.len(), 2, "one write for the first ack, one for the 19 that waited: {writes:?}");
        assert_eq!(writes[1].len(), 19);
    }
}
