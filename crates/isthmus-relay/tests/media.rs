//! Media: uploads streamed to disk, downloads from the own relay and, across networks, through
//! the receiver's own relay, which fetches from the origin without telling it who asked.

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use common::*;
use ed25519_dalek::SigningKey;
use isthmus_relay::federation::signature::{self, RequestLine};
use isthmus_relay::{Limits, Peer, RelayConfig, RunningRelay, DEFAULT_MAX_MEDIA_BYTES};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Harbor's key is fixed so that tests can sign requests as harbor.
const HARBOR_SEED: [u8; 32] = [23; 32];

/// Everything any relay in this test binary logs, at every level.
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Arc::new(Mutex::new(Vec::new()));
        let sink = logs.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || LogSink(sink.clone()))
            .init();
        logs
    })
    .clone()
}

struct LogSink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogSink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("the log buffer lock is never poisoned").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Bytes that look like ciphertext, and are not a multiple of any chunk size.
fn ciphertext(len: usize) -> Vec<u8> {
    let mut state = 0x9e37_79b9_u32;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect()
}

async fn upload(account: &Account, bytes: Vec<u8>) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/v1/media", account.base_url))
        .header("authorization", account.authorization())
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .expect("the relay answers")
}

/// Uploads and returns the id, insisting on `201 {"id","size"}`.
async fn upload_ok(account: &Account, bytes: &[u8]) -> String {
    let response = upload(account, bytes.to_vec()).await;
    assert_eq!(response.status(), 201, "an upload within the limits is stored");
    let body: serde_json::Value = response.json().await.expect("JSON");
    let id = body["id"].as_str().expect("an id").to_owned();
    assert!(
        id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "ids are 32 lowercase hex characters: {id}"
    );
    assert_eq!(body["size"], bytes.len(), "the relay reports the size it stored");
    id
}

async fn download(account: &Account, network: &str, id: &str) -> reqwest::Response {
    account.get(&format!("/v1/media/{network}/{id}")).await.expect("the relay answers")
}

async fn download_ok(account: &Account, network: &str, id: &str) -> Vec<u8> {
    let response = download(account, network, id).await;
    assert_eq!(response.status(), 200, "a stored medium is served");
    assert_eq!(response.headers()["content-type"], "application/octet-stream", "media is opaque ciphertext");
    let declared = response.content_length();
    let bytes = response.bytes().await.expect("the body arrives").to_vec();
    assert_eq!(declared, Some(bytes.len() as u64), "Content-Length announces the size, so clients can show progress");
    bytes
}

fn data_dir_config(domain: &str, dir: &Path) -> RelayConfig {
    let mut config = RelayConfig::new(network(domain));
    config.data_dir = Some(dir.to_path_buf());
    config
}

/// Meadow hosts media; harbor's users fetch it through harbor.
async fn peered_pair(meadow_config: RelayConfig) -> (RunningRelay, RunningRelay) {
    let meadow = relay_with(meadow_config).await;
    let mut harbor_config = RelayConfig::new(network("harbor.example"));
    harbor_config.signing_key = Some(HARBOR_SEED);
    let harbor = relay_with(harbor_config).await;
    meadow.set_peers(vec![harbor.as_peer()]);
    harbor.set_peers(vec![meadow.as_peer()]);
    (meadow, harbor)
}

/// Names of the media files (ciphertext and records) in a data folder, and of partial uploads.
fn media_files(data_dir: &Path) -> (Vec<String>, Vec<String>) {
    let names = |dir: &Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries.map(|entry| entry.expect("readable").file_name().to_string_lossy().into_owned()).collect()
            })
            .unwrap_or_default()
    };
    let media = data_dir.join("media");
    let stored = names(&media).into_iter().filter(|name| name != "tmp" && name != "owner.salt").collect();
    (stored, names(&media.join("tmp")))
}

