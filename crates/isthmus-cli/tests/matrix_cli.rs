//! Matrix from the command line, as a tester drives it: two profiles in separate processes, each
//! with a Matrix account on the test command's homeserver (Synapse), sign in (off), the
//! disclosure, turn on, a stranger's chat as a request, accept, send, read, turn off.

use std::path::Path;
use std::process::{Command, Output};

const CLI: &str = env!("CARGO_BIN_EXE_isthmus-cli");

fn cli(profile: &Path, args: &[&str], password: &str) -> Output {
    Command::new(CLI)
        .arg("--profile")
        .arg(profile)
        .arg("--json")
        .args(args)
        .env("ISTHMUS_PASSPHRASE", "pass")
        .env("ISTHMUS_MATRIX_PASSWORD", password)
        .output()
        .expect("the CLI runs")
}

fn ok(output: Output) -> Vec<serde_json::Value> {
    assert!(output.status.success(), "command failed: {}\n{}", output.status, String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON: {line}: {e}")))
        .collect()
}

fn error_code(output: &Output) -> String {
    assert!(!output.status.success(), "expected a refusal");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line = stderr.lines().find(|line| line.starts_with('{')).unwrap_or_else(|| panic!("no JSON error: {stderr}"));
    let error: serde_json::Value = serde_json::from_str(line).expect("JSON error");
    error["error"]["code"].as_str().unwrap_or_default().to_owned()
}

/// Lets `profile`'s Matrix client sync (for a few seconds at a time) until `done` holds.
fn sync_until(profile: &Path, password: &str, what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..20 {
        ok(cli(profile, &["listen", "--seconds", "3"], password));
        if done() {
            return;
        }
    }
    panic!("never saw {what}");
}

#[test]
fn two_profiles_chat_over_matrix_from_the_command_line() {
    let (Ok(url), Ok(secret)) =
        (std::env::var("ISTHMUS_TEST_MATRIX_URL"), std::env::var("ISTHMUS_TEST_MATRIX_SHARED_SECRET"))
    else {
        assert!(std::env::var_os("ISTHMUS_REQUIRE_MATRIX").is_none(), "ISTHMUS_REQUIRE_MATRIX: no homeserver given");
        eprintln!("skipped: no Matrix homeserver (scripts/test starts one)");
        return;
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let register = |name: &str| {
        let username = format!("{name}{}", std::process::id() ^ rand_suffix());
        let password = format!("pw-{username}");
        let id = runtime
            .block_on(isthmus_matrix::shared_secret::register(&url, &secret, &username, &password))
            .expect("registered")
            .user_id;
        (id, password)
    };
    let (ulla_id, ulla_pw) = register("ulla");
    let (vic_id, vic_pw) = register("vic");
    let dir = tempfile::tempdir().expect("temp dir");
    let (ulla, vic) = (dir.path().join("ulla"), dir.path().join("vic"));
    for (profile, id, password) in [(&ulla, &ulla_id, &ulla_pw), (&vic, &vic_id, &vic_pw)] {
        ok(cli(profile, &["profile", "create", "--kdf-memory-kib", "1024"], password));
        let signed_in = ok(cli(profile, &["matrix", "sign-in", "--user", id, "--homeserver", &url], password));
        assert_eq!(signed_in[0]["enabled"], false, "signed in, and off");
        let disclosure = ok(cli(profile, &["matrix", "disclosure"], password));
        let version = disclosure[0]["version"].as_str().expect("a version").to_owned();
        let outdated = cli(profile, &["matrix", "enable", "--user", id, "--disclosure-version", "v0"], password);
        assert_eq!(error_code(&outdated), "disclosure_outdated");
        let on = ok(cli(profile, &["matrix", "enable", "--user", id, "--disclosure-version", &version], password));
        assert_eq!(on[0]["enabled"], true);
    }
    let address = |id: &str| {
        let (name, server) = id.trim_start_matches('@').split_once(':').expect("an id");
        format!("{name}@{server}")
    };
    let (ulla_at, vic_at) = (address(&ulla_id), address(&vic_id));

    // Ulla opens a chat; for vic, a stranger's invitation is a request.
    let opened = ok(cli(&ulla, &["matrix", "open", "--user", &ulla_id, "--peer", &vic_id], &ulla_pw));
    assert_eq!(opened[0]["matrix"]["encrypted"], true);
    let requests = || ok(cli(&vic, &["request", "list"], &vic_pw));
    sync_until(&vic, &vic_pw, "ulla's request", || {
        requests().iter().any(|r| r["peer"]["name"] == ulla_at.split('@').next().unwrap_or_default())
    });
    let early = cli(&vic, &["send", "--from", &vic_at, "--to", &ulla_at, "too early"], &vic_pw);
    assert_eq!(error_code(&early), "request_pending");
    ok(cli(&vic, &["request", "accept", "--account", &vic_at, "--peer", &ulla_at], &vic_pw));

    // Both write; each reads the other's message from their own profile.
    ok(cli(&ulla, &["send", "--from", &ulla_at, "--to", &vic_at, "plum-orchard-5150"], &ulla_pw));
    let messages = |profile: &Path, me: &str, peer: &str, password: &str| {
        ok(cli(profile, &["messages", "--account", me, "--peer", peer], password))
    };
    sync_until(&vic, &vic_pw, "ulla's message", || {
        messages(&vic, &vic_at, &ulla_at, &vic_pw).iter().any(|m| m["body"] == "plum-orchard-5150")
    });
    ok(cli(&vic, &["send", "--from", &vic_at, "--to", &ulla_at, "fig-harbour-5151"], &vic_pw));
    sync_until(&ulla, &ulla_pw, "vic's answer", || {
        messages(&ulla, &ulla_at, &vic_at, &ulla_pw).iter().any(|m| m["body"] == "fig-harbour-5151")
    });

    // Off: the chat is read-only and sending is refused with the code that says why.
    ok(cli(&ulla, &["matrix", "disable", "--user", &ulla_id], &ulla_pw));
    let refused = cli(&ulla, &["send", "--from", &ulla_at, "--to", &vic_at, "not sent"], &ulla_pw);
    assert_eq!(error_code(&refused), "interop_off");
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or_default()
}
