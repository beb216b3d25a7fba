//! The crypto worker: one thread that owns every Signal operation and every write.
//!
//! libsignal's store traits are `?Send`, so their futures cannot move between threads; and a
//! single writer means read-modify-write of a conversation never races. Callers on the
//! multi-thread runtime send a job (a closure) and await its answer; network I/O never runs here.

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

/// What the worker thread owns.
pub struct WorkerState {
    pub store: Arc<SealedStore>,
    pub events: broadcast::Sender<Event>,
    identities: HashMap<[u8; 32], LocalIdentity>,
    stopping: bool,
}

impl WorkerState {
    /// The state the worker thread starts with. Benchmarks (`bench_support`) build one without
    /// the thread, to call the pipelines directly.
    pub fn new(store: Arc<SealedStore>, events: broadcast::Sender<Event>) -> Self {
        WorkerState { store, events, identities: HashMap::new(), stopping: false }
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
    pub fn emit(&self, events: impl IntoIterator<Item = Event>) {
        let mut accounts = None;
        for mut event in events {
            if let Event::ConversationChanged { conversation } = &mut event {
                let accounts =
                    accounts.get_or_insert_with(|| crate::account::load_all(&self.store).unwrap_or_default());
                crate::conversations::fill_in(&self.store, conversation, accounts);
            }
            // No subscriber is fine: events are notifications, the store is the truth.
            let _ = self.events.send(event);
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
                let _ = reply.send(result);
            })
        });
        self.jobs.send(boxed).map_err(|_| Error::Stopped)?;
        answer.await.map_err(|_| Error::Stopped)?
    }
}
