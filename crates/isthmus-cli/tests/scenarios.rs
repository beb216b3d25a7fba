//! `isthmus-cli scenario run` through the binary: every shipped scenario passes, an impossible
//! expectation fails and is named, a malformed file is refused, and JUnit XML carries the result.
//! Scenarios with Matrix people run against the homeserver the test command starts
//! (ISTHMUS_TEST_MATRIX_URL); without one they are skipped with a note, unless
//! ISTHMUS_REQUIRE_MATRIX says they must run.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_isthmus-cli"))
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn run(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let Output { status, stdout, stderr } = cli().args(["scenario", "run"]).args(args).output().expect("run the CLI");
    (
        status.code().expect("the CLI exits with a code"),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// The last line of the report: `N passed, N failed`.
fn summary(stdout: &str) -> (usize, usize) {
    let line = stdout.lines().rev().find(|l| !l.trim().is_empty()).expect("a summary line");
    let (passed, failed) = line.split_once(", ").expect("N passed, N failed");
    let number = |part: &str, word: &str| {
        part.strip_suffix(word).and_then(|n| n.trim().parse().ok()).unwrap_or_else(|| panic!("bad summary {line:?}"))
    };
    (number(passed, " passed"), number(failed, " failed"))
}

/// Every scenario file shipped in scenarios/, sorted.
fn shipped() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repository().join("scenarios"))
        .expect("the scenarios folder")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// Whether a scenario file declares a `kind = "matrix"` network (it needs a homeserver).
fn needs_a_homeserver(path: &Path) -> bool {
    let text = std::fs::read_to_string(path).expect("read the scenario");
    let file: toml::Table = toml::from_str(&text).expect("a shipped scenario is TOML");
    let networks = file.get("network").and_then(toml::Value::as_array).cloned().unwrap_or_default();
    networks.iter().any(|network| network.get("kind").and_then(toml::Value::as_str) == Some("matrix"))
}

/// Runs `files` and checks that every one passed.
fn all_pass(files: &[PathBuf]) {
    let args: Vec<&std::ffi::OsStr> = files.iter().map(|p| p.as_os_str()).collect();
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "every shipped scenario must hold, as testers replay them as they are:\n{stdout}\n{stderr}");
    assert_eq!(
        summary(&stdout),
        (files.len(), 0),
        "the summary counts every file as passed and none failed:\n{stdout}"
    );
    assert!(!stdout.contains('✘'), "no step may fail in a shipped scenario:\n{stdout}");
}

#[test]
fn every_shipped_scenario_passes() {
    let all = shipped();
    assert!(all.len() >= 16, "one file per consent flow ships in scenarios/ (found {})", all.len());
    let files: Vec<PathBuf> = all.into_iter().filter(|file| !needs_a_homeserver(file)).collect();
    for group_flow in [
        "group_added_across_networks",
        "group_invitation_contacts_only",
        "group_invitation_declined",
        "group_removal",
        "group_leave",
    ] {
        assert!(
            files.iter().any(|f| f.file_stem().is_some_and(|stem| stem == group_flow)),
            "each group consent flow ships as a scenario (issue 16): {group_flow}.toml is missing"
        );
    }
    all_pass(&files);
}

#[test]
fn every_shipped_matrix_scenario_passes_against_a_homeserver() {
    let files: Vec<PathBuf> = shipped().into_iter().filter(|file| needs_a_homeserver(file)).collect();
    for flow in ["matrix_request", "matrix_off_read_only"] {
        assert!(
            files.iter().any(|f| f.file_stem().is_some_and(|stem| stem == flow)),
            "each Matrix consent flow ships as a scenario of kind matrix: {flow}.toml is missing"
        );
    }
    if !matrix_runs(&format!("{} Matrix scenario(s)", files.len())) {
        return;
    }
    all_pass(&files);
}

