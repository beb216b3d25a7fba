//! One suite for every media store: the filesystem store (the default with a data folder), the
//! store all nodes of a network share (an object store with its records in PostgreSQL: on a
//! folder, and on a real S3-compatible server) and the in-memory one must behave alike, so tests
//! on in-memory relays say something about real ones.

use std::sync::Arc;

use futures_util::StreamExt as _;
use isthmus_proto::UserName;
use isthmus_relay::media::{Expiry, FsMediaStore, MediaId, MediaStore, MemoryMediaStore, SharedMediaStore};
use isthmus_relay::store::conformance::databases::{postgres_schema, PostgresSchema};
use isthmus_relay::store::{Access, SqlStore};

fn name(text: &str) -> UserName {
    UserName::parse(text).expect("test names are valid")
}

/// Nothing has expired.
const FOREVER: Expiry = Expiry { cutoff_ms: 0 };

async fn read_all(store: &dyn MediaStore, id: MediaId, expiry: Expiry) -> Option<Vec<u8>> {
    let content = store.open(id, expiry).await.expect("opening works")?;
    let mut bytes = Vec::new();
    let mut stream = content.bytes;
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.expect("reading works"));
    }
    assert_eq!(bytes.len() as u64, content.size, "the announced size must match what is read");
    Some(bytes)
}

async fn store_medium(store: &dyn MediaStore, owner: &str, bytes: &[u8], created_at_ms: u64) -> MediaId {
    let id = MediaId::random();
    let mut upload = store.begin(id, &name(owner), created_at_ms).await.expect("an upload begins");
    for chunk in bytes.chunks(7919) {
        upload.write(chunk).await.expect("writing works");
    }
    let record = upload.commit().await.expect("committing works");
    assert_eq!(record.size, bytes.len() as u64, "the record counts what was written");
    id
}

