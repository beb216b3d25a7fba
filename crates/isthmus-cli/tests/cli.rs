//! The CLI as a tester uses it: separate processes, passphrases from files and the
//! environment, `--json` output, exit codes that say what happened.

use std::path::Path;
use std::process::{Command, Output};

use isthmus_proto::NetworkName;
use isthmus_relay::RelayConfig;

const CLI: &str = env!("CARGO_BIN_EXE_isthmus-cli");

fn cli(profile: &Path, passphrase: &str, args: &[&str]) -> Output {
    Command::new(CLI)
        .arg("--profile")
        .arg(profile)
        .arg("--json")
        .args(args)
        .env("ISTHMUS_PASSPHRASE", passphrase)
        .output()
        .expect("the CLI runs")
}

fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON: {line}: {e}")))
        .collect()
}

fn ok(output: Output) -> Output {
    assert!(output.status.success(), "command failed: {}\n{}", output.status, String::from_utf8_lossy(&output.stderr));
    output
}

#[tokio::test(flavor = "multi_thread")]
async fn two_profiles_talk_through_a_relay_from_the_command_line() {
    let relay = isthmus_relay::start(RelayConfig::new(NetworkName::parse("meadow.test").expect("valid")))
        .await
        .expect("relay starts");
    let url = relay.url();
    let dir = tempfile::tempdir().expect("temp dir");
    let alice = dir.path().join("alice");
    let bob = dir.path().join("bob");

    let run = |profile: std::path::PathBuf, pass: &'static str, args: Vec<String>| {
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            cli(&profile, pass, &args)
        })
    };
    let s = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();

    ok(run(alice.clone(), "alice-pass", s(&["profile", "create", "--kdf-memory-kib", "1024"])).await.expect("joined"));
    ok(run(bob.clone(), "bob-pass", s(&["profile", "create", "--kdf-memory-kib", "1024"])).await.expect("joined"));
    let added = ok(run(alice.clone(), "alice-pass", s(&["account", "add", "--relay", &url, "--name", "alice"]))
        .await
        .expect("joined"));
    assert_eq!(json_lines(&added)[0]["address"], "alice@meadow.test");
    ok(run(bob.clone(), "bob-pass", s(&["account", "add", "--relay", &url, "--name", "bob"])).await.expect("joined"));

    let sent = ok(run(
        alice.clone(),
        "alice-pass",
        s(&["send", "--from", "alice@meadow.test", "--to", "bob@meadow.test", "hello from a script"]),
    )
    .await
    .expect("joined"));
    assert_eq!(json_lines(&sent)[0]["status"], "sent", "send waits until the relay has the message");

    let listened =
        ok(run(bob.clone(), "bob-pass", s(&["listen", "--until-drained", "--seconds", "60"])).await.expect("joined"));
    let events = json_lines(&listened);
    assert!(
        events.iter().any(|e| e["type"] == "message_added" && e["message"]["body"] == "hello from a script"),
        "listen streams the message as a JSON event: {events:?}"
    );

    let messages = ok(run(
        bob.clone(),
        "bob-pass",
        s(&["messages", "--account", "bob@meadow.test", "--peer", "alice@meadow.test"]),
    )
    .await
    .expect("joined"));
    let messages = json_lines(&messages);
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["body"], "hello from a script");

    // A file: sent with progress, accepted, downloaded through the relay and saved.
    let payload = dir.path().join("notes.txt");
    std::fs::write(&payload, "meeting at the old mill").expect("write");
    let sent = ok(run(
        alice.clone(),
        "alice-pass",
        s(&[
            "send-file",
            "--from",
            "alice@meadow.test",
            "--to",
            "bob@meadow.test",
            "--caption",
            "notes",
            payload.to_str().expect("utf-8"),
        ]),
    )
    .await
    .expect("joined"));
    assert_eq!(json_lines(&sent)[0]["status"], "sent");
    ok(run(bob.clone(), "bob-pass", s(&["listen", "--until-drained", "--seconds", "60"])).await.expect("joined"));
    ok(run(
        bob.clone(),
        "bob-pass",
        s(&["request", "accept", "--account", "bob@meadow.test", "--peer", "alice@meadow.test"]),
    )
    .await
    .expect("joined"));
    let listed = ok(run(
        bob.clone(),
        "bob-pass",
        s(&["messages", "--account", "bob@meadow.test", "--peer", "alice@meadow.test"]),
    )
    .await
    .expect("joined"));
    let with_file = json_lines(&listed).into_iter().find(|m| m["body"] == "notes").expect("the file's message");
    let id = with_file["id"].as_str().expect("an id").to_owned();
    let into = dir.path().join("downloads");
    std::fs::create_dir_all(&into).expect("mkdir");
    let saved = ok(run(
        bob.clone(),
        "bob-pass",
        s(&[
            "download",
            "--account",
            "bob@meadow.test",
            "--peer",
            "alice@meadow.test",
            "--message",
            &id,
            "--to",
            into.to_str().expect("utf-8"),
        ]),
    )
    .await
    .expect("joined"));
    let path = json_lines(&saved)[0]["path"].as_str().expect("a path").to_owned();
    assert_eq!(
        std::fs::read_to_string(&path).expect("saved file"),
        "meeting at the old mill",
        "the file arrives intact"
    );

    let number = ok(run(
        bob.clone(),
        "bob-pass",
        s(&["safety-number", "--account", "bob@meadow.test", "--peer", "alice@meadow.test"]),
    )
    .await
    .expect("joined"));
    assert_eq!(json_lines(&number)[0]["digits"].as_str().map(str::len), Some(60));
}

