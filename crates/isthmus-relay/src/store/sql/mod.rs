//! The SQL stores: SQLite (one relay, one file: the embedded default) and PostgreSQL (a network
//! whose relays share one database). One implementation over [`db::Conn`] (rusqlite for SQLite,
//! sqlx for PostgreSQL): the schema is the same on both (`migrations/sqlite`, `migrations/postgres` differ only in type names), and
//! the few statements the two dialects disagree on live in [`Engine`].
//!
//! Writes are durable at commit on both. PostgreSQL commits each write in a transaction of its
//! own and shares one WAL flush between commits that arrive together by itself. SQLite lets one
//! connection write at a time and pays an fsync per commit, so there every write goes to one
//! thread ([`writer`]) that runs the writes waiting at that moment in one transaction: deliveries
//! that arrive together commit together.
//!
//! A write is written as an op: a closure over the connection that checks everything it may
//! refuse before it changes anything, so that a refusal (`QueueFull`, `NameTaken`...) leaves the
//! transaction as it found it; only a database failure (`Backend`) can come after a change, and
//! it rolls the whole transaction back.

mod accounts;
pub(crate) mod db;
mod discovery;
mod engine;
mod groups;
mod import;
mod interop;
mod invites;
mod members;
mod nonces;
mod queue;
mod relay_store;
mod reports;
mod rows;
mod schema;
mod writer;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use rusqlite::OpenFlags;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions as _, Postgres};

use db::{Conn, LiteReader, LiteReaders};
pub(crate) use engine::Engine;
pub use import::{ImportCounts, ImportRecord};

use super::{Result, StoreError};

/// Idle SQLite connections kept for reads beside the writer (WAL lets them run at once).
const SQLITE_READERS: usize = 4;
/// Connections to PostgreSQL per relay process.
const POSTGRES_CONNECTIONS: u32 = 16;
/// How long SQLite waits for a lock another process holds (an admin command, say).
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether a store may write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The relay: creates the database if it is missing and upgrades its schema.
    ReadWrite,
    /// Admin commands beside a running relay: never creates, upgrades or writes anything.
    ReadOnly,
}

/// A relay store on SQLite or PostgreSQL.
pub struct SqlStore {
    reads: Reads,
    engine: Engine,
    writes: Writes,
}

enum Reads {
    Lite(Arc<LiteReaders>),
    Pg(PgPool),
}

enum Writes {
    /// SQLite: the one writer thread.
    Writer(writer::Writer),
    /// PostgreSQL: a transaction from the pool for each write.
    Pool(PgPool),
    ReadOnly,
}

/// A connection to read on, given back when dropped.
pub(crate) enum Reader {
    Lite(LiteReader),
    Pg(PoolConnection<Postgres>),
}

impl Reader {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            Reader::Lite(reader) => reader.conn(),
            Reader::Pg(conn) => Conn::Pg(&mut *conn),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::Backend(error.to_string())
    }
}

/// SQLite settings every connection gets. Durable at commit: in WAL mode only `FULL` syncs the
/// log at each commit (`NORMAL` leaves the last commits to the next checkpoint). Deleted rows
/// are overwritten (`secure_delete`): an acked envelope's addresses and ciphertext, a lifted
/// block, must not linger in free space of the file.
///
/// Reads go through a memory map of the file: every commit of the writer (one a millisecond under
/// load) empties each reader's page cache, and reading the pages again by `pread` took a tenth of
/// a loaded relay's CPU; through the map it is a memory access (docs/benchmarks.md).
fn sqlite_session(conn: &rusqlite::Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON; PRAGMA foreign_keys = ON; PRAGMA mmap_size = {SQLITE_MMAP_BYTES};"
    ))?;
    conn.busy_timeout(SQLITE_BUSY_TIMEOUT)?;
    Ok(())
}

/// How much of the database file each connection maps (address space, not memory).
const SQLITE_MMAP_BYTES: u64 = 1 << 30;

fn open_sqlite_connection(path: &Path, flags: OpenFlags) -> Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open_with_flags(path, flags)?;
    sqlite_session(&conn)?;
    Ok(conn)
}