fn sample(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

async fn conformance(store: Arc<dyn MediaStore>) {
    let store = store.as_ref();
    let bytes = sample(300_001);
    let id = store_medium(store, "alice", &bytes, 1_000).await;
    assert_eq!(read_all(store, id, FOREVER).await, Some(bytes.clone()), "what was written is read back, byte for byte");
    let record = store.record(id, FOREVER).await.expect("works").expect("the medium exists");
    assert_eq!((record.size, record.created_at_ms), (300_001, 1_000));

    assert!(read_all(store, MediaId::random(), FOREVER).await.is_none(), "an id never stored is not found");

    let id_dropped = MediaId::random();
    let mut dropped = store.begin(id_dropped, &name("alice"), 1_000).await.expect("begins");
    dropped.write(b"half an upload").await.expect("writes");
    drop(dropped);
    assert!(store.record(id_dropped, FOREVER).await.expect("works").is_none(), "an uncommitted upload does not exist");

    let second = store_medium(store, "alice", &sample(10), 2_000).await;
    store_medium(store, "bob", &sample(5), 2_000).await;
    assert_eq!(
        store.usage(&name("alice"), FOREVER).await.expect("works"),
        usage(300_011, 2),
        "usage adds up one owner's media"
    );
    assert_eq!(store.usage(&name("bob"), FOREVER).await.expect("works"), usage(5, 1), "and only that owner's");
    assert_eq!(
        store.usage(&name("carol"), FOREVER).await.expect("works"),
        usage(0, 0),
        "an owner with nothing uses nothing"
    );

    // Media created at or before the cutoff has expired, swept or not.
    let expiry = Expiry { cutoff_ms: 1_000 };
    assert!(store.record(id, expiry).await.expect("works").is_none(), "an expired medium has no record");
    assert!(read_all(store, id, expiry).await.is_none(), "an expired medium cannot be read before the sweep");
    assert!(store.record(second, expiry).await.expect("works").is_some(), "a newer medium is still there");
    assert_eq!(
        store.usage(&name("alice"), expiry).await.expect("works"),
        usage(10, 1),
        "expired media frees its quota"
    );

    assert_eq!(store.delete_expired(expiry).await.expect("works"), 1, "the sweep deletes exactly the expired medium");
    assert!(store.record(id, FOREVER).await.expect("works").is_none(), "a swept medium is gone for good");
    assert_eq!(store.delete_expired(expiry).await.expect("works"), 0, "a second sweep finds nothing");
    assert_eq!(read_all(store, second, FOREVER).await, Some(sample(10)), "the sweep left the live medium whole");
}

#[tokio::test]
async fn the_memory_store_conforms() {
    conformance(Arc::new(MemoryMediaStore::new())).await;
}

#[tokio::test]
async fn the_filesystem_store_conforms() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    conformance(Arc::new(FsMediaStore::open(dir.path()).await.expect("opens"))).await;
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the folder exists")
        .map(|entry| entry.expect("readable").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn the_filesystem_store_keeps_media_across_reopening_and_cleans_up_after_a_crash() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let store = FsMediaStore::open(dir.path()).await.expect("opens");
    let id = store_medium(&store, "alice", &sample(1234), 5_000).await;
    let mut unfinished = store.begin(MediaId::random(), &name("alice"), 5_000).await.expect("begins");
    unfinished.write(b"cut short by a crash").await.expect("writes");
    // A crash: the upload is never committed, and its drop never runs.
    std::mem::forget(unfinished);
    drop(store);
    // A crash between the two renames of a commit leaves ciphertext without a record.
    let orphan = MediaId::random().to_string();
    std::fs::write(dir.path().join(&orphan), b"never committed").expect("writes");

    let store = FsMediaStore::open(dir.path()).await.expect("reopens");
    assert_eq!(read_all(&store, id, FOREVER).await, Some(sample(1234)), "a committed medium survives reopening");
    assert_eq!(store.usage(&name("alice"), FOREVER).await.expect("works"), usage(1234, 1), "so does its owner's usage");
    assert!(files_in(&dir.path().join("tmp")).is_empty(), "an interrupted upload's partial file is deleted on open");
    assert!(!dir.path().join(&orphan).exists(), "ciphertext without a record never existed, so it is deleted");

    let mut dropped = store.begin(MediaId::random(), &name("alice"), 5_000).await.expect("begins");
    dropped.write(b"refused midway").await.expect("writes");
    drop(dropped);
    assert!(files_in(&dir.path().join("tmp")).is_empty(), "a dropped upload leaves no partial file");
    let names = files_in(dir.path());
    assert!(names.iter().all(|name| !name.contains("alice")), "no file name or record names the owner: {names:?}");
    for name in names.iter().filter(|name| name.ends_with(".json")) {
        let record = std::fs::read_to_string(dir.path().join(name)).expect("readable");
        assert!(!record.contains("alice"), "a record holds a keyed hash of the owner, not the name");
    }
}

/// Bytes and media, as the quota counts them.
fn usage(bytes: u64, objects: u64) -> isthmus_relay::media::Usage {
    isthmus_relay::media::Usage { bytes, objects }
}

/// A fresh PostgreSQL schema with the relay's tables, for the shared store's records.
async fn records_schema() -> Option<PostgresSchema> {
    let schema = postgres_schema().await?;
    SqlStore::open_postgres(&schema.url, Access::ReadWrite).await.expect("PostgreSQL opens").close().await;
    Some(schema)
}

/// The test S3 server (`scripts/test` starts moto and sets `ISTHMUS_TEST_S3_ENDPOINT`): a URL
/// under a prefix of this test's own in its bucket, and the settings to reach it.
fn s3_place() -> Option<(String, Vec<(String, String)>)> {
    let Some(endpoint) = std::env::var("ISTHMUS_TEST_S3_ENDPOINT").ok().filter(|url| !url.is_empty()) else {
        assert!(
            std::env::var("ISTHMUS_REQUIRE_S3").map_or(true, |value| value != "1"),
            "ISTHMUS_REQUIRE_S3=1 but ISTHMUS_TEST_S3_ENDPOINT is not set (scripts/test starts a moto server)"
        );
        eprintln!("note: S3 media tests skipped: set ISTHMUS_TEST_S3_ENDPOINT to an S3-compatible server");
        return None;
    };
    let options = [
        ("aws_endpoint", endpoint.as_str()),
        ("aws_allow_http", "true"),
        ("aws_region", "us-east-1"),
        ("aws_access_key_id", "test"),
        ("aws_secret_access_key", "test"),
    ];
    let options = options.iter().map(|(key, value)| ((*key).to_owned(), (*value).to_owned())).collect();
    Some((format!("s3://isthmus-test/{:016x}", rand::random::<u64>()), options))
}

#[tokio::test]
async fn the_shared_store_conforms_on_a_folder() {
    let Some(schema) = records_schema().await else { return };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("file://{}", dir.path().join("shared").display());
    let store = SharedMediaStore::open_with(&url, Vec::new(), &schema.url).await.expect("opens");
    conformance(Arc::new(store)).await;
    schema.drop_schema().await;
}

#[tokio::test]
async fn the_shared_store_conforms_on_s3() {
    let Some((url, options)) = s3_place() else { return };
    let Some(schema) = records_schema().await else { return };
    let store = SharedMediaStore::open_with(&url, options, &schema.url).await.expect("opens");
    conformance(Arc::new(store)).await;
    schema.drop_schema().await;
}

#[tokio::test]
async fn two_nodes_on_s3_see_each_others_media_and_quota() {
    let Some((url, options)) = s3_place() else { return };
    let Some(schema) = records_schema().await else { return };
    let one = SharedMediaStore::open_with(&url, options.clone(), &schema.url).await.expect("node one");
    let two = SharedMediaStore::open_with(&url, options, &schema.url).await.expect("node two");
    let bytes = sample(6 * 1024 * 1024 + 17);
    let id = store_medium(&one, "alice", &bytes, 1_000).await;
    assert_eq!(read_all(&two, id, FOREVER).await, Some(bytes), "an upload through one node downloads through another");
    store_medium(&two, "alice", &sample(3), 1_000).await;
    assert_eq!(
        one.usage(&name("alice"), FOREVER).await.expect("works"),
        usage(6 * 1024 * 1024 + 20, 2),
        "the quota counts what every node took"
    );
    let mut dropped = two.begin(MediaId::random(), &name("alice"), 1_000).await.expect("begins");
    dropped.write(b"refused midway").await.expect("writes");
    drop(dropped);
    assert_eq!(one.usage(&name("alice"), FOREVER).await.expect("works").objects, 2, "a dropped upload does not exist");
    assert_eq!(two.delete_expired(Expiry { cutoff_ms: 1_000 }).await.expect("sweeps"), 2, "one sweep for the network");
    assert_eq!(
        one.delete_expired(Expiry { cutoff_ms: 1_000 }).await.expect("sweeps"),
        0,
        "and nothing left for the other"
    );
    schema.drop_schema().await;
}

#[tokio::test]
async fn shared_media_without_a_shared_database_is_refused_at_start() {
    let mut config = isthmus_relay::RelayConfig::new(isthmus_proto::NetworkName::parse("meadow.test").expect("valid"));
    config.media_url = Some("s3://isthmus-test/media".into());
    let refused = isthmus_relay::start(config).await.err().expect("a relay whose media records would be its own");
    assert!(refused.to_string().contains("database_url"), "the operator hears what is missing: {refused}");
}
