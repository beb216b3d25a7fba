//! A relay before this one ran SQLite through sqlx's driver, whose migrator kept the schema's
//! versions in `_sqlx_migrations`. The relay now runs SQLite through rusqlite and keeps that
//! table the same way, so a data folder such a relay wrote opens as it is: nothing is migrated
//! again (only the migrations added since run), and the store reads and writes it. The fixture is the database that relay (commit
//! fc1d65f) created in an empty data folder, closed cleanly.

use isthmus_relay::store::conformance::{account, name};
use isthmus_relay::store::{Access, DeviceKey, RelayStore as _, SqlStore, SQLITE_FILE};

const MADE_BY_SQLX: &[u8] = include_bytes!("fixtures/relay-sqlx-0005.sqlite3");

fn applied_migrations(path: &std::path::Path) -> Vec<(i64, Vec<u8>)> {
    let conn = rusqlite::Connection::open(path).expect("opens");
    let mut statement = conn.prepare("SELECT version, checksum FROM _sqlx_migrations ORDER BY version").expect("reads");
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?))).expect("rows");
    rows.collect::<rusqlite::Result<_>>().expect("rows")
}

#[tokio::test]
async fn a_database_made_by_the_sqlx_relay_opens_as_it_is_and_keeps_working() {
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join(SQLITE_FILE);
    std::fs::write(&path, MADE_BY_SQLX).expect("the fixture is copied");
    let before = applied_migrations(&path);
    assert_eq!(before.len(), 5, "the fixture holds the five migrations the sqlx relay applied");

    // An admin command reads without upgrading anything, so it asks for the relay to run first:
    // the relay has added migrations since (0006, groups).
    assert!(
        matches!(
            SqlStore::open_sqlite(&path, Access::ReadOnly).await.err(),
            Some(isthmus_relay::store::StoreError::SchemaTooOld { found: 5, .. })
        ),
        "a read-only open leaves an older schema alone"
    );

    let store = SqlStore::open_sqlite(&path, Access::ReadWrite).await.expect("the relay opens it");
    store.create_account(account("alice", 2, 1)).await.expect("written");
    assert!(store.account(&name("alice")).await.expect("read").is_some());
    let bob = DeviceKey::new(name("bob"), 1);
    store.enqueue(&bob, &[1; 16], b"hello", 10).await.expect("queued");
    assert_eq!(store.queued(&bob, None, 10).await.expect("read").len(), 1);
    store.close().await;
    let after = applied_migrations(&path);
    assert_eq!(after[..before.len()], before, "nothing was migrated again, and the record is unchanged");
    assert_eq!(after.len(), 6, "only the migration added since (groups) ran");
    let reader = SqlStore::open_sqlite(&path, Access::ReadOnly).await.expect("now the schema is this relay's");
    reader.close().await;
}
