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

use std::sync::Arc;

use futures_util::future::BoxFuture;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;

/// Acked ids that may wait for the write before the socket itself waits: bounds the memory a
/// client can tie up by acking faster than the store deletes. Counted in ids, not frames, since
/// one frame may carry thousands; a frame with more than this waits until nothing else does.
const WAITING_IDS: u32 = 4096;

/// Applies one batch of acked ids: the store's ack, or a stand-in in tests.
pub type Apply = Box<dyn FnMut(Vec<Vec<u8>>) -> BoxFuture<'static, ()> + Send>;

/// One ack frame's ids, holding their room until they are applied.
struct Waiting {
    ids: Vec<Vec<u8>>,
    room: OwnedSemaphorePermit,
}

pub struct Acks {
    waiting: mpsc::UnboundedSender<Waiting>,
    room: Arc<Semaphore>,
    task: JoinHandle<()>,
    taken: bool,
}

impl Acks {
    pub fn start(apply: Apply) -> Self {
        let (waiting, receiver) = mpsc::unbounded_channel();
        let room = Arc::new(Semaphore::new(WAITING_IDS as usize));
        Self { waiting, room, task: tokio::spawn(run(receiver, apply)), taken: false }
    }

    /// Takes an ack frame's ids; waits only while `WAITING_IDS` ids are still unapplied.
    pub async fn take(&mut self, ids: Vec<Vec<u8>>) {
        if ids.is_empty() {
            return;
        }
        self.taken = true;
        let needed = u32::try_from(ids.len()).unwrap_or(u32::MAX).min(WAITING_IDS);
        // The semaphore lives in `self` and is never closed.
        let Ok(room) = self.room.clone().acquire_many_owned(needed).await else { return };
        // The task ends only once this sender is dropped, so the send cannot fail.
        let _ = self.waiting.send(Waiting { ids, room });
    }

    /// Applies every ack taken so far, then ends; says whether there were any.
    pub async fn finish(self) -> bool {
        drop(self.waiting);
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the ack task failed");
        }
        self.taken
    }
}

/// Applies what waits, all of it in one write (at most `WAITING_IDS` ids, or one larger frame),
/// and gives its room back once the write is done.
async fn run(mut receiver: mpsc::UnboundedReceiver<Waiting>, mut apply: Apply) {
    while let Some(first) = receiver.recv().await {
        let mut ids = first.ids;
        let mut rooms = vec![first.room];
        while let Ok(more) = receiver.try_recv() {
            ids.extend(more.ids);
            rooms.push(more.room);
        }
        apply(ids).await;
        drop(rooms);
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

    #[tokio::test]
    async fn a_client_that_acks_faster_than_the_store_deletes_waits_forroom() {
        let (apply, writes, gate) = gated();
        let mut acks = Acks::start(apply);
        let full: Vec<Vec<u8>> = (0..WAITING_IDS).map(|n| n.to_be_bytes().to_vec()).collect();
        acks.take(full).await;
        let more = tokio::time::timeout(Duration::from_millis(200), acks.take(vec![id(1)])).await;
        assert!(more.is_err(), "with every id's room taken and no write done, the socket must wait");
        gate.add_permits(100);
        tokio::time::timeout(Duration::from_secs(5), acks.take(vec![id(2)]))
            .await
            .expect("once the write is done there is room again");
        acks.finish().await;
        let applied: usize = writes.lock().expect("not poisoned").iter().map(Vec::len).sum();
        assert_eq!(applied, WAITING_IDS as usize + 1, "the ack that timed out was never taken; the rest were applied");
    }
}