/// Whether Matrix scenarios run here: with a homeserver, or when ISTHMUS_REQUIRE_MATRIX says
/// they must (under the test command, which starts one: a missing homeserver then fails them,
/// with the variables named). Otherwise says what is skipped.
fn matrix_runs(what: &str) -> bool {
    let homeserver = std::env::var_os("ISTHMUS_TEST_MATRIX_URL").is_some();
    if !homeserver && std::env::var_os("ISTHMUS_REQUIRE_MATRIX").is_none() {
        eprintln!(
            "skipped {what}: no homeserver (set ISTHMUS_TEST_MATRIX_URL and ISTHMUS_TEST_MATRIX_SHARED_SECRET; \
             scripts/synapse runs one, scripts/test does it all)"
        );
        return false;
    }
    true
}

/// Two Matrix people, vic with a chat open to wren that wren accepted, then `steps`.
fn matrix_file(steps: &str) -> String {
    let people = "[[network]]\nname = \"localhost\"\nkind = \"matrix\"\n\
        [[person]]\nname = \"vic\"\nnetwork = \"localhost\"\nallows = [\"matrix\"]\n\
        [[person]]\nname = \"wren\"\nnetwork = \"localhost\"\nallows = [\"matrix\"]\n";
    let chat = "[[step]]\ndo = \"open\"\nperson = \"vic\"\npeer = \"wren\"\n\
        [[step]]\ndo = \"expect_request\"\nperson = \"wren\"\nfrom = \"vic\"\n\
        [[step]]\ndo = \"accept\"\nperson = \"wren\"\npeer = \"vic\"\n\
        [[step]]\ndo = \"send\"\nfrom = \"vic\"\nto = \"wren\"\ntext = \"m1\"\n";
    format!("name = \"t\"\n{people}{chat}{steps}")
}

#[test]
fn the_matrix_settle_wait_sees_what_did_arrive() {
    if !matrix_runs("the Matrix settle-wait check") {
        return;
    }
    let folder = tempfile::tempdir().expect("a temporary folder");
    let arrived = folder.path().join("arrived.toml");
    let no_message = "[[step]]\ndo = \"expect_no_message\"\nperson = \"wren\"\nfrom = \"vic\"\ntext = \"m1\"\n";
    std::fs::write(&arrived, matrix_file(no_message)).expect("write the file");
    let read = folder.path().join("read.toml");
    let receipt = "[[step]]\ndo = \"expect_message\"\nperson = \"wren\"\nfrom = \"vic\"\ntext = \"m1\"\n\
        [[step]]\ndo = \"mark_read\"\nperson = \"wren\"\npeer = \"vic\"\n\
        [[step]]\ndo = \"expect_status\"\nperson = \"vic\"\npeer = \"wren\"\ntext = \"m1\"\nstatus = \"sent\"\n";
    std::fs::write(&read, matrix_file(receipt)).expect("write the file");
    let (code, stdout, _) = run(&[arrived.as_os_str(), read.as_os_str()]);
    assert_eq!(code, 1, "both negative expectations are wrong and must fail:\n{stdout}");
    assert_eq!(summary(&stdout), (0, 2), "both files fail:\n{stdout}");
    assert!(
        stdout.lines().any(|l| l.contains('✘') && l.contains("wren has it")),
        "wren accepted, so vic's message reached her: the settle wait must see it, not pass:\n{stdout}"
    );
    assert!(
        stdout.lines().any(|l| l.contains('✘') && l.contains("expected sent and no receipt, got read")),
        "wren read the chat, so the read receipt came back: the settle wait must see it:\n{stdout}"
    );
}

