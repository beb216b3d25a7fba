//! The `isthmus-relay` binary as operators use it: `key`, and `run` from a configuration file.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

mod common;

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
    let (mut child, line) = spawn_run(&dir.path().join("relay.toml"));
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

/// Starts `run --config CONFIG` and returns the process with its first line (where it listens).
fn spawn_run(config: &std::path::Path) -> (std::process::Child, String) {
    let mut child = Command::new(BIN)
        .args(["run", "--config"])
        .arg(config)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line).expect("a line");
    (child, line)
}

fn write_config(dir: &std::path::Path, extra: &str) -> std::path::PathBuf {
    let path = dir.join("relay.toml");
    std::fs::write(
        &path,
        format!("domain = \"meadow.example\"\nlisten = \"127.0.0.1:0\"\ndata_dir = \"data\"\n{extra}"),
    )
    .expect("written");
    path
}

fn check_config(config: &std::path::Path) -> std::process::Output {
    Command::new(BIN).args(["check-config", "--config"]).arg(config).output().expect("runs")
}

#[test]
fn check_config_accepts_a_good_configuration_and_names_what_is_wrong_otherwise() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let good =
        check_config(&write_config(dir.path(), "trusted_proxies = [\"10.0.0.0/8\"]\n[limits]\nmax_queue_len = 50\n"));
    assert!(good.status.success(), "a good configuration passes: {}", String::from_utf8_lossy(&good.stderr));
    assert!(String::from_utf8_lossy(&good.stdout).starts_with("ok: network=meadow.example"));

    let cases = [
        ("[limits]\nno_such_limit = 1\n", "no_such_limit"),
        ("trusted_proxies = [\"proxy.example\"]\n", "proxy.example"),
        ("peers_file = \"missing-peers.toml\"\n", "missing-peers.toml"),
        ("tls_cert = \"cert.pem\"\n", "tls_key"),
        ("tls_cert = \"cert.pem\"\ntls_key = \"key.pem\"\n", "cert.pem"),
    ];
    for (extra, named) in cases {
        let output = check_config(&write_config(dir.path(), extra));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{extra:?} must be refused");
        assert!(stderr.contains(named), "the reason names {named:?}: {stderr}");
    }
    std::fs::write(dir.path().join("peers.toml"), "[[peer]]\ndomain = \"harbor.example\"\nurl = \"http://harbor.example\"\npublic_key = \"O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik=\"\n")
        .expect("written");
    let output = check_config(&write_config(dir.path(), "peers_file = \"peers.toml\"\n"));
    assert!(!output.status.success(), "a plain-http peer on another machine is refused");
    assert!(String::from_utf8_lossy(&output.stderr).contains("https"));
}

/// SIGTERM must end the relay within its shutdown grace even while clients hold sockets whose
/// writes are stuck (they never read), so that a supervisor's stop never hangs.
#[tokio::test]
async fn sigterm_ends_the_relay_within_the_grace_with_stuck_clients_connected() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = write_config(
        dir.path(),
        "[limits]\nshutdown_grace_ms = 1000\nwrite_timeout_ms = 600000\nfirst_contacts_per_sender_per_hour = 1000\nenvelopes_per_pending_request_per_hour = 100000\n\
         registration_rate = { burst = 1000, per_minute = 1000 }\n",
    );
    let (mut child, line) = spawn_run(&config);
    let url = line.split_whitespace().find(|word| word.starts_with("http://")).expect("the URL").to_owned();
    let address: std::net::SocketAddr = url.trim_start_matches("http://").parse().expect("an address");

    let sender = common::register_at(&url, "sender").await.expect("registered");
    let mut socket = common::connect_idle(&sender).await;
    let mut stuck = Vec::new();
    for index in 0..10 {
        let reader = common::register_at(&url, &format!("reader{index}")).await.expect("registered");
        let tcp = tokio::net::TcpSocket::new_v4().expect("a socket");
        tcp.set_recv_buffer_size(4096).expect("small buffer");
        let stream = tcp.connect(address).await.expect("connects");
        let mut request = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!(
            "ws://{address}/v1/ws"
        ))
        .expect("a request");
        request.headers_mut().insert(
            "authorization",
            tokio_tungstenite::tungstenite::http::HeaderValue::from_str(&reader.authorization()).expect("ascii"),
        );
        stuck.push(tokio_tungstenite::client_async(request, stream).await.expect("upgraded").0);
        for request_id in 0..40 {
            let envelope = common::envelope_to(&reader.address, &vec![1u8; 120 * 1024]);
            let result = common::send_and_wait(&mut socket, index * 100 + request_id + 1, envelope).await;
            assert_eq!(result.error_code, "");
        }
    }

    let pid = child.id().to_string();
    let started = std::time::Instant::now();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs").success());
    let exited = tokio::task::spawn_blocking(move || {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            if let Some(status) = child.try_wait().expect("waitable") {
                return Some(status);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        None
    })
    .await
    .expect("the waiter ends");
    let status = exited.expect("the relay must exit after SIGTERM even with stuck sockets");
    assert!(status.success(), "a SIGTERM stop is a clean exit: {status}");
    // The bound itself: the grace (1 s) and the fixed margin (5 s) with room for a slow machine.
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "it stopped within its bound");
    drop(stuck);
}