#[test]
fn a_wrong_passphrase_gives_a_coded_error_and_a_failing_exit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = dir.path().join("p");
    ok(cli(&profile, "right", &["profile", "create", "--kdf-memory-kib", "1024"]));
    let output = cli(&profile, "wrong", &["profile", "unlock"]);
    assert!(!output.status.success(), "a wrong passphrase must fail the command");
    let error: serde_json::Value =
        serde_json::from_slice(output.stderr.trim_ascii()).expect("the error is JSON on stderr with --json");
    assert_eq!(error["error"]["code"], "wrong_passphrase", "scripts switch on the code: {error}");
    ok(cli(&profile, "right", &["profile", "unlock"]));
}

#[test]
fn a_passphrase_file_is_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = dir.path().join("p");
    let file = dir.path().join("pass.txt");
    std::fs::write(&file, "from-a-file\n").expect("write");
    let create = Command::new(CLI)
        .arg("--profile")
        .arg(&profile)
        .arg("--passphrase-file")
        .arg(&file)
        .args(["profile", "create", "--kdf-memory-kib", "1024"])
        .env_remove("ISTHMUS_PASSPHRASE")
        .output()
        .expect("runs");
    ok(create);
    ok(cli(&profile, "from-a-file", &["profile", "unlock"]));
}

#[test]
fn without_any_passphrase_source_the_cli_says_how_to_give_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = Command::new(CLI)
        .arg("--profile")
        .arg(dir.path().join("p"))
        .args(["profile", "unlock"])
        .env_remove("ISTHMUS_PASSPHRASE")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ISTHMUS_PASSPHRASE"), "the error names the ways to give a passphrase: {stderr}");
}

