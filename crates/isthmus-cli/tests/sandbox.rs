//! The sandbox as a tester meets it: start it, join with the CLI, write to a demo person on
//! the other network, and get an answer.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

const CLI: &str = env!("CARGO_BIN_EXE_isthmus-cli");

struct Sandbox(std::process::Child);

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn cli(profile: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(CLI)
        .arg("--profile")
        .arg(profile)
        .arg("--json")
        .args(args)
        .env("ISTHMUS_PASSPHRASE", "sandbox")
        .output()
        .expect("the CLI runs")
}

#[test]
fn a_tester_joins_the_sandbox_and_a_demo_person_on_the_other_network_answers() {
    let mut child = Command::new(CLI)
        .args([
            "--json",
            "sandbox",
            "--meadow-listen",
            "127.0.0.1:0",
            "--harbor-listen",
            "127.0.0.1:0",
            "--seconds",
            "300",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the sandbox starts");
    let stdout = child.stdout.take().expect("stdout");
    let sandbox = Sandbox(child);
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("the sandbox prints its summary");
    let summary: serde_json::Value = serde_json::from_str(&line).expect("the summary is JSON");
    let meadow = summary["networks"][0]["relay"].as_str().expect("meadow's relay URL").to_owned();
    let people: Vec<&str> =
        summary["people"].as_array().expect("people").iter().filter_map(|p| p["address"].as_str()).collect();
    assert!(people.contains(&"juniper@harbor.test"), "the summary names the demo people: {summary}");

    let dir = tempfile::tempdir().expect("temp dir");
    let me = dir.path().join("me");
    let ok = |output: std::process::Output| {
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        output
    };
    ok(cli(&me, &["profile", "create", "--kdf-memory-kib", "1024"]));
    ok(cli(&me, &["account", "add", "--relay", &meadow, "--name", "tester"]));
    ok(cli(
        &me,
        &[
            "interop",
            "enable",
            "--account",
            "tester@meadow.test",
            "--network",
            "harbor.test",
            "--accept-disclosure",
            isthmus_core::DISCLOSURE_VERSION,
        ],
    ));
    ok(cli(&me, &["contact", "confirm", "--account", "tester@meadow.test", "--peer", "juniper@harbor.test"]));
    ok(cli(&me, &["send", "--from", "tester@meadow.test", "--to", "juniper@harbor.test", "hello juniper"]));

    let mut answered = false;
    for _ in 0..30 {
        let listened = ok(cli(&me, &["listen", "--until-drained", "--seconds", "10"]));
        let text = String::from_utf8_lossy(&listened.stdout).into_owned();
        if text.contains("juniper here. You said: \\\"hello juniper\\\"") {
            answered = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    assert!(answered, "juniper, on the other network, answers the tester");
    drop(sandbox);
}