#[test]
fn a_matrix_scenario_without_a_homeserver_fails_and_names_what_is_missing() {
    let file = repository().join("scenarios/matrix_request.toml");
    let output = cli()
        .args(["scenario", "run"])
        .arg(&file)
        .env_remove("ISTHMUS_TEST_MATRIX_URL")
        .env_remove("ISTHMUS_TEST_MATRIX_SHARED_SECRET")
        .output()
        .expect("run the CLI");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "the file is fine, the run is not: it fails (exit 1):\n{stdout}");
    assert!(
        stdout.contains("ISTHMUS_TEST_MATRIX_URL") && stdout.contains("ISTHMUS_TEST_MATRIX_SHARED_SECRET"),
        "the setup failure names both variables, so a tester knows what to set:\n{stdout}"
    );
    assert!(stdout.contains("skipped: the setup failed"), "and no step runs without a homeserver:\n{stdout}");
}

#[test]
fn an_expectation_that_cannot_hold_fails_names_the_step_and_skips_the_rest() {
    let file = fixture("impossible_delivery.toml");
    let (code, stdout, _) = run(&[file.as_os_str()]);
    assert_eq!(code, 1, "a failed expectation exits 1, so CI marks the run red:\n{stdout}");
    assert_eq!(summary(&stdout), (0, 1), "the summary counts the scenario as failed:\n{stdout}");
    let failed = stdout.lines().find(|l| l.contains('✘') && l.contains(" 2  ")).unwrap_or_default();
    assert!(
        failed.contains("expected delivered") && failed.contains("unknown_account"),
        "the report names step 2, what was expected and what happened (carol never allowed meadow):\n{stdout}"
    );
    assert!(stdout.contains("skipped: step 2 failed"), "the steps after a failure are skipped, not run:\n{stdout}");
}

#[test]
fn a_receipt_that_did_arrive_fails_a_no_receipt_expectation() {
    let file = fixture("receipt_not_held.toml");
    let (code, stdout, _) = run(&[file.as_os_str()]);
    assert_eq!(
        code, 1,
        "after bob accepts, the receipt goes back; the sync point must see it rather than pass too early:\n{stdout}"
    );
    assert!(stdout.contains("got delivered"), "the report says the receipt came:\n{stdout}");
}

#[test]
fn a_group_message_that_did_arrive_fails_a_not_received_expectation() {
    let file = fixture("group_message_not_held.toml");
    let (code, stdout, _) = run(&[file.as_os_str()]);
    assert_eq!(
        code, 1,
        "bob is a member and alice's message reaches him; the sync point must see it rather than pass too early:\n{stdout}"
    );
    assert!(stdout.contains("bob has it, in the group"), "the report says where it arrived:\n{stdout}");
}

#[test]
fn an_add_the_setting_allows_fails_an_invitation_expectation_at_once() {
    let file = fixture("group_added_not_invited.toml");
    let (code, stdout, _) = run(&[file.as_os_str()]);
    assert_eq!(code, 1, "bob keeps the default setting, so he is added, not invited:\n{stdout}");
    let failed = stdout.lines().find(|l| l.contains('✘') && l.contains(" 2  ")).unwrap_or_default();
    assert!(
        failed.contains("is a member: the add was not held as an invitation") && !failed.contains("timed out"),
        "being a member rules an invitation out at once, with the reason, not after the timeout:\n{stdout}"
    );
}

