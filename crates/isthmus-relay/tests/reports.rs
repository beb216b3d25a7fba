//! Reports: filed over HTTP, kept on the reporter's relay only, read by operators with
//! `isthmus-relay reports`, also while the relay runs.

mod common;

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use common::*;
use isthmus_relay::{Limits, RelayConfig, RunningRelay};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_isthmus-relay");

async fn disk_relay(domain: &str, dir: &Path) -> RunningRelay {
    let mut config = RelayConfig::new(network(domain));
    config.data_dir = Some(dir.to_path_buf());
    config.limits = Limits { max_report_messages: 3, ..Limits::default() };
    relay_with(config).await
}

/// `isthmus-relay reports` with `store` (`--data-dir DIR` or `--database-url URL`).
fn list_reports_of(store: &[&OsStr], json: bool) -> String {
    let mut command = Command::new(BIN);
    command.arg("reports").args(store);
    if json {
        command.arg("--json");
    }
    let output = command.output().expect("the binary runs");
    assert!(output.status.success(), "listing reports succeeds: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

fn list_reports(dir: &Path, json: bool) -> String {
    list_reports_of(&["--data-dir".as_ref(), dir.as_os_str()], json)
}

async fn file_report(account: &Account, note: &str) {
    let report = json!({"address": "mallory@harbor.example", "reason": "spam", "note": note});
    assert_eq!(account.post("/v1/reports", &report).await.expect("request").status(), 201, "the report is stored");
}

/// Files reports through a running relay process and lists them with the admin command
/// between, never stopping the relay.
async fn list_beside(relay: &RelayProcess, store: &[&OsStr]) {
    let alice = register_at(&relay.url, "alice").await.expect("registers");
    file_report(&alice, "first").await;
    let listed: Vec<Value> = serde_json::from_str(&list_reports_of(store, true)).expect("a JSON array");
    assert_eq!(listed.len(), 1, "the report the running relay stored is listed");
    file_report(&alice, "second").await;
    let listed: Vec<Value> = serde_json::from_str(&list_reports_of(store, true)).expect("a JSON array");
    assert_eq!(
        listed.iter().map(|report| report["note"].as_str()).collect::<Vec<_>>(),
        vec![Some("second"), Some("first")],
        "a report filed after the first listing is seen by the next"
    );
    register_at(&relay.url, "bob").await.expect("the relay went on serving while its database was read");
}

#[tokio::test]
async fn reports_are_kept_on_the_reporters_relay_only_and_listed_newest_first() {
    let meadow_dir = tempfile::tempdir().expect("a temporary folder");
    let harbor_dir = tempfile::tempdir().expect("a temporary folder");
    let meadow = disk_relay("meadow.example", meadow_dir.path()).await;
    let harbor = disk_relay("harbor.example", harbor_dir.path()).await;
    meadow.set_peers(vec![harbor.as_peer()]);
    harbor.set_peers(vec![meadow.as_peer()]);
    let alice = register(&meadow, "alice").await;
    register(&harbor, "mallory").await;

    let first = json!({
        "address": "mallory@harbor.example",
        "reason": "fraud",
        "note": "asked for my bank details",
        "messages": [{"id": "00AAff", "sent_at": 1_700_000_000_000_u64, "body": "send me your IBAN"}],
    });
    let response = alice.post("/v1/reports", &first).await.expect("request");
    assert_eq!(response.status(), 201, "a report is created");
    let first_id = response.json::<Value>().await.expect("json")["id"].as_str().expect("an id").to_owned();
    assert_eq!(first_id.len(), 32, "ids are 16 random bytes in hex");
    let second = json!({"address": "mallory@harbor.example", "reason": "spam"});
    let second_id = alice.post("/v1/reports", &second).await.expect("request").json::<Value>().await.expect("json")
        ["id"]
        .as_str()
        .expect("an id")
        .to_owned();

    let too_many = json!({
        "address": "mallory@harbor.example",
        "reason": "spam",
        "messages": (0..4).map(|n| json!({"id": "ab", "sent_at": n, "body": "x"})).collect::<Vec<_>>(),
    });
    let (status, body) = error_body(alice.post("/v1/reports", &too_many).await.expect("request")).await;
    assert_eq!((status, body["code"].as_str()), (413, Some("too_large")), "more messages than the limit (3)");
    let long_note = json!({"address": "mallory@harbor.example", "reason": "other", "note": "x".repeat(2001)});
    let (status, body) = error_body(alice.post("/v1/reports", &long_note).await.expect("request")).await;
    assert_eq!((status, body["code"].as_str()), (413, Some("too_large")), "notes are at most 2000 characters");
    let bad_reason = json!({"address": "mallory@harbor.example", "reason": "boredom"});
    let (status, body) = error_body(alice.post("/v1/reports", &bad_reason).await.expect("request")).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")), "reasons are a closed set");
    let bad_id = json!({"address": "mallory@harbor.example", "reason": "spam",
                        "messages": [{"id": "not hex", "sent_at": 1, "body": "x"}]});
    let (status, _) = error_body(alice.post("/v1/reports", &bad_id).await.expect("request")).await;
    assert_eq!(status, 400, "message ids are hex");

    meadow.shutdown().await;
    harbor.shutdown().await;

    let listed: Vec<Value> = serde_json::from_str(&list_reports(meadow_dir.path(), true)).expect("a JSON array");
    assert_eq!(listed.len(), 2, "refused reports are not stored");
    assert_eq!(listed[0]["id"], second_id, "the newest report comes first");
    assert_eq!(listed[1]["id"], first_id);
    assert_eq!(listed[1]["reporter"], "alice@meadow.example", "the relay records who reported");
    assert_eq!(listed[1]["address"], "mallory@harbor.example");
    assert_eq!(listed[1]["reason"], "fraud");
    assert_eq!(listed[1]["messages"][0]["body"], "send me your IBAN", "the text alice chose to include is kept");
    assert_eq!(listed[1]["messages"][0]["id"], "00aaff", "message ids are kept in lower-case hex");
    let text = list_reports(meadow_dir.path(), false);
    assert!(text.contains(&first_id) && text.contains("send me your IBAN"), "the text form shows the same: {text}");

    let harbor_reports: Vec<Value> =
        serde_json::from_str(&list_reports(harbor_dir.path(), true)).expect("a JSON array");
    assert!(harbor_reports.is_empty(), "a report is never forwarded to the reported address's network");
    assert_eq!(list_reports(harbor_dir.path(), false).trim(), "no reports");
}

#[test]
fn listing_reports_needs_a_relay_database() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let output = Command::new(BIN).args(["reports", "--data-dir"]).arg(dir.path()).output().expect("runs");
    assert!(!output.status.success(), "a folder without a database has no reports to show");
    assert!(
        !dir.path().join(isthmus_relay::store::SQLITE_FILE).exists(),
        "and listing must not create an empty database there"
    );
}

#[tokio::test]
async fn reports_are_listed_while_the_relay_process_runs_on_sqlite() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data_dir = ["--data-dir".as_ref(), dir.path().as_os_str()];
    let relay = spawn_relay(&data_dir);
    list_beside(&relay, &data_dir).await;
}

#[tokio::test]
async fn reports_are_listed_while_the_relay_process_runs_on_postgres() {
    let Some(schema) = isthmus_relay::store::conformance::postgres_schema().await else { return };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let database = ["--database-url".as_ref(), OsStr::new(&schema.url)];
    let relay = spawn_relay(&[database[0], database[1], "--data-dir".as_ref(), dir.path().as_os_str()]);
    list_beside(&relay, &database).await;
    drop(relay);
    schema.drop_schema().await;
}
