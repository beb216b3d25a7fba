//! SQLite's one writer: group commit through the engine's own transaction.
//!
//! SQLite lets one connection write at a time, and a commit durable at once (`synchronous =
//! FULL`) pays one fsync. Writers taking turns would pay one fsync each and wait on the write
//! lock in between. So every write goes to this thread as an op; it takes the ops waiting at that
//! moment, runs them one after the other in one transaction and commits once. Writes that
//! arrive together share one commit and one fsync; an idle relay still commits each write at
//! once. Nothing here flushes by hand: the commit is SQLite's.
//!
//! An op that refuses (`QueueFull`...) changed nothing and is answered at once. An op that fails
//! in the database may have changed part of what it meant to, so the transaction is rolled back
//! and every op in it is answered with an error; the ops not run yet go into the next one.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use futures_util::future::BoxFuture;
use tokio::sync::{mpsc, oneshot};

use super::db::Conn;
use super::{Result, StoreError};

/// The most ops one transaction takes: past a point a bigger batch only makes its first op wait
/// longer for the commit.
const MAX_BATCH: usize = 256;
/// Ops waiting for the writer; callers wait when this many are queued.
const QUEUED: usize = 4096;

/// When a caller hears back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    /// Once the transaction with the op committed: the write is durable.
    AtCommit,
    /// As soon as the op ran; it commits with its transaction a moment later.
    OnceRun,
}

/// Answers a caller once its transaction's fate is known: `None` when it committed.
type Reply = Box<dyn FnOnce(Option<&StoreError>) + Send>;

/// What is left of an op once it ran.
struct Ran {
    /// It failed in the database: the transaction may hold part of it.
    broke: bool,
    /// `None` when the caller has its answer already.
    reply: Option<Reply>,
}

type Job = Box<dyn for<'c> FnOnce(&'c mut Conn<'c>) -> BoxFuture<'c, Ran> + Send>;

enum Command {
    Write(Job),
    /// Finish the ops sent before, then close the connection.
    Close(oneshot::Sender<()>),
}

pub(crate) struct Writer {
    commands: mpsc::Sender<Command>,
    commits: Arc<AtomicU64>,
}

fn stopped() -> StoreError {
    StoreError::Backend("the SQLite writer has stopped".into())
}

impl Writer {
    /// Starts the writer's thread on `conn`, which must be set up (pragmas, schema) already. The
    /// thread ends when the writer is dropped or closed. A thread, not a task: every op blocks
    /// on SQLite (and the commit on an fsync), which must not hold up the runtime's workers.
    pub(crate) fn start(conn: rusqlite::Connection) -> Result<Self> {
        let (commands, receiver) = mpsc::channel(QUEUED);
        let commits = Arc::new(AtomicU64::new(0));
        let counted = commits.clone();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run(conn, receiver, &counted))
            .map_err(|error| StoreError::Backend(format!("starting the SQLite writer: {error}")))?;
        Ok(Self { commands, commits })
    }

    pub(crate) async fn write<T, F>(&self, answer: Answer, op: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut Conn<'c>) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        let (tell, told) = oneshot::channel::<Result<T>>();
        let job: Job = Box::new(move |conn| {
            Box::pin(async move {
                let outcome = op(conn).await;
                let broke = matches!(outcome, Err(StoreError::Backend(_)));
                if (outcome.is_err() && !broke) || answer == Answer::OnceRun {
                    let _ = tell.send(outcome);
                    return Ran { broke, reply: None };
                }
                let reply: Reply = Box::new(move |failed| {
                    let _ = tell.send(match failed {
                        Some(error) if outcome.is_ok() => {
                            Err(StoreError::Backend(format!("rolled back with its transaction: {error}")))
                        }
                        _ => outcome,
                    });
                });
                Ran { broke, reply: Some(reply) }
            })
        });
        self.commands.send(Command::Write(job)).await.map_err(|_| stopped())?;
        told.await.map_err(|_| stopped())?
    }

    /// Transactions committed so far.
    pub(crate) fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// Commits what was sent before and closes the connection.
    pub(crate) async fn close(&self) {
        let (done, closed) = oneshot::channel();
        if self.commands.send(Command::Close(done)).await.is_ok() {
            let _ = closed.await;
        }
    }
}

fn run(mut conn: rusqlite::Connection, mut commands: mpsc::Receiver<Command>, commits: &AtomicU64) {
    let mut waiting: VecDeque<Job> = VecDeque::new();
    let mut closing = None;
    loop {
        if waiting.is_empty() {
            if closing.is_some() {
                break;
            }
            match commands.blocking_recv() {
                Some(Command::Write(job)) => waiting.push_back(job),
                Some(Command::Close(done)) => {
                    closing = Some(done);
                    continue;
                }
                None => break,
            }
        }
        while closing.is_none() && waiting.len() < MAX_BATCH {
            match commands.try_recv() {
                Ok(Command::Write(job)) => waiting.push_back(job),
                Ok(Command::Close(done)) => closing = Some(done),
                Err(_) => break,
            }
        }
        commit_batch(&mut conn, &mut waiting, commits);
    }
    if let Err((_, error)) = conn.close() {
        tracing::warn!(%error, "closing the SQLite writer's connection failed");
    }
    if let Some(done) = closing {
        let _ = done.send(());
    }
}

