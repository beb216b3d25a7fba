//! Fresh, empty stores for tests: in memory, SQLite in a temporary folder, and PostgreSQL in a
//! schema of its own (so tests run side by side on one database).
//!
//! PostgreSQL tests need `ISTHMUS_TEST_POSTGRES_URL` (a database the tests may create schemas
//! in; `scripts/test` starts a throwaway server and sets it). Without it they are skipped with a
//! notice, unless `ISTHMUS_REQUIRE_POSTGRES=1` (as in `scripts/test`), where they fail.

use std::sync::Arc;

use sqlx::{Connection as _, PgConnection};

use crate::store::sql::{Access, SqlStore};
use crate::store::{MemoryStore, RelayStore};

/// The PostgreSQL database tests may use.
pub const POSTGRES_URL_VAR: &str = "ISTHMUS_TEST_POSTGRES_URL";
/// Set to `1` to make a missing PostgreSQL a failure instead of a skip.
pub const REQUIRE_POSTGRES_VAR: &str = "ISTHMUS_REQUIRE_POSTGRES";

/// A store for one test, with what must go when the test is done.
pub struct TestStore {
    pub store: Arc<dyn RelayStore>,
    cleanup: Cleanup,
}

enum Cleanup {
    Nothing,
    Folder(tempfile::TempDir),
    Schema(PostgresSchema),
}

impl TestStore {
    /// Drops the store and what it stood on (a passing test's schema; a folder).
    pub async fn finish(self) {
        drop(self.store);
        match self.cleanup {
            Cleanup::Nothing => {}
            Cleanup::Folder(dir) => drop(dir),
            Cleanup::Schema(schema) => schema.drop_schema().await,
        }
    }
}

pub async fn memory() -> Option<TestStore> {
    Some(TestStore { store: Arc::new(MemoryStore::new()), cleanup: Cleanup::Nothing })
}

pub async fn sqlite() -> Option<TestStore> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let store = SqlStore::open_sqlite(&dir.path().join(crate::store::SQLITE_FILE), Access::ReadWrite)
        .await
        .expect("SQLite opens in a temporary folder");
    Some(TestStore { store: Arc::new(store), cleanup: Cleanup::Folder(dir) })
}

pub async fn postgres() -> Option<TestStore> {
    let schema = postgres_schema().await?;
    let store = SqlStore::open_postgres(&schema.url, Access::ReadWrite).await.expect("PostgreSQL opens");
    Some(TestStore { store: Arc::new(store), cleanup: Cleanup::Schema(schema) })
}

/// An empty schema of its own on the test PostgreSQL; `url` reaches it (its `search_path`).
pub struct PostgresSchema {
    pub url: String,
    pub name: String,
    server_url: String,
}

/// The test PostgreSQL's URL, or `None` (with a notice) when tests may skip it.
fn postgres_url() -> Option<String> {
    if let Ok(url) = std::env::var(POSTGRES_URL_VAR) {
        if !url.is_empty() {
            return Some(url);
        }
    }
    if std::env::var(REQUIRE_POSTGRES_VAR).is_ok_and(|value| value == "1") {
        panic!(
            "{REQUIRE_POSTGRES_VAR}=1 but {POSTGRES_URL_VAR} is not set: the PostgreSQL tests must run \
             (scripts/test starts a throwaway PostgreSQL and sets it)"
        );
    }
    // Straight to stderr, past the test harness's capture, once per test binary.
    static NOTICE: std::sync::Once = std::sync::Once::new();
    NOTICE.call_once(|| {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "note: PostgreSQL store tests skipped: set {POSTGRES_URL_VAR} to a database they may use"
        );
    });
    None
}

pub async fn postgres_schema() -> Option<PostgresSchema> {
    let server_url = postgres_url()?;
    let name = format!("isthmus_test_{:016x}", rand::random::<u64>());
    let mut conn = PgConnection::connect(&server_url).await.expect("the test PostgreSQL answers");
    sqlx::query(&format!("CREATE SCHEMA {name}")).execute(&mut conn).await.expect("a schema for the test");
    let _ = conn.close().await;
    let separator = if server_url.contains('?') { '&' } else { '?' };
    let url = format!("{server_url}{separator}options=-c%20search_path%3D{name}");
    Some(PostgresSchema { url, name, server_url })
}

impl PostgresSchema {
    /// Drops the schema and everything in it.
    pub async fn drop_schema(self) {
        let Ok(mut conn) = PgConnection::connect(&self.server_url).await else {
            eprintln!("could not reach PostgreSQL to drop test schema {}", self.name);
            return;
        };
        if let Err(error) =
            sqlx::query(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name)).execute(&mut conn).await
        {
            eprintln!("dropping test schema {} failed: {error}", self.name);
        }
        let _ = conn.close().await;
    }
}