/// Like `cli`, for people: without `--json`.
fn cli_human(profile: &Path, passphrase: &str, args: &[&str]) -> Output {
    Command::new(CLI)
        .arg("--profile")
        .arg(profile)
        .args(args)
        .env("ISTHMUS_PASSPHRASE", passphrase)
        .output()
        .expect("the CLI runs")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_cannot_send_the_terminal_an_escape_sequence() {
    let relay = isthmus_relay::start(RelayConfig::new(NetworkName::parse("meadow.test").expect("valid")))
        .await
        .expect("relay starts");
    let url = relay.url();
    let dir = tempfile::tempdir().expect("temp dir");
    let (mallory, bob) = (dir.path().join("mallory"), dir.path().join("bob"));
    // Sets the window title, clears the screen, then fakes a line of the tool's own output.
    let hostile = "hi\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31m\u{202e}gnp.exe\nsent 1 to bob";
    let steps: Vec<(std::path::PathBuf, &str, Vec<String>)> = vec![
        (mallory.clone(), "m-pass", vec!["profile".into(), "create".into(), "--kdf-memory-kib".into(), "1024".into()]),
        (bob.clone(), "b-pass", vec!["profile".into(), "create".into(), "--kdf-memory-kib".into(), "1024".into()]),
        (
            mallory.clone(),
            "m-pass",
            vec!["account".into(), "add".into(), "--relay".into(), url.clone(), "--name".into(), "mallory".into()],
        ),
        (
            bob.clone(),
            "b-pass",
            vec!["account".into(), "add".into(), "--relay".into(), url.clone(), "--name".into(), "bob".into()],
        ),
        (
            mallory.clone(),
            "m-pass",
            vec![
                "send".into(),
                "--from".into(),
                "mallory@meadow.test".into(),
                "--to".into(),
                "bob@meadow.test".into(),
                hostile.into(),
            ],
        ),
        (bob.clone(), "b-pass", vec!["listen".into(), "--until-drained".into(), "--seconds".into(), "60".into()]),
    ];
    for (profile, pass, args) in steps {
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            ok(cli(&profile, pass, &args))
        })
        .await
        .expect("joined");
    }
    let read = |json: bool| {
        let bob = bob.clone();
        tokio::task::spawn_blocking(move || {
            let args = ["messages", "--account", "bob@meadow.test", "--peer", "mallory@meadow.test"];
            ok(if json { cli(&bob, "b-pass", &args) } else { cli_human(&bob, "b-pass", &args) })
        })
    };
    let human = String::from_utf8(read(false).await.expect("joined").stdout).expect("UTF-8");
    assert!(!human.contains('\u{1b}') && !human.contains('\u{9b}') && !human.contains('\u{202e}'), "{human:?}");
    assert!(human.contains("\\u{1b}]0;owned"), "ESC is printed as a visible escape: {human:?}");
    assert_eq!(human.lines().count(), 1, "the body cannot fake a second line of output: {human:?}");

    let json = read(true).await.expect("joined");
    let raw = String::from_utf8(json.stdout.clone()).expect("UTF-8");
    assert!(!raw.contains('\u{9b}') && !raw.contains('\u{202e}'), "JSON escapes what it may carry raw: {raw:?}");
    assert_eq!(json_lines(&json)[0]["body"], hostile, "and still carries the exact text for scripts");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_group_is_made_answered_and_written_to_from_the_command_line() {
    let relay = isthmus_relay::start(RelayConfig::new(NetworkName::parse("meadow.test").expect("valid")))
        .await
        .expect("relay starts");
    let url = relay.url();
    let dir = tempfile::tempdir().expect("temp dir");
    let (alice, bob) = (dir.path().join("alice"), dir.path().join("bob"));
    let run = |profile: &std::path::Path, args: &[&str]| {
        let (profile, args): (std::path::PathBuf, Vec<String>) =
            (profile.to_path_buf(), args.iter().map(|s| s.to_string()).collect());
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            ok(cli(&profile, "pass", &args))
        })
    };
    for (profile, name) in [(&alice, "alice"), (&bob, "bob")] {
        run(profile, &["profile", "create", "--kdf-memory-kib", "1024"]).await.expect("joined");
        run(profile, &["account", "add", "--relay", &url, "--name", name]).await.expect("joined");
    }
    let adds =
        run(&bob, &["group", "adds", "--account", "bob@meadow.test", "--set", "contacts"]).await.expect("joined");
    assert_eq!(json_lines(&adds)[0]["who_can_add"], "contacts");

    let created =
        run(&alice, &["group", "create", "--account", "alice@meadow.test", "--name", "Picnic", "bob@meadow.test"])
            .await
            .expect("joined");
    let group = json_lines(&created)[0]["id"].as_str().expect("the group's id").to_owned();
    run(&bob, &["listen", "--until-drained", "--seconds", "60"]).await.expect("joined");
    let invitations = run(&bob, &["group", "invitations"]).await.expect("joined");
    let invitations = json_lines(&invitations);
    assert_eq!(invitations.len(), 1, "alice is no contact of bob's: an invitation");
    assert_eq!(invitations[0]["membership"], serde_json::json!({"state": "invited", "by": "alice@meadow.test"}));

    run(&bob, &["group", "accept", "--account", "bob@meadow.test", "--group", &group]).await.expect("joined");
    let sent = run(&alice, &["group", "send", "--account", "alice@meadow.test", "--group", &group, "hello picnic"])
        .await
        .expect("joined");
    assert_eq!(json_lines(&sent)[0]["status"], "sent", "group send waits until the relay has it");
    run(&bob, &["listen", "--until-drained", "--seconds", "60"]).await.expect("joined");
    let messages =
        run(&bob, &["group", "messages", "--account", "bob@meadow.test", "--group", &group]).await.expect("joined");
    let bodies: Vec<String> =
        json_lines(&messages).iter().filter_map(|m| m["body"].as_str().map(str::to_owned)).collect();
    assert_eq!(
        bodies,
        vec!["alice@meadow.test invited you to \u{201c}Picnic\u{201d}".to_owned(), "hello picnic".to_owned()]
    );
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_draft_is_kept_between_commands_and_cleared_with_an_empty_text() {
    let relay = isthmus_relay::start(RelayConfig::new(NetworkName::parse("meadow.test").expect("valid")))
        .await
        .expect("relay starts");
    let url = relay.url();
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = dir.path().join("alice");
    let run = move |args: Vec<String>| {
        let profile = profile.clone();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            ok(cli(&profile, "pass", &args))
        })
    };
    let s = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    run(s(&["profile", "create", "--kdf-memory-kib", "1024"])).await.expect("joined");
    run(s(&["account", "add", "--relay", &url, "--name", "alice"])).await.expect("joined");
    let chat = ["draft", "--account", "alice@meadow.test", "--peer", "bob@meadow.test"];
    run(s(&[&chat[..], &["--set", "half a thought"]].concat())).await.expect("joined");
    let shown = run(s(&chat)).await.expect("joined");
    assert_eq!(json_lines(&shown)[0]["text"], "half a thought", "another process finds it in the profile");
    run(s(&[&chat[..], &["--set", ""]].concat())).await.expect("joined");
    let cleared = run(s(&chat)).await.expect("joined");
    assert_eq!(json_lines(&cleared)[0], serde_json::Value::Null, "an empty text clears it");
    relay.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_received_messages_by_word_starts_from_another_process() {
    let relay = isthmus_relay::start(RelayConfig::new(NetworkName::parse("meadow.test").expect("valid")))
        .await
        .expect("relay starts");
    let url = relay.url();
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |name: &str, args: Vec<String>| {
        let profile = dir.path().join(name);
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            ok(cli(&profile, "pass", &args))
        })
    };
    let s = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for name in ["alice", "bob"] {
        run(name, s(&["profile", "create", "--kdf-memory-kib", "1024"])).await.expect("joined");
        run(name, s(&["account", "add", "--relay", &url, "--name", name])).await.expect("joined");
    }
    for body in ["the Zéphyr lanterns are lit", "another note", "zephyrs all night"] {
        run("alice", s(&["send", "--from", "alice@meadow.test", "--to", "bob@meadow.test", body]))
            .await
            .expect("joined");
    }
    run("bob", s(&["listen", "--until-drained", "--seconds", "60"])).await.expect("joined");

    let found = json_lines(&run("bob", s(&["search", "ZEPH"])).await.expect("joined"));
    let hits = found[0]["hits"].as_array().expect("hits");
    assert_eq!(found[0]["total"], 2);
    let texts: Vec<String> = hits
        .iter()
        .map(|hit| hit["snippet"].as_array().expect("parts").iter().map(|p| p["text"].as_str().unwrap_or("")).collect())
        .collect();
    assert_eq!(texts, vec!["zephyrs all night", "the Zéphyr lanterns are lit"], "newest first");
    assert_eq!(hits[1]["author"], "alice@meadow.test");

    let first_page = json_lines(&run("bob", s(&["search", "zeph", "--limit", "1"])).await.expect("joined"));
    let cursor = first_page[0]["next_cursor"].as_str().expect("a second page").to_owned();
    let second_page =
        json_lines(&run("bob", s(&["search", "zeph", "--limit", "1", "--cursor", &cursor])).await.expect("joined"));
    assert_eq!(second_page[0]["hits"][0]["seq"], hits[1]["seq"]);
    assert_eq!(second_page[0]["next_cursor"], serde_json::Value::Null);

    let chat = ["--account", "bob@meadow.test", "--peer", "alice@meadow.test"];
    let within =
        json_lines(&run("bob", s(&[&["search", "note", "--rebuild"][..], &chat[..]].concat())).await.expect("joined"));
    assert_eq!(within[0]["total"], 1, "within one chat, after a rebuild");
    let nothing = json_lines(&run("bob", s(&["search", "lighthouse"])).await.expect("joined"));
    assert_eq!(nothing[0]["hits"], serde_json::json!([]));

    let bad = cli(&dir.path().join("bob"), "pass", &["search", "zeph", "--cursor", "yesterday"]);
    assert!(!bad.status.success(), "a cursor from elsewhere is refused");
    relay.shutdown().await;
}
