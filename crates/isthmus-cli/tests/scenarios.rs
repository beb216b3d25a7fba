//! `isthmus-cli scenario run` through the binary: every shipped scenario passes, an impossible
//! expectation fails and is named, a malformed file is refused, and JUnit XML carries the result.

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

#[test]
fn every_shipped_scenario_passes() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repository().join("scenarios"))
        .expect("the scenarios folder")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 16, "one file per consent flow ships in scenarios/ (found {})", files.len());
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
