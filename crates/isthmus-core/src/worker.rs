//! The crypto worker: one thread that owns every Signal operation and every write.
//!
//! libsignal's store traits are `?Send`, so their futures cannot move between threads; and a
//! single writer means read-modify-write of a conversation never races. Callers on the
//! multi-thread runtime send a job (a closure) and await its answer; network I/O never runs here.
//!
//! **Group commit.** A job whose writes must be on disk before anyone hears of them calls
//! [`WorkerState::durable`] instead of flushing. The worker runs every job already waiting,
//! then flushes once ([`WorkerState::settle`]) and only then answers the jobs and sends their
//! events, in order. Ten messages queued at once share one fsync, and nothing is acknowledged
//! or shown before it is on disk: once a flush is due, every later answer in the run waits for
//! it too, so no caller acts on a write that could still be lost.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use isthmus_proto::Address;
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::events::Event;
use crate::signal_store::LocalIdentity;
use crate::store::{SealedStore, Tree};
use crate::{Error, Result};

pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;
type Job = Box<dyn for<'a> FnOnce(&'a mut WorkerState) -> LocalBoxFuture<'a, ()> + Send>;
/// An answer held back until the flush it waits for; told whether that flush failed.
type HeldAnswer = Box<dyn FnOnce(Option<&crate::store::Error>) + Send>;

/// At most this many jobs share one flush, so a flood of jobs cannot hold answers back for long.
const MAX_JOBS_PER_FLUSH: usize = 256;

/// What the worker thread owns.
pub struct WorkerState {
    pub store: Arc<SealedStore>,
    pub events: broadcast::Sender<Event>,
    identities: HashMap<[u8; 32], LocalIdentity>,
    stopping: bool,
    /// Set by [`WorkerState::durable`]: the store must be flushed before anything below goes out.
    flush_due: bool,
    held_events: Vec<Event>,
    held_answers: Vec<HeldAnswer>,
}

impl WorkerState {
    /// The state the worker thread starts with. Benchmarks (`bench_support`) build one without
    /// the thread, to call the pipelines directly.
    pub fn new(store: Arc<SealedStore>, events: broadcast::Sender<Event>) -> Self {
        WorkerState {
            store,
            events,
            identities: HashMap::new(),
            stopping: false,
            flush_due: false,
            held_events: Vec::new(),
            held_answers: Vec::new(),
        }
    }

    /// Marks what this job wrote as needing to be on disk before the job is answered or its
    /// events are sent. The flush itself is shared with the other jobs of the run
    /// ([`WorkerState::settle`]).
    pub fn durable(&mut self) {
        self.flush_due = true;
    }

    /// Flushes if a job asked for it, then sends the events and answers held for that flush.
    /// The worker calls it after each run of jobs; code driving a `WorkerState` without the
    /// thread (benchmarks, tests) calls it where the worker would. A failed flush answers the
    /// held jobs with its error (their writes may be lost) and drops their events.
    pub fn settle(&mut self) -> Result<()> {
        if !self.flush_due {
            return Ok(());
        }
        self.flush_due = false;
        let flushed = self.store.flush();
        let events = std::mem::take(&mut self.held_events);
        if flushed.is_ok() {
            for event in events {
                // No subscriber is fine: events are notifications, the store is the truth.
                let _ = self.events.send(event);
            }
        }
        for answer in std::mem::take(&mut self.held_answers) {
            answer(flushed.as_ref().err());
        }
        Ok(flushed?)
    }

    /// Answers a job now, or after the flush it waits for.
    fn answer(&mut self, answer: HeldAnswer) {
        if self.flush_due {
            self.held_answers.push(answer);
        } else {
            answer(None);
        }
    }

