//! `isthmus-relay migrate-from-sled`: a data folder written by the sled relay (its own store
//! code, kept for this) is moved into the SQL store, and everything reads back through it.

mod common;

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};

use common::network;
use isthmus_relay::store::conformance::{account, addr, device, kyber, name, net, prekey, report};
use isthmus_relay::store::sled_legacy::{SledStore, DATABASE_DIR};
use isthmus_relay::store::{Access, DeviceKey, KeyUpdate, RelayStore, SqlStore, Standing, SQLITE_FILE};
use isthmus_relay::RelayConfig;

const BIN: &str = env!("CARGO_BIN_EXE_isthmus-relay");

/// What the old relay held, written through its own store.
async fn write_old_relay(data_dir: &Path) {
    let store = SledStore::open(&data_dir.join(DATABASE_DIR)).expect("sled opens");
    store.create_account(account("alice", 3, 2)).await.expect("registers");
    store.create_account(account("bob", 0, 0)).await.expect("registers");
    let upload = KeyUpdate { prekeys: vec![prekey(10)], kyber_prekeys: vec![kyber(10)], ..KeyUpdate::default() };
    store.update_keys(&name("bob"), upload, 100).await.expect("keys");
    store.take_bundle(&name("alice")).await.expect("fetch").expect("exists");
    store.set_interop(&name("alice"), BTreeSet::from([net("harbor.example")])).await.expect("interop");
    for n in 0u8..5 {
        store.enqueue(&device("alice"), &[n; 16], &[n, n], 100).await.expect("queued");
    }
    store.enqueue(&device("bob"), &[9; 16], b"for bob", 100).await.expect("queued");
    store.ack(&device("alice"), &[vec![1; 16]]).await.expect("acked");
    store.remember_nonce(&net("harbor.example"), "00ff", u64::MAX).await.expect("nonce");
    store.block(&name("alice"), &addr("mallory@harbor.example"), 10).await.expect("blocked");
    store.add_contact(&name("alice"), &addr("carol@harbor.example"), 10).await.expect("contact");
    store.add_request(&name("alice"), &addr("dave@meadow.example"), 1234).await.expect("request");
    store.add_correspondent(&name("bob"), &addr("erin@harbor.example")).await.expect("correspondent");
    store.add_report(report("aa", 100)).await.expect("report");
    store.add_report(report("bb", 200)).await.expect("report");
}

fn migrate(args: &[&OsStr]) -> Output {
    Command::new(BIN).arg("migrate-from-sled").args(args).output().expect("the binary runs")
}

/// Checks through the new store everything `write_old_relay` wrote.
async fn check_everything(store: &dyn RelayStore) {
    let alice = store.account(&name("alice")).await.expect("read").expect("alice came over");
    assert_eq!(alice, account("alice", 0, 0).record, "the account record, secret hash and keys included");
    let counts = store.prekey_counts(&name("alice")).await.expect("count");
    assert_eq!((counts.prekeys, counts.kyber_prekeys), (2, 1), "the keys the old relay had not handed out yet");
    let bundle = store.take_bundle(&name("alice")).await.expect("fetch").expect("exists");
    assert_eq!(bundle.prekey.map(|key| key.id), Some(2), "key 1 was handed out before: never again");
    assert_eq!(bundle.kyber_prekey.id, 2);
    let bob = store.prekey_counts(&name("bob")).await.expect("count");
    assert_eq!((bob.prekeys, bob.kyber_prekeys), (1, 1), "uploaded keys came over");
    assert_eq!(store.interop(&name("alice")).await.expect("read"), BTreeSet::from([net("harbor.example")]));
    assert!(store.interop(&name("bob")).await.expect("read").is_empty(), "no setting stays no setting");

    let queued = store.queued(&device("alice"), None, 100).await.expect("read");
    assert_eq!(
        queued.iter().map(|entry| entry.envelope[0]).collect::<Vec<_>>(),
        vec![0, 2, 3, 4],
        "the queue came over in its order, without what was acked"
    );
    assert_eq!(queued[1].id, vec![2; 16], "with the envelope ids");
    assert_eq!(store.queue_len(&device("alice")).await.expect("len"), 4, "and its length");
    assert_eq!(
        store.enqueue(&device("alice"), &[3; 16], &[3, 3], 100).await.expect("a retry"),
        queued[2].seq,
        "a sender retrying an envelope queued before the migration is told the same entry"
    );
    let later = store.enqueue(&device("alice"), &[7; 16], b"new", 100).await.expect("queued");
    assert!(later > queued[3].seq, "new envelopes queue after the old ones");
    assert_eq!(store.queue_len(&DeviceKey::new(name("bob"), 1)).await.expect("len"), 1, "queues stay per device");

    assert!(
        !store.remember_nonce(&net("harbor.example"), "00ff", u64::MAX).await.expect("read"),
        "a nonce seen before the migration is still a replay"
    );
    assert_eq!(store.blocks(&name("alice")).await.expect("read"), vec![addr("mallory@harbor.example")]);
    assert_eq!(store.standing(&name("alice"), &addr("carol@harbor.example")).await.expect("read"), Standing::Contact);
    assert_eq!(store.standing(&name("alice"), &addr("dave@meadow.example")).await.expect("read"), Standing::Requested);
    assert_eq!(store.request_count(&name("alice")).await.expect("count"), 1);
    assert!(store.is_correspondent(&name("bob"), &addr("erin@harbor.example")).await.expect("read"));
    assert_eq!(store.reports(10).await.expect("read"), vec![report("bb", 200), report("aa", 100)], "newest first");
}

