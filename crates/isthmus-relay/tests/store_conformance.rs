//! The store conformance suite (`isthmus_relay::store::conformance`) on every store, and what
//! only the stores on disk must do: keep everything across a reopen.

use isthmus_relay::store::conformance::{self, account, addr, device, name, net, report};
use isthmus_relay::store::{Access, RelayStore, SqlStore};

isthmus_relay::relay_store_conformance!(memory, conformance::memory);
isthmus_relay::relay_store_conformance!(sqlite, conformance::sqlite);
isthmus_relay::relay_store_conformance!(postgres, conformance::postgres);

/// Writes one of everything the relay must not forget.
async fn write_everything(store: &dyn RelayStore) {
    store.create_account(account("alice", 1, 0)).await.expect("registers");
    store.enqueue(&device("alice"), &[1; 16], b"kept", 10).await.expect("enqueued");
    store.remember_nonce(&net("meadow.example"), "abcd", u64::MAX).await.expect("stored");
    store.block(&name("alice"), &addr("mallory@harbor.example"), 10).await.expect("blocked");
    store.add_report(report("aa", 1)).await.expect("stored");
}

/// Checks what `write_everything` wrote, through a store opened anew.
async fn everything_is_still_there(store: &dyn RelayStore) {
    assert!(store.account(&name("alice")).await.expect("read").is_some(), "accounts survive a restart");
    assert_eq!(store.queue_len(&device("alice")).await.expect("len"), 1, "queues survive a restart");
    let seq = store.enqueue(&device("alice"), &[2; 16], b"later", 10).await.expect("enqueued");
    let queued = store.queued(&device("alice"), None, 10).await.expect("read");
    assert_eq!(queued.last().map(|entry| entry.seq), Some(seq), "sequence numbers keep growing after a restart");
    assert_eq!(queued[0].envelope, b"kept");
    assert!(
        !store.remember_nonce(&net("meadow.example"), "abcd", u64::MAX).await.expect("read"),
        "a restart must not reopen the replay window"
    );
    assert_eq!(store.prune_nonces(u64::MAX - 1).await.expect("prune"), 0, "a nonce kept forever stays");
    assert!(
        store.is_blocked(&name("alice"), &addr("mallory@harbor.example")).await.expect("read"),
        "blocks survive a restart"
    );
    assert_eq!(store.reports(10).await.expect("read").len(), 1, "reports survive a restart");
}

#[tokio::test]
async fn sqlite_keeps_everything_across_reopen() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("relay.sqlite3");
    let store = SqlStore::open_sqlite(&path, Access::ReadWrite).await.expect("SQLite opens");
    write_everything(&store).await;
    store.close().await;
    let store = SqlStore::open_sqlite(&path, Access::ReadWrite).await.expect("SQLite reopens");
    everything_is_still_there(&store).await;
}

#[tokio::test]
async fn postgres_keeps_everything_across_reopen() {
    let Some(schema) = conformance::postgres_schema().await else { return };
    let store = SqlStore::open_postgres(&schema.url, Access::ReadWrite).await.expect("PostgreSQL opens");
    write_everything(&store).await;
    store.close().await;
    let store = SqlStore::open_postgres(&schema.url, Access::ReadWrite).await.expect("PostgreSQL reopens");
    everything_is_still_there(&store).await;
    store.close().await;
    schema.drop_schema().await;
}

#[tokio::test]
async fn a_read_only_store_reads_beside_a_writer_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("relay.sqlite3");
    let writer = SqlStore::open_sqlite(&path, Access::ReadWrite).await.expect("SQLite opens");
    writer.add_report(report("aa", 1)).await.expect("stored");
    let reader = SqlStore::open_sqlite(&path, Access::ReadOnly).await.expect("a reader opens beside the writer");
    assert_eq!(reader.reports(10).await.expect("read").len(), 1, "it sees what the writer committed");
    writer.add_report(report("bb", 2)).await.expect("the writer goes on while the reader is open");
    assert_eq!(reader.reports(10).await.expect("read").len(), 2, "and sees later commits too");
    assert!(reader.add_report(report("cc", 3)).await.is_err(), "a read-only store refuses writes");
}

#[tokio::test]
async fn a_read_only_store_reads_a_database_whose_relay_has_stopped() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("relay.sqlite3");
    let writer = SqlStore::open_sqlite(&path, Access::ReadWrite).await.expect("SQLite opens");
    writer.add_report(report("aa", 1)).await.expect("stored");
    // A clean stop folds the write-ahead log into the file and deletes it.
    writer.close().await;
    let reader = SqlStore::open_sqlite(&path, Access::ReadOnly).await.expect("a reader opens");
    assert_eq!(reader.reports(10).await.expect("read").len(), 1, "the report is read from the file alone");
}