    /// The account's own identity, cached after the first load.
    pub fn local_identity(&mut self, account: &Address) -> Result<LocalIdentity> {
        let key = crate::account::account_key(&self.store, account);
        if let Some(identity) = self.identities.get(&key) {
            return Ok(identity.clone());
        }
        let identity: LocalIdentity = match self.store.get(Tree::LocalIdentity, &key)? {
            Some(bytes) => crate::tx::decode_json(&bytes)?,
            None => return Err(Error::NoSuchAccount(account.to_string())),
        };
        self.identities.insert(key, identity.clone());
        Ok(identity)
    }

    /// Drops the cached identity after the account's key changed.
    pub fn forget_identity(&mut self, account: &Address) {
        let key = crate::account::account_key(&self.store, account);
        self.identities.remove(&key);
    }

    /// Sends `events` to the engine's subscribers. A changed conversation goes out as queries
    /// return it, with what queries fill in (`read_only`), or a read-only chat would look
    /// writable after its next change.
    pub fn emit(&mut self, events: impl IntoIterator<Item = Event>) {
        let mut accounts = None;
        for mut event in events {
            if let Event::ConversationChanged { conversation } = &mut event {
                let accounts =
                    accounts.get_or_insert_with(|| crate::account::load_all(&self.store).unwrap_or_default());
                crate::conversations::fill_in(&self.store, conversation, accounts);
            }
            if self.flush_due {
                self.held_events.push(event);
            } else {
                // No subscriber is fine: events are notifications, the store is the truth.
                let _ = self.events.send(event);
            }
        }
    }
}

#[derive(Clone)]
pub struct Worker {
    jobs: mpsc::UnboundedSender<Job>,
    /// Resolves once the thread has ended and dropped everything it held (the store above all).
    finished: Arc<tokio::sync::Mutex<Option<oneshot::Receiver<()>>>>,
}