#[tokio::test]
async fn a_sled_data_folder_moves_into_sqlite() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    write_old_relay(dir.path()).await;

    let mut config = RelayConfig::new(network("meadow.example"));
    config.data_dir = Some(dir.path().to_path_buf());
    let refused = isthmus_relay::start(config.clone()).await.err().expect("the relay refuses to start");
    assert!(
        refused.to_string().contains("migrate-from-sled"),
        "it says what to run rather than start empty, with every name free to take: {refused}"
    );
    assert!(!dir.path().join(SQLITE_FILE).exists(), "and it created no empty database");

    let output = migrate(&["--from".as_ref(), dir.path().as_os_str()]);
    assert!(output.status.success(), "the migration succeeds: {}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("\"accounts\": 2") && printed.contains("\"queued\": 5"), "it says what moved: {printed}");
    assert!(dir.path().join(DATABASE_DIR).join("conf").exists(), "the old database is left where it was");

    let again = migrate(&["--from".as_ref(), dir.path().as_os_str()]);
    assert!(!again.status.success(), "a second run must not add the data twice");

    let store = SqlStore::open_sqlite(&dir.path().join(SQLITE_FILE), Access::ReadWrite).await.expect("opens");
    check_everything(&store).await;
    store.close().await;

    let relay = isthmus_relay::start(config).await.expect("once migrated, the relay starts on SQLite");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_sled_data_folder_moves_into_postgres() {
    let Some(schema) = isthmus_relay::store::conformance::postgres_schema().await else { return };
    let dir = tempfile::tempdir().expect("a temporary folder");
    write_old_relay(dir.path()).await;
    let sled_folder = dir.path().join(DATABASE_DIR);
    let output = migrate(&["--from".as_ref(), sled_folder.as_os_str(), "--database-url".as_ref(), schema.url.as_ref()]);
    assert!(output.status.success(), "the migration succeeds: {}", String::from_utf8_lossy(&output.stderr));
    assert!(!dir.path().join(SQLITE_FILE).exists(), "nothing went to SQLite");
    let store = SqlStore::open_postgres(&schema.url, Access::ReadWrite).await.expect("opens");
    check_everything(&store).await;
    store.close().await;
    schema.drop_schema().await;
}

#[test]
fn a_folder_without_a_sled_database_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let output = migrate(&["--from".as_ref(), dir.path().as_os_str()]);
    assert!(!output.status.success(), "there is nothing to move");
    assert!(!dir.path().join(DATABASE_DIR).exists(), "and no sled database was created to move");
    assert!(!dir.path().join(SQLITE_FILE).exists(), "nor an SQLite one");
}