#[test]
fn a_malformed_file_exits_2_and_says_where_and_what() {
    let file = fixture("malformed_unknown_person.toml");
    let (code, stdout, stderr) = run(&[file.as_os_str()]);
    assert_eq!(code, 2, "a file that cannot be run is not a failed scenario: exit 2\n{stdout}\n{stderr}");
    assert!(
        stderr.contains("malformed_unknown_person.toml:10") && stderr.contains("unknown person \"zoe\""),
        "the error names the file, the step's line and the unknown person:\n{stderr}"
    );

    let folder = tempfile::tempdir().expect("a temporary folder");
    for (name, text, wanted) in [
        ("unknown_step.toml", "name = \"x\"\n[[step]]\ndo = \"teleport\"\n", "unknown step \"teleport\""),
        (
            "missing_field.toml",
            "name = \"x\"\n[[network]]\nname = \"meadow.test\"\n[[person]]\nname = \"al\"\nnetwork = \"meadow.test\"\n[[step]]\ndo = \"block\"\nperson = \"al\"\n",
            "missing field `peer`",
        ),
        ("bad_toml.toml", "name = \"x\"\n[[step]\n", ":2:"),
        (
            "matrix_limits.toml",
            "name = \"x\"\n[[network]]\nname = \"localhost\"\nkind = \"matrix\"\n[network.limits]\npending_requests_per_recipient = 2\n",
            "limits are for Isthmus relays",
        ),
        (
            "matrix_delivered.toml",
            "name = \"x\"\n[[network]]\nname = \"localhost\"\nkind = \"matrix\"\n[[person]]\nname = \"vic\"\nnetwork = \"localhost\"\n[[person]]\nname = \"wren\"\nnetwork = \"localhost\"\n[[step]]\ndo = \"send\"\nfrom = \"vic\"\nto = \"wren\"\ntext = \"hi\"\nexpect = \"delivered\"\n",
            "Matrix has no delivery receipts",
        ),
    ] {
        let path = folder.path().join(name);
        std::fs::write(&path, text).expect("write the file");
        let (code, _, stderr) = run(&[path.as_os_str()]);
        assert_eq!(code, 2, "{name} is malformed and must exit 2:\n{stderr}");
        assert!(stderr.contains(name) && stderr.contains(wanted), "{name}: the error must say {wanted:?}:\n{stderr}");
    }
}

#[test]
fn junit_xml_has_a_testcase_per_step_and_the_failure() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let xml_path = folder.path().join("report.xml");
    let passing = repository().join("scenarios/request_deleted.toml");
    let failing = fixture("impossible_delivery.toml");
    let (code, stdout, _) = run(&[passing.as_os_str(), failing.as_os_str(), "--junit".as_ref(), xml_path.as_os_str()]);
    assert_eq!(code, 1, "one of the two files fails:\n{stdout}");
    assert_eq!(summary(&stdout), (1, 1), "a failing file does not stop the next one from running:\n{stdout}");
    let xml = std::fs::read_to_string(&xml_path).expect("the JUnit file was written");
    assert!(xml.starts_with("<?xml"), "an XML declaration opens the file");
    assert_eq!(xml.matches("<testsuite ").count(), 2, "one testsuite per file");
    let passing_steps = std::fs::read_to_string(&passing).expect("read").matches("[[step]]").count();
    assert_eq!(xml.matches("<testcase ").count(), passing_steps + 3, "one testcase per step of both files");
    assert_eq!(xml.matches("<failure ").count(), 1, "exactly the impossible step fails");
    assert_eq!(xml.matches("<skipped ").count(), 1, "the step after it is skipped");
    assert!(xml.contains("unknown_account"), "the failure message says what happened");
    assert_eq!(
        xml.matches("<testsuite ").count(),
        xml.matches("</testsuite>").count(),
        "every testsuite is closed: the XML is well formed"
    );
    assert!(!xml.contains("\"you never said yes\""), "quotes inside attributes are escaped");
}

#[test]
fn json_output_is_one_object_per_step() {
    let file = fixture("impossible_delivery.toml");
    let output = cli().args(["--json", "scenario", "run"]).arg(&file).output().expect("run the CLI");
    assert_eq!(output.status.code(), Some(1), "the impossible step still fails with --json");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let values: Vec<serde_json::Value> =
        stdout.lines().map(|l| serde_json::from_str(l).expect("every line is one JSON object")).collect();
    let outcomes: Vec<&str> = values.iter().filter_map(|v| v["outcome"].as_str()).collect();
    assert_eq!(outcomes, ["passed", "failed", "skipped"], "one object per step, in order: {stdout}");
    assert_eq!(values[1]["step"], 2, "the failed object names its step");
    assert_eq!(values.last().expect("a summary")["summary"]["failed"], 1, "a closing summary object");
}
