//! The SQL stores: SQLite (one relay, one file: the embedded default) and PostgreSQL (a network
//! whose relays share one database). One implementation over sqlx's `Any` driver: the schema is
//! the same on both (`migrations/sqlite`, `migrations/postgres` differ only in type names), and
//! the few statements the two dialects disagree on live in [`Engine`].
//!
//! Writes are durable at commit on both. PostgreSQL commits each write in a transaction of its
//! own and shares one WAL flush between commits that arrive together by itself. SQLite lets one
//! connection write at a time and pays an fsync per commit, so there every write goes to one
//! task ([`writer`]) that runs the writes waiting at that moment in one transaction: deliveries
//! that arrive together commit together.
//!
//! A write is written as an op: a closure over the connection that checks everything it may
//! refuse before it changes anything, so that a refusal (`QueueFull`, `NameTaken`...) leaves the
//! transaction as it found it; only a database failure (`Backend`) can come after a change, and
//! it rolls the whole transaction back.

mod accounts;
mod discovery;
mod engine;
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
use std::time::Duration;

use futures_util::future::BoxFuture;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyConnection, AnyPool, ConnectOptions as _, Connection as _};

pub(crate) use engine::Engine;
pub use import::{ImportCounts, ImportRecord};

use super::{Result, StoreError};

/// Connections that read a SQLite database beside its writer (WAL lets them run at once).
const SQLITE_READERS: u32 = 4;
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
    pool: AnyPool,
    engine: Engine,
    writes: Writes,
}

enum Writes {
    /// SQLite: the one writer task.
    Writer(writer::Writer),
    /// PostgreSQL: a transaction from the pool for each write.
    Pool,
    ReadOnly,
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
async fn sqlite_session(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    sqlx::query("PRAGMA synchronous = FULL").execute(&mut *conn).await?;
    sqlx::query("PRAGMA secure_delete = ON").execute(&mut *conn).await?;
    sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await?;
    let busy = format!("PRAGMA busy_timeout = {}", SQLITE_BUSY_TIMEOUT.as_millis());
    sqlx::query(&busy).execute(&mut *conn).await?;
    Ok(())
}

fn sqlite_options(path: &Path, access: Access) -> Result<AnyConnectOptions> {
    // An absolute path: a relative one would be read as a URL's host, which is lower-cased.
    let path = std::path::absolute(path).map_err(|error| StoreError::Backend(error.to_string()))?;
    let native = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(access == Access::ReadWrite)
        .read_only(access == Access::ReadOnly);
    Ok(AnyConnectOptions::from_url(&native.to_url_lossy())?.disable_statement_logging())
}

impl SqlStore {
    /// Opens the SQLite database at `path`: for the relay, creating it when missing and
    /// upgrading its schema; to read only, an existing database whose schema this relay knows.
    pub async fn open_sqlite(path: &Path, access: Access) -> Result<Self> {
        sqlx::any::install_default_drivers();
        if access == Access::ReadOnly && !path.is_file() {
            return Err(StoreError::Backend(format!("no database at {}", path.display())));
        }
        let options = sqlite_options(path, access)?;
        let pool = AnyPoolOptions::new()
            .max_connections(SQLITE_READERS)
            .min_connections(0)
            .after_connect(|conn, _| Box::pin(sqlite_session(conn)))
            .connect_lazy_with(options.clone());
        if access == Access::ReadOnly {
            schema::check(&pool, Engine::Sqlite).await?;
            return Ok(Self { pool, engine: Engine::Sqlite, writes: Writes::ReadOnly });
        }
        let mut conn = AnyConnection::connect_with(&options).await?;
        sqlite_session(&mut conn).await?;
        // Kept in the file: every later connection, the relay's or an admin command's, uses it.
        sqlx::query("PRAGMA journal_mode = WAL").execute(&mut conn).await?;
        schema::migrate(&mut conn, Engine::Sqlite).await?;
        Ok(Self { pool, engine: Engine::Sqlite, writes: Writes::Writer(writer::Writer::start(conn)) })
    }

    /// Opens the PostgreSQL database at `url` (`postgres://user:password@host/database`; add
    /// `?options=-c%20search_path%3Dschema` for a schema other than `public`).
    pub async fn open_postgres(url: &str, access: Access) -> Result<Self> {
        sqlx::any::install_default_drivers();
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(StoreError::Backend("a PostgreSQL URL starts with postgres://".into()));
        }
        let options = url
            .parse::<AnyConnectOptions>()
            .map_err(|_| StoreError::Backend("the PostgreSQL URL does not parse".into()))?
            .disable_statement_logging();
        let pool = AnyPoolOptions::new().max_connections(POSTGRES_CONNECTIONS).connect_with(options).await?;
        match access {
            Access::ReadOnly => schema::check(&pool, Engine::Postgres).await?,
            Access::ReadWrite => {
                let mut conn = pool.acquire().await?;
                schema::migrate(&mut conn, Engine::Postgres).await?;
            }
        }
        let writes = if access == Access::ReadOnly { Writes::ReadOnly } else { Writes::Pool };
        Ok(Self { pool, engine: Engine::Postgres, writes })
    }

    pub(crate) fn engine(&self) -> Engine {
        self.engine
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Runs `op` as one write, all or nothing, and answers once it is committed.
    pub(crate) async fn write<T, F>(&self, op: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        self.write_as(writer::Answer::AtCommit, op).await
    }

    /// Like `write`, but SQLite answers as soon as the op ran, before its commit: for acks, whose
    /// loss only means a redelivery, so that a socket need not wait for an fsync per ack.
    pub(crate) async fn write_soon<T, F>(&self, op: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        self.write_as(writer::Answer::OnceRun, op).await
    }

    async fn write_as<T, F>(&self, answer: writer::Answer, op: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T>> + Send + 'static,
    {
        match &self.writes {
            Writes::Writer(writer) => writer.write(answer, op).await,
            Writes::Pool => {
                let mut tx = self.pool.begin().await?;
                match op(&mut tx).await {
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
            Writes::Pool | Writes::ReadOnly => Ok(()),
        }
    }

    /// How many transactions the SQLite writer has committed (none elsewhere): lets tests see
    /// that concurrent writes share commits.
    #[doc(hidden)]
    pub fn commits(&self) -> u64 {
        match &self.writes {
            Writes::Writer(writer) => writer.commits(),
            Writes::Pool | Writes::ReadOnly => 0,
        }
    }

    /// SQLite's `journal_mode` and `synchronous` as the writer sees them.
    #[doc(hidden)]
    pub async fn sqlite_durability(&self) -> Result<(String, i64)> {
        self.write(|conn| {
            Box::pin(async move {
                use sqlx::Row as _;
                let mode: String = sqlx::query("PRAGMA journal_mode").fetch_one(&mut *conn).await?.try_get(0)?;
                let sync: i64 = sqlx::query("PRAGMA synchronous").fetch_one(&mut *conn).await?.try_get(0)?;
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
        self.pool.close().await;
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
    async fn a_read_only_store_never_creates_a_database() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("relay.sqlite3");
        assert!(SqlStore::open_sqlite(&path, Access::ReadOnly).await.is_err(), "there is nothing to read");
        assert!(!path.exists(), "and nothing was created");
    }
}