impl Worker {
    pub fn spawn(store: Arc<SealedStore>, events: broadcast::Sender<Event>) -> Result<Self> {
        let (jobs, mut queue) = mpsc::unbounded_channel::<Job>();
        let (done, finished) = oneshot::channel();
        std::thread::Builder::new()
            .name("isthmus-crypto".into())
            // libsignal's PQXDH and SPQR code keeps large values on the stack.
            .stack_size(16 * 1024 * 1024)
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        tracing::error!(%error, "crypto worker could not start its runtime");
                        return;
                    }
                };
                let mut state = WorkerState::new(store, events);
                runtime.block_on(async {
                    while let Some(job) = queue.recv().await {
                        job(&mut state).await;
                        // The jobs already waiting run before the flush, and share it.
                        let mut ran = 1;
                        while ran < MAX_JOBS_PER_FLUSH && !state.stopping {
                            let Ok(job) = queue.try_recv() else { break };
                            job(&mut state).await;
                            ran += 1;
                        }
                        if let Err(error) = state.settle() {
                            tracing::error!(code = ?error.code(), "the profile could not be flushed");
                        }
                        if state.stopping {
                            break;
                        }
                    }
                });
                drop(state);
                let _ = done.send(());
            })
            .map_err(|e| Error::Crypto(format!("cannot start the crypto worker: {e}")))?;
        Ok(Self { jobs, finished: Arc::new(tokio::sync::Mutex::new(Some(finished))) })
    }

    /// Ends the thread after the jobs already queued, and waits until it has let go of the store.
    pub async fn stop(&self) {
        let _ = self
            .call(|state| {
                Box::pin(async move {
                    state.stopping = true;
                    Ok(())
                })
            })
            .await;
        if let Some(finished) = self.finished.lock().await.take() {
            let _ = finished.await;
        }
    }

    /// Runs `job` on the worker thread and returns its result.
    pub async fn call<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'a> FnOnce(&'a mut WorkerState) -> LocalBoxFuture<'a, Result<T>> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let boxed: Job = Box::new(move |state| {
            Box::pin(async move {
                let result = job(state).await;
                state.answer(Box::new(move |flush_failed| {
                    let result = match flush_failed {
                        Some(error) => Err(Error::Store(crate::store::Error::Engine(format!("flush failed: {error}")))),
                        None => result,
                    };
                    let _ = reply.send(result);
                }));
            })
        });
        self.jobs.send(boxed).map_err(|_| Error::Stopped)?;
        answer.await.map_err(|_| Error::Stopped)?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{MemoryStore, Profile};
    use std::sync::atomic::{AtomicU64, Ordering};

    /// A job that asks for durability; returns how many flushes the store had seen while the
    /// job ran and when its caller got the answer.
    async fn durable_job(worker: &Worker, raw: Arc<MemoryStore>) -> (u64, u64) {
        let counter = raw.clone();
        let in_job = worker
            .call(move |state| {
                Box::pin(async move {
                    state.durable();
                    Ok(counter.flushes())
                })
            })
            .await
            .expect("answered");
        (in_job, raw.flushes())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn jobs_waiting_together_share_one_flush_and_are_answered_after_it() {
        let raw = Arc::new(MemoryStore::new());
        let profile = Profile::in_memory_on(raw.clone());
        let (events, mut listener) = broadcast::channel(64);
        let worker = Worker::spawn(profile.store(), events).expect("a worker");

        // Hold the thread until ten durable jobs are waiting behind the gate.
        let (open, gate) = std::sync::mpsc::channel::<()>();
        let gated = {
            let worker = worker.clone();
            tokio::spawn(async move {
                worker
                    .call(move |_state| {
                        Box::pin(async move {
                            let _ = gate.recv();
                            Ok(())
                        })
                    })
                    .await
            })
        };
        let waiting = Arc::new(AtomicU64::new(0));
        let jobs: Vec<_> = (0..10)
            .map(|n| {
                let (worker, raw, waiting) = (worker.clone(), raw.clone(), waiting.clone());
                tokio::spawn(async move {
                    waiting.fetch_add(1, Ordering::SeqCst);
                    let answered = durable_job(&worker, raw.clone()).await;
                    // An event emitted by a durable job goes out only after the flush.
                    let flushes_at_emit = worker
                        .call(move |state| {
                            Box::pin(async move {
                                state.durable();
                                state.emit([Event::QueueDrained { account: format!("event {n}") }]);
                                Ok(())
                            })
                        })
                        .await;
                    (answered, flushes_at_emit)
                })
            })
            .collect();
        while waiting.load(Ordering::SeqCst) < 10 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        // The spawned calls have sent their jobs once they are past their first await.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let before = raw.flushes();
        open.send(()).expect("the gate opens");
        gated.await.expect("joined").expect("answered");
        for job in jobs {
            let ((in_job, at_answer), emitted) = job.await.expect("joined");
            emitted.expect("answered");
            assert_eq!(in_job, before, "the ten waiting jobs ran in one run, no flush between them");
            assert!(at_answer > before, "a durable job is answered only after a flush");
        }
        let mut events = 0;
        while let Ok(event) = listener.try_recv() {
            assert!(matches!(event, Event::QueueDrained { .. }));
            events += 1;
        }
        assert_eq!(events, 10, "held events are sent once their flush is done, none lost");
        worker.stop().await;
    }

    #[test]
    fn a_state_driven_without_the_thread_holds_events_until_it_settles() {
        let raw = Arc::new(MemoryStore::new());
        let profile = Profile::in_memory_on(raw.clone());
        let (events, mut listener) = broadcast::channel(8);
        let mut state = WorkerState::new(profile.store(), events);
        state.emit([Event::QueueDrained { account: "a".into() }]);
        assert!(listener.try_recv().is_ok(), "without a pending flush an event goes out at once");
        state.durable();
        state.emit([Event::QueueDrained { account: "b".into() }]);
        assert!(listener.try_recv().is_err(), "an event after a durable write waits for the flush");
        let before = raw.flushes();
        state.settle().expect("flushed");
        assert_eq!(raw.flushes() - before, 1);
        assert!(listener.try_recv().is_ok(), "and goes out once the write is on disk");
        state.settle().expect("nothing to do");
        assert_eq!(raw.flushes() - before, 1, "settling with nothing due does not flush");
    }
}
