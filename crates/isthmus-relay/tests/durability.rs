//! What a relay acknowledged survives a restart, and a SIGKILL.

mod common;

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use common::*;
use isthmus_relay::RelayConfig;

fn sled_config(dir: &std::path::Path) -> RelayConfig {
    let mut config = RelayConfig::new(network("meadow.example"));
    config.data_dir = Some(dir.to_path_buf());
    config
}

#[tokio::test]
async fn a_restarted_relay_still_has_its_accounts_queue_and_key() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let relay = relay_with(sled_config(dir.path())).await;
    let public_key = relay.public_key();
    let alice = register(&relay, "alice").await;
    let bob = register(&relay, "bob").await;
    let mut socket = connect_idle(&alice).await;
    let envelope = envelope_to("bob@meadow.example", b"kept across restarts");
    let id = envelope.id.clone();
    assert_eq!(send_and_wait(&mut socket, 1, envelope).await.error_code, "", "the relay acknowledged the send");
    drop(socket);
    relay.shutdown().await;

    let relay = relay_with(sled_config(dir.path())).await;
    assert_eq!(relay.public_key(), public_key, "the relay key lives in the data folder, so agreements survive");
    let bob = Account { base_url: relay.url(), ..bob };
    let mut socket = bob.connect().await.expect("bob's secret still works after the restart");
    let pushed = expect_push(&mut socket).await;
    assert_eq!(pushed.id, id, "an acknowledged envelope is still queued after a restart");
    expect_queue_empty(&mut socket).await;
    relay.shutdown().await;
}

/// Starts the relay binary and returns it with its base URL, read from the line it prints.
fn spawn_relay(data_dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_isthmus-relay"))
        .args(["run", "--domain", "meadow.example", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("the relay prints its listening line");
    let rest = line.strip_prefix("isthmus-relay listening on ").expect("the documented line format");
    let mut fields = rest.split_whitespace();
    let url = fields.next().expect("the URL comes first").to_owned();
    assert_eq!(fields.next(), Some("network=meadow.example"), "the line names the network");
    assert!(fields.next().is_some_and(|field| field.starts_with("public_key=")), "and the public key");
    (child, url)
}

#[tokio::test]
async fn sigkill_loses_nothing_that_was_acknowledged() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (mut child, url) = spawn_relay(dir.path());
    let alice = register_at(&url, "alice").await.expect("registers");
    let bob = register_at(&url, "bob").await.expect("registers");
    let mut socket = connect_idle(&alice).await;
    let mut ids = Vec::new();
    for n in 0..5 {
        let envelope = envelope_to("bob@meadow.example", &[n; 32]);
        ids.push(envelope.id.clone());
        assert_eq!(send_and_wait(&mut socket, u64::from(n), envelope).await.error_code, "", "acknowledged");
    }
    child.kill().expect("SIGKILL: no shutdown, no final flush");
    child.wait().expect("the process is gone");

    let (mut child, url) = spawn_relay(dir.path());
    let bob = Account { base_url: url, ..bob };
    let mut socket = bob.connect().await.expect("bob connects to the restarted relay");
    for id in &ids {
        assert_eq!(&expect_push(&mut socket).await.id, id, "every acknowledged envelope survived, in order");
    }
    expect_queue_empty(&mut socket).await;
    child.kill().expect("stops");
    child.wait().expect("the process is gone");
}