impl SqlStore {
    /// Opens the SQLite database at `path`: for the relay, creating it when missing and
    /// upgrading its schema; to read only, an existing database whose schema this relay knows.
    pub async fn open_sqlite(path: &Path, access: Access) -> Result<Self> {
        if access == Access::ReadOnly && !path.is_file() {
            return Err(StoreError::Backend(format!("no database at {}", path.display())));
        }
        let path = std::path::absolute(path).map_err(|error| StoreError::Backend(error.to_string()))?;
        // Each connection is used by one thread at a time: SQLite's own mutexes are not needed.
        let shared = OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let read_flags = shared
            | match access {
                Access::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
                Access::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE,
            };
        let reader_path = path.clone();
        let readers = LiteReaders::new(SQLITE_READERS, move || open_sqlite_connection(&reader_path, read_flags));
        if access == Access::ReadOnly {
            let store = Self { reads: Reads::Lite(readers), engine: Engine::Sqlite, writes: Writes::ReadOnly };
            schema::check(&mut store.reader().await?.conn(), Engine::Sqlite).await?;
            return Ok(store);
        }
        let flags = shared | OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
        let mut conn = open_sqlite_connection(&path, flags)?;
        // Kept in the file: every later connection, the relay's or an admin command's, uses it.
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Backend(format!("SQLite refused WAL mode (it kept {mode})")));
        }
        schema::migrate_sqlite(&mut conn)?;
        Ok(Self {
            reads: Reads::Lite(readers),
            engine: Engine::Sqlite,
            writes: Writes::Writer(writer::Writer::start(conn)?),
        })
    }

    /// Opens the PostgreSQL database at `url` (`postgres://user:password@host/database`; add
    /// `?options=-c%20search_path%3Dschema` for a schema other than `public`).
    pub async fn open_postgres(url: &str, access: Access) -> Result<Self> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(StoreError::Backend("a PostgreSQL URL starts with postgres://".into()));
        }
        let options = url
            .parse::<PgConnectOptions>()
            .map_err(|_| StoreError::Backend("the PostgreSQL URL does not parse".into()))?
            .disable_statement_logging();
        let pool = PgPoolOptions::new().max_connections(POSTGRES_CONNECTIONS).connect_with(options).await?;
        let mut conn = pool.acquire().await?;
        match access {
            Access::ReadOnly => schema::check(&mut Conn::Pg(&mut conn), Engine::Postgres).await?,
            Access::ReadWrite => schema::migrate_postgres(&mut conn).await?,
        }
        drop(conn);
        let writes = if access == Access::ReadOnly { Writes::ReadOnly } else { Writes::Pool(pool.clone()) };
        Ok(Self { reads: Reads::Pg(pool), engine: Engine::Postgres, writes })
    }

    pub(crate) fn engine(&self) -> Engine {
        self.engine
    }

    /// A connection to read on: SQLite's readers see every committed write, and never wait
    /// for the writer.
    pub(crate) async fn reader(&self) -> Result<Reader> {
        match &self.reads {
            Reads::Lite(readers) => Ok(Reader::Lite(readers.take()?)),
            Reads::Pg(pool) => Ok(Reader::Pg(pool.acquire().await?)),
        }
    }

    /// Runs `op` as one write, all or nothing, and answers once it is committed.
    pub(crate) async fn write<T, F>(&self, op: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut Conn<'c>) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        self.write_as(writer::Answer::AtCommit, op).await
    }

    /// Like `write`, but SQLite answers as soon as the op ran, before its commit: for acks, whose
    /// loss only means a redelivery, so that a socket need not wait for an fsync per ack.
    pub(crate) async fn write_soon<T, F>(&self, op: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut Conn<'c>) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        self.write_as(writer::Answer::OnceRun, op).await
    }

    async fn write_as<T, F>(&self, answer: writer::Answer, op: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut Conn<'c>) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        match &self.writes {
            Writes::Writer(writer) => writer.write(answer, op).await,
            Writes::Pool(pool) => {
                let mut tx = pool.begin().await?;
                let mut conn = Conn::Pg(&mut tx);
                let outcome = op(&mut conn).await;
                match outcome {
                    Ok(value) => {
                        tx.commit().await?;
                        Ok(value)
                    }
                    Err(error) => {
                        // Dropping it would roll back as well, but later, on another task.
                        let _ = tx.rollback().await;
                        Err(error)
                    }
                }
            }
            Writes::ReadOnly => Err(StoreError::ReadOnly),
        }
    }

    /// Returns once every write that returned is durable. Writes commit before they return, but
    /// acks may not have yet: on SQLite an empty write waits until the batch with them is in.
    pub(crate) async fn settle(&self) -> Result<()> {
        match &self.writes {
            Writes::Writer(writer) => writer.write(writer::Answer::AtCommit, |_| Box::pin(async { Ok(()) })).await,
            Writes::Pool(_) | Writes::ReadOnly => Ok(()),
        }
    }

    /// How many transactions the SQLite writer has committed (none elsewhere): lets tests see
    /// that concurrent writes share commits.
    #[doc(hidden)]
    pub fn commits(&self) -> u64 {
        match &self.writes {
            Writes::Writer(writer) => writer.commits(),
            Writes::Pool(_) | Writes::ReadOnly => 0,
        }
    }

    /// SQLite's `journal_mode` and `synchronous` as the writer sees them.
    #[doc(hidden)]
    pub async fn sqlite_durability(&self) -> Result<(String, i64)> {
        self.write(|conn| {
            Box::pin(async move {
                let mode: String = db::query("PRAGMA journal_mode").fetch_one(&mut *conn).await?.try_get(0)?;
                let sync: i64 = db::query("PRAGMA synchronous").fetch_one(&mut *conn).await?.try_get(0)?;
                Ok((mode, sync))
            })
        })
        .await
    }

    /// Closes every connection (SQLite then folds its write-ahead log into the database file).
    pub async fn close(&self) {
        if let Writes::Writer(writer) = &self.writes {
            writer.close().await;
        }
        match &self.reads {
            Reads::Lite(readers) => readers.close(),
            Reads::Pg(pool) => pool.close().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_is_durable_at_commit() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let store = SqlStore::open_sqlite(&dir.path().join("relay.sqlite3"), Access::ReadWrite).await.expect("opens");
        let (mode, sync) = store.sqlite_durability().await.expect("read");
        assert_eq!(mode, "wal", "WAL lets admin commands read while the relay writes");
        assert_eq!(sync, 2, "synchronous=FULL: in WAL mode anything less can lose committed writes");
    }

    #[tokio::test]
    async fn an_acked_envelope_leaves_nothing_in_the_file() {
        use crate::store::{DeviceKey, RelayStore as _};
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("relay.sqlite3");
        let store = SqlStore::open_sqlite(&path, Access::ReadWrite).await.expect("opens");
        let bob = DeviceKey::new(isthmus_proto::UserName::parse("bob").expect("valid"), 1);
        let marker = b"mallory@harbor.example wrote this".to_vec();
        store.enqueue(&bob, &[1; 16], &marker, 10).await.expect("queued");
        store.enqueue(&bob, &[2; 16], b"another envelope", 10).await.expect("queued");
        store.ack(&bob, &[vec![1; 16]]).await.expect("acked");
        // Closing folds the write-ahead log into the file and deletes the log.
        store.close().await;
        let file = std::fs::read(&path).expect("the database file");
        assert!(
            !file.windows(marker.len()).any(|window| window == marker.as_slice()),
            "an acked envelope (who wrote to whom) must not stay readable in the file's free space"
        );
        assert!(file.windows(16).any(|window| window == b"another envelope"), "the scan finds what is still queued");
    }

    #[tokio::test]
    async fn readers_map_the_file_instead_of_reading_it_page_by_page() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let store = SqlStore::open_sqlite(&dir.path().join("relay.sqlite3"), Access::ReadWrite).await.expect("opens");
        let mut reader = store.reader().await.expect("a reader");
        let mapped: i64 = db::query("PRAGMA mmap_size")
            .fetch_one(&mut reader.conn())
            .await
            .expect("read")
            .try_get(0)
            .expect("an integer");
        assert_eq!(u64::try_from(mapped).ok(), Some(SQLITE_MMAP_BYTES));
    }

    #[tokio::test]
    async fn a_read_only_store_never_creates_a_database() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("relay.sqlite3");
        assert!(SqlStore::open_sqlite(&path, Access::ReadOnly).await.is_err(), "there is nothing to read");
        assert!(!path.exists(), "and nothing was created");
    }
}