/// Waits (patiently, not timed) until `done` holds; false if it never did.
async fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while tokio::time::Instant::now() < deadline {
        if done() {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    false
}

/// Sends `head` (an HTTP/1.1 request head) and `body` on a raw socket, optionally half-closes,
/// and returns what the relay answered (empty if it closed without an answer).
async fn raw_exchange(relay: &RunningRelay, head: String, body: &[u8]) -> String {
    let mut socket = tokio::net::TcpStream::connect(relay.local_addr()).await.expect("connects");
    socket.write_all(head.as_bytes()).await.expect("the head is sent");
    socket.write_all(body).await.expect("the body is sent");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(PATIENCE, socket.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn an_upload_downloads_byte_exact_from_the_own_relay() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    let bytes = ciphertext(3 * 1024 * 1024 + 17);
    let id = upload_ok(&alice, &bytes).await;
    assert_eq!(download_ok(&bob, "meadow.example", &id).await, bytes, "the receiver gets exactly what was uploaded");
    assert_ne!(upload_ok(&alice, &bytes).await, id, "ids are random: the same bytes twice are two media");

    let missing = error_body(download(&bob, "meadow.example", &"0".repeat(32)).await).await;
    assert_eq!((missing.0, missing.1["code"].as_str()), (404, Some("not_found")), "an id never stored is not_found");
    let malformed = error_body(download(&bob, "meadow.example", "../../db").await).await;
    assert_eq!(malformed.0, 400, "an id that is not 32 hex characters is refused before any look-up");
    let unknown = error_body(download(&bob, "nowhere.example", &id).await).await;
    assert_eq!(unknown.1["code"], "network_not_peered", "media of a network without an agreement cannot be fetched");

    let anonymous = reqwest::Client::new().post(format!("{}/v1/media", relay.url())).body(bytes.clone()).send().await;
    assert_eq!(anonymous.expect("answers").status(), 401, "only the network's own users may upload");
    let anonymous = reqwest::Client::new().get(format!("{}/v1/media/meadow.example/{id}", relay.url())).send().await;
    assert_eq!(anonymous.expect("answers").status(), 401, "only the network's own users may download");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_receiver_on_another_network_downloads_through_its_own_relay_and_the_origin_never_learns_who() {
    let logs = captured_logs();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (meadow, harbor) = peered_pair(data_dir_config("meadow.example", dir.path())).await;
    let alice = register(&meadow, "alice").await;
    // A name that appears nowhere else, so any trace of it is a leak.
    let receiver = register(&harbor, "zyxreceiver").await;
    let bytes = ciphertext(2 * 1024 * 1024 + 5);
    let id = upload_ok(&alice, &bytes).await;

    let fetched = download_ok(&receiver, "meadow.example", &id).await;
    assert_eq!(fetched, bytes, "the proxied download is byte-exact: the receiver's client checks a digest over it");
    let missing = error_body(download(&receiver, "meadow.example", &"1".repeat(32)).await).await;
    assert_eq!(
        (missing.0, missing.1["code"].as_str()),
        (404, Some("not_found")),
        "the origin's not_found passes through"
    );

    meadow.shutdown().await;
    harbor.shutdown().await;
    for entry in walk(dir.path()) {
        let content = std::fs::read(&entry).expect("readable");
        assert!(
            !contains(&content, b"zyxreceiver") && !entry.to_string_lossy().contains("zyxreceiver"),
            "the origin's records must not hold the receiver's name, found in {}",
            entry.display()
        );
    }
    let logs = logs.lock().expect("the log buffer lock is never poisoned").clone();
    assert!(
        contains(&logs, b"medium served to a peered relay"),
        "the capture holds the origin's debug lines about the fetch, so a clean scan means something"
    );
    assert!(!contains(&logs, b"zyxreceiver"), "no relay logs the receiver's name");
    assert!(!contains(&logs, id.as_bytes()), "no relay logs a whole medium id (a capability to fetch it)");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable") {
        let path = entry.expect("readable").path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// A `GET /federation/v1/media/{id}` to `relay`, signed as `origin` with `key` (or unsigned).
async fn federation_get(
    relay: &RunningRelay,
    id: &str,
    origin: &str,
    key: Option<&SigningKey>,
    nonce: &str,
) -> reqwest::Response {
    let path = format!("/federation/v1/media/{id}");
    let mut request = reqwest::Client::new().get(format!("{}{path}", relay.url()));
    if let Some(key) = key {
        let line = RequestLine {
            method: "GET",
            path: &path,
            origin,
            destination: relay.domain().as_str(),
            timestamp_ms: isthmus_relay::clock::now_ms(),
            nonce,
        };
        let headers = signature::sign(key, &line, b"");
        request = request
            .header(signature::HEADER_ORIGIN, headers.origin)
            .header(signature::HEADER_TIMESTAMP, headers.timestamp_ms.to_string())
            .header(signature::HEADER_NONCE, headers.nonce)
            .header(signature::HEADER_SIGNATURE, headers.signature);
    }
    request.send().await.expect("the relay answers")
}

#[tokio::test]
async fn the_origin_serves_media_only_to_signed_requests_from_peers() {
    let (meadow, _harbor) = peered_pair(RelayConfig::new(network("meadow.example"))).await;
    let alice = register(&meadow, "alice").await;
    let bytes = ciphertext(1000);
    let id = upload_ok(&alice, &bytes).await;
    let harbor_key = SigningKey::from_bytes(&HARBOR_SEED);

    let unsigned = error_body(federation_get(&meadow, &id, "harbor.example", None, "").await).await;
    assert_eq!((unsigned.0, unsigned.1["code"].as_str()), (403, Some("forbidden")), "an unsigned fetch is refused");
    let stranger_key = SigningKey::from_bytes(&[99; 32]);
    let stranger = federation_get(&meadow, &id, "stranger.example", Some(&stranger_key), &signature::new_nonce()).await;
    assert_eq!(stranger.status(), 403, "a relay without an agreement gets nothing, signed or not");
    let forged = federation_get(&meadow, &id, "harbor.example", Some(&stranger_key), &signature::new_nonce()).await;
    assert_eq!(forged.status(), 403, "claiming to be harbor needs harbor's key");

    let nonce = signature::new_nonce();
    let genuine = federation_get(&meadow, &id, "harbor.example", Some(&harbor_key), &nonce).await;
    assert_eq!(genuine.status(), 200, "a peer's signed fetch is served");
    assert_eq!(genuine.bytes().await.expect("body").to_vec(), bytes, "byte-exact");
    let replayed = federation_get(&meadow, &id, "harbor.example", Some(&harbor_key), &nonce).await;
    assert_eq!(replayed.status(), 403, "a replayed fetch is refused like any replayed federation request");

    let through_client = alice.get(&format!("/federation/v1/media/{id}")).await.expect("answers");
    assert_eq!(through_client.status(), 403, "a client's credentials are no signature: clients fetch via /v1/media");
    let not_found =
        federation_get(&meadow, &"2".repeat(32), "harbor.example", Some(&harbor_key), &signature::new_nonce()).await;
    assert_eq!(error_body(not_found).await.1["code"], "not_found", "a peer asking for a missing medium gets not_found");
}

#[tokio::test]
async fn a_dead_peer_is_peer_unavailable() {
    let relay = memory_relay("harbor.example").await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("binds").local_addr().expect("address").port();
    relay.set_peers(vec![Peer::new(
        network("meadow.example"),
        format!("http://127.0.0.1:{port}"),
        SigningKey::from_bytes(&[3; 32]).verifying_key().to_bytes(),
    )]);
    let bob = register(&relay, "bob").await;
    let (status, body) = error_body(download(&bob, "meadow.example", &"3".repeat(32)).await).await;
    assert_eq!((status, body["code"].as_str()), (502, Some("peer_unavailable")), "nobody answers on that port");
    relay.shutdown().await;
}

#[tokio::test]
async fn an_oversized_upload_is_refused_before_its_body_is_read_and_nothing_is_kept() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let relay = relay_with(data_dir_config("meadow.example", dir.path())).await;
    let alice = register(&relay, "alice").await;
    let head = format!(
        "POST /v1/media HTTP/1.1\r\nhost: relay\r\nauthorization: {}\r\ncontent-type: application/octet-stream\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n",
        alice.authorization(),
        DEFAULT_MAX_MEDIA_BYTES + 1
    );
    // Not one byte of the body is sent: an answer proves the relay decided on the header alone.
    let answer = raw_exchange(&relay, head, b"").await;
    assert!(answer.starts_with("HTTP/1.1 413"), "one byte over the default limit is too_large: {answer}");
    assert!(answer.contains("too_large"), "with the closed code: {answer}");
    assert_eq!(media_files(dir.path()), (vec![], vec![]), "a refused upload stores nothing");
    relay.shutdown().await;
}

#[tokio::test]
async fn an_upload_without_content_length_is_refused() {
    let relay = memory_relay("meadow.example").await;
    let alice = register(&relay, "alice").await;
    let chunks = futures_util::stream::iter(vec![Ok::<_, std::io::Error>(vec![1u8; 100])]);
    let response = reqwest::Client::new()
        .post(format!("{}/v1/media", relay.url()))
        .header("authorization", alice.authorization())
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .expect("answers");
    let (status, body) = error_body(response).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")), "the size must be known before reading");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_truncated_upload_leaves_nothing_behind() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut config = data_dir_config("meadow.example", dir.path());
    config.limits = Limits { media_quota_bytes: 100_000, ..Limits::default() };
    let relay = relay_with(config).await;
    let alice = register(&relay, "alice").await;
    let mut socket = tokio::net::TcpStream::connect(relay.local_addr()).await.expect("connects");
    let head = format!(
        "POST /v1/media HTTP/1.1\r\nhost: relay\r\nauthorization: {}\r\ncontent-length: 100000\r\n\r\n",
        alice.authorization()
    );
    socket.write_all(head.as_bytes()).await.expect("sent");
    socket.write_all(&ciphertext(50_000)).await.expect("sent");
    let tmp = dir.path().join("media").join("tmp");
    assert!(
        eventually(|| !media_files(dir.path()).1.is_empty()).await,
        "the upload is being written (so the check below is not vacuous)"
    );
    drop(socket);
    assert!(
        eventually(|| media_files(dir.path()) == (vec![], vec![])).await,
        "a body that ended early leaves no partial file and no medium: {:?} in {}",
        media_files(dir.path()),
        tmp.display()
    );
    let id = upload_ok(&alice, &ciphertext(100_000)).await;
    assert_eq!(id.len(), 32, "the broken upload took nothing from the quota: a full-quota upload still fits");
    relay.shutdown().await;
}

#[tokio::test]
async fn uploads_past_the_quota_are_quota_exceeded() {
    let mut config = RelayConfig::new(network("meadow.example"));
    config.limits = Limits { media_quota_bytes: 10_000, ..Limits::default() };
    let relay = relay_with(config).await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    upload_ok(&alice, &ciphertext(6_000)).await;
    let (status, body) = error_body(upload(&alice, ciphertext(5_000)).await).await;
    assert_eq!((status, body["code"].as_str()), (507, Some("quota_exceeded")), "6000 + 5000 is over 10000");
    upload_ok(&alice, &ciphertext(4_000)).await;
    upload_ok(&bob, &ciphertext(6_000)).await;
    let (status, _) = error_body(upload(&alice, ciphertext(1)).await).await;
    assert_eq!(status, 507, "a full quota takes not one byte more; bob's upload did not count against alice");
    relay.shutdown().await;
}

#[tokio::test]
async fn tiny_uploads_are_counted_as_media_too_so_they_cannot_exhaust_the_disk() {
    let mut config = RelayConfig::new(network("meadow.example"));
    config.limits = Limits { media_quota_objects: 5, ..Limits::default() };
    let relay = relay_with(config).await;
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    for _ in 0..5 {
        upload_ok(&alice, &ciphertext(1)).await;
    }
    let (status, body) = error_body(upload(&alice, ciphertext(1)).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (507, Some("quota_exceeded")),
        "five one-byte media fill a quota of five"
    );
    upload_ok(&bob, &ciphertext(1)).await;
    relay.shutdown().await;
}

#[tokio::test]
async fn expired_media_is_not_found_at_once_and_the_sweeper_deletes_it() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut config = data_dir_config("meadow.example", dir.path());
    config.limits = Limits { media_retention_days: 0, media_sweep_interval_secs: 1, ..Limits::default() };
    let relay = relay_with(config).await;
    let alice = register(&relay, "alice").await;
    let id = upload_ok(&alice, &ciphertext(5_000)).await;
    let (status, body) = error_body(download(&alice, "meadow.example", &id).await).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")), "with no retention, media expires at once");
    assert!(
        eventually(|| media_files(dir.path()).0.is_empty()).await,
        "the sweeper deletes the expired ciphertext and its record: {:?}",
        media_files(dir.path())
    );
    relay.shutdown().await;
}

#[tokio::test]
async fn media_and_its_quota_survive_a_restart() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = || {
        let mut config = data_dir_config("meadow.example", dir.path());
        config.limits = Limits { media_quota_bytes: 10_000, ..Limits::default() };
        config
    };
    let relay = relay_with(config()).await;
    let alice = register(&relay, "alice").await;
    let bytes = ciphertext(9_000);
    let id = upload_ok(&alice, &bytes).await;
    relay.shutdown().await;

    let relay = relay_with(config()).await;
    let alice = Account { base_url: relay.url(), ..alice };
    assert_eq!(download_ok(&alice, "meadow.example", &id).await, bytes, "an acknowledged upload survives a restart");
    let (status, _) = error_body(upload(&alice, ciphertext(2_000)).await).await;
    assert_eq!(status, 507, "the records survive too, so the quota still counts the first upload");
    relay.shutdown().await;
}

#[tokio::test]
async fn a_proxy_refuses_a_medium_over_its_own_limit() {
    let (meadow, harbor) = peered_pair(RelayConfig::new(network("meadow.example"))).await;
    let mut small_config = RelayConfig::new(network("harbor.example"));
    small_config.signing_key = Some(HARBOR_SEED);
    small_config.limits = Limits { max_media_bytes: 1_000, ..Limits::default() };
    harbor.shutdown().await;
    let harbor = relay_with(small_config).await;
    meadow.set_peers(vec![harbor.as_peer()]);
    harbor.set_peers(vec![meadow.as_peer()]);
    let alice = register(&meadow, "alice").await;
    let bob = register(&harbor, "bob").await;
    let id = upload_ok(&alice, &ciphertext(2_000)).await;
    let (status, body) = error_body(download(&bob, "meadow.example", &id).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (502, Some("peer_unavailable")),
        "a proxy passes on no more than its own max_media_bytes, whatever the origin offers"
    );
    assert_eq!(download_ok(&alice, "meadow.example", &id).await.len(), 2_000, "the origin itself still serves it");
}