/// Runs an op to its end. An op on SQLite never waits (see `db`), so one poll finishes it; one
/// that would wait is a bug, and fails as a database error, which rolls its transaction back.
fn finish(job: Job, conn: &mut rusqlite::Connection) -> Ran {
    let mut conn = Conn::Lite(conn);
    let mut future = job(&mut conn);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(ran) => ran,
        Poll::Pending => {
            tracing::error!("a SQLite op waited on something other than SQLite");
            Ran { broke: true, reply: None }
        }
    }
}

/// Runs up to `MAX_BATCH` waiting ops in one transaction and answers them.
fn commit_batch(conn: &mut rusqlite::Connection, waiting: &mut VecDeque<Job>, commits: &AtomicU64) {
    // IMMEDIATE takes the write lock up front: another process writing makes this wait out the
    // busy timeout instead of failing halfway through the batch.
    if let Err(error) = conn.execute_batch("BEGIN IMMEDIATE") {
        tracing::error!(%error, "the SQLite writer could not start a transaction");
        // Nothing was written; dropping the ops tells their callers so.
        waiting.clear();
        return;
    }
    let take = waiting.len().min(MAX_BATCH);
    let mut replies = Vec::with_capacity(take);
    let mut broke = false;
    for _ in 0..take {
        let Some(job) = waiting.pop_front() else { break };
        let ran = finish(job, conn);
        replies.extend(ran.reply);
        if ran.broke {
            broke = true;
            break;
        }
    }
    let failure = if broke {
        if let Err(error) = conn.execute_batch("ROLLBACK") {
            tracing::error!(%error, "rolling back a failed batch failed");
        }
        Some(StoreError::Backend("another write in the same transaction failed".into()))
    } else {
        match conn.execute_batch("COMMIT") {
            Ok(()) => {
                commits.fetch_add(1, Ordering::Relaxed);
                None
            }
            Err(error) => {
                tracing::error!(%error, "committing a batch of writes failed");
                // A failed COMMIT may leave the transaction open: end it, so the next batch starts clean.
                let _ = conn.execute_batch("ROLLBACK");
                Some(error.into())
            }
        }
    };
    for reply in replies {
        reply(failure.as_ref());
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::store::sql::db::query;
    use crate::store::sql::{Access, SqlStore};
    use crate::store::{DeviceKey, RelayStore as _};

    async fn store() -> (Arc<SqlStore>, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let store = SqlStore::open_sqlite(&dir.path().join("relay.sqlite3"), Access::ReadWrite).await.expect("opens");
        (Arc::new(store), dir)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writes_share_commits() {
        let (store, _dir) = store().await;
        let before = store.commits();
        let writes: Vec<_> = (0..100u8)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    let device = DeviceKey::new(isthmus_proto::UserName::parse("bob").expect("valid"), 1);
                    store.enqueue(&device, &[n; 16], b"hello", 1000).await
                })
            })
            .collect();
        for write in writes {
            write.await.expect("ran").expect("queued durably");
        }
        let commits = store.commits() - before;
        assert!(commits >= 1, "the writes were committed");
        assert!(commits < 100, "100 concurrent enqueues shared transactions, yet {commits} commits ran");
        let device = DeviceKey::new(isthmus_proto::UserName::parse("bob").expect("valid"), 1);
        assert_eq!(store.queue_len(&device).await.expect("len"), 100, "and every one of them is queued");
    }

    #[tokio::test]
    async fn a_failing_op_rolls_back_only_itself_and_its_transaction() {
        let (store, _dir) = store().await;
        let failed = store
            .write(|conn| {
                Box::pin(async move {
                    query("INSERT INTO meta (key, value) VALUES ('half', 'written')").execute(&mut *conn).await?;
                    query("INSERT INTO no_such_table VALUES (1)").execute(&mut *conn).await?;
                    Ok(())
                })
            })
            .await;
        assert!(failed.is_err(), "the op's database error reaches its caller");
        let half: Option<String> = store
            .write(|conn| {
                Box::pin(async move {
                    let row = query("SELECT value FROM meta WHERE key = 'half'").fetch_optional(&mut *conn).await?;
                    row.map(|row| row.try_get(0)).transpose()
                })
            })
            .await
            .expect("the writer goes on");
        assert_eq!(half, None, "the part of the failed op that ran was rolled back");
    }
}
