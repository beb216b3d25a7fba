//! The `isthmus-relay` binary as operators use it: `key`, and `run` from a configuration file.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_isthmus-relay");

#[test]
fn key_creates_the_key_once_and_prints_its_public_half() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let run = || {
        let output = Command::new(BIN).args(["key", "--data-dir"]).arg(dir.path()).output().expect("runs");
        assert!(output.status.success(), "the key command succeeds");
        String::from_utf8(output.stdout).expect("utf-8").trim().to_owned()
    };
    let first = run();
    let key = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &first).expect("base64");
    assert_eq!(key.len(), 32, "an Ed25519 public key, as peers files expect");
    assert_eq!(run(), first, "a second call must print the same key, not make a new one");
}

#[test]
fn run_reads_a_configuration_file_and_prints_its_listening_line() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let peer_key = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [0x11; 32]);
    std::fs::write(
        dir.path().join("peers.toml"),
        format!("[[peer]]\ndomain = \"harbor.example\"\nurl = \"http://127.0.0.1:9\"\npublic_key = \"{peer_key}\"\n"),
    )
    .expect("written");
    std::fs::write(
        dir.path().join("relay.toml"),
        "domain = \"meadow.example\"\nlisten = \"127.0.0.1:0\"\ndata_dir = \"data\"\npeers_file = \"peers.toml\"\n\
         [limits]\nmax_queue_len = 50\n",
    )
    .expect("written");
    let mut child = Command::new(BIN)
        .args(["run", "--config"])
        .arg(dir.path().join("relay.toml"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line).expect("a line");
    child.kill().expect("stops");
    child.wait().expect("gone");
    assert!(line.starts_with("isthmus-relay listening on http://127.0.0.1:"), "the documented line: {line}");
    assert!(line.contains(" network=meadow.example "), "the domain comes from the file: {line}");
    assert!(dir.path().join("data").join("relay.key").exists(), "data_dir is read relative to the configuration file");
}

#[test]
fn run_without_a_domain_or_data_folder_refuses_to_start() {
    let output = Command::new(BIN).args(["run", "--ephemeral"]).output().expect("runs");
    assert!(!output.status.success(), "a relay must know its network's name");
    let output = Command::new(BIN).args(["run", "--domain", "meadow.example"]).output().expect("runs");
    assert!(!output.status.success(), "without --data-dir or --ephemeral nothing would survive a restart");
}
