//! Reading scenario files: TOML into `model` types, with every reference and expectation checked
//! before anything runs, and errors that name the file, the line and what is wrong.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::time::Duration;

use isthmus_core::Decision;
use isthmus_proto::{Address, NetworkName};
use serde::Deserialize;

use super::group_model::{GroupAction, GROUP_STEPS};
use super::group_parse::{self, Labels};
use super::matrix_parse::{self, Roster};
use super::model::{
    Action, ActionOutcome, Network, NetworkKind, PersonSpec, Scenario, SendOutcome, StatusExpectation, Step,
    DEFAULT_STEP_TIMEOUT,
};

/// A file that cannot be run as written.
#[derive(Debug)]
pub struct FileError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    name: String,
    description: Option<String>,
    #[serde(default)]
    network: Vec<RawNetwork>,
    #[serde(default)]
    person: Vec<RawPerson>,
    #[serde(default)]
    step: Vec<toml::Spanned<toml::Table>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNetwork {
    name: String,
    kind: Option<NetworkKind>,
    url: Option<String>,
    shared_secret: Option<String>,
    limits: Option<isthmus_relay::Limits>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerson {
    name: String,
    network: String,
    #[serde(default)]
    allows: Vec<String>,
}

/// Reads and checks one file.
pub fn load(path: &Path) -> Result<Scenario, FileError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| FileError {
        file: file.clone(),
        line: None,
        message: format!("cannot read: {error}"),
    })?;
    parse(path, &text)
}

/// Checks `text` as the contents of `path`.
pub fn parse(path: &Path, text: &str) -> Result<Scenario, FileError> {
    let file = path.display().to_string();
    let fail = |line: Option<usize>, message: String| FileError { file: file.clone(), line, message };
    let raw: RawFile = toml::from_str(text).map_err(|error| {
        let line = error.span().map(|span| line_of(text, span.start));
        fail(line, error.message().trim().to_owned())
    })?;

    let mut networks = Vec::new();
    for network in raw.network {
        let name = NetworkName::parse(&network.name)
            .map_err(|error| fail(None, format!("network {:?}: {error}", network.name)))?;
        if networks.iter().any(|n: &Network| n.name == name) {
            return Err(fail(None, format!("network {name} is declared twice")));
        }
        let kind = network.kind.unwrap_or_default();
        matrix_parse::check_network(&name, kind, network.limits.is_some(), network.shared_secret.is_some())
            .map_err(|message| fail(None, message))?;
        networks.push(Network {
            name,
            kind,
            url: network.url,
            shared_secret: network.shared_secret,
            limits: network.limits.unwrap_or_default(),
        });
    }
    let declared = |network: &str, what: &str| -> Result<NetworkName, FileError> {
        let name = NetworkName::parse(network).map_err(|error| fail(None, format!("{what}: {network:?}: {error}")))?;
        if networks.iter().any(|n| n.name == name) {
            Ok(name)
        } else {
            Err(fail(None, format!("{what}: network {network} is not declared in a [[network]]")))
        }
    };

    let mut people: Vec<PersonSpec> = Vec::new();
    for person in raw.person {
        isthmus_proto::UserName::parse(&person.name)
            .map_err(|error| fail(None, format!("person {:?}: {error}", person.name)))?;
        if people.iter().any(|p| p.name == person.name) {
            return Err(fail(None, format!("person {} is declared twice", person.name)));
        }
        let network = declared(&person.network, &format!("person {}", person.name))?;
        let kind = networks.iter().find(|n| n.name == network).map(|n| n.kind).unwrap_or_default();
        let allows = match kind {
            NetworkKind::Isthmus => person
                .allows
                .iter()
                .map(|n| {
                    matrix_parse::check_isthmus_allows(&person.name, n, &networks).map_err(|m| fail(None, m))?;
                    declared(n, &format!("person {} allows", person.name))
                })
                .collect::<Result<_, _>>()?,
            NetworkKind::Matrix => {
                matrix_parse::matrix_person(&person.name, &person.allows).map_err(|message| fail(None, message))?
            }
        };
        people.push(PersonSpec { name: person.name, network, kind, allows });
    }
    let names: HashSet<&str> = people.iter().map(|p| p.name.as_str()).collect();
    let roster = Roster::new(&networks, &people);

    let mut labels = Labels::default();
    let mut steps = Vec::new();
    for (index, spanned) in raw.step.into_iter().enumerate() {
        let number = index + 1;
        let line = line_of(text, spanned.span().start);
        let at = |message: String| fail(Some(line), format!("step {number}: {message}"));
        let mut table = spanned.into_inner();
        let timeout = match table.remove("timeout_ms") {
            None => DEFAULT_STEP_TIMEOUT,
            Some(toml::Value::Integer(ms)) if ms > 0 => Duration::from_millis(ms.unsigned_abs()),
            Some(other) => {
                return Err(at(format!("timeout_ms must be a positive number of milliseconds, not {other}")))
            }
        };
        let Some(kind) = table.get("do").and_then(toml::Value::as_str).map(str::to_owned) else {
            return Err(at("missing `do` (what the step does, such as do = \"send\")".into()));
        };
        // The step's name is checked first: an unknown variant further in (such as a report's
        // `reason`) is a field's mistake, not an unknown step.
        let group_step = GROUP_STEPS.contains(&kind.as_str());
        if !group_step && !KNOWN_STEPS.contains(&kind.as_str()) {
            let known: Vec<&str> = KNOWN_STEPS.iter().chain(&GROUP_STEPS).copied().collect();
            return Err(at(format!("unknown step {kind:?}; known steps: {}", known.join(", "))));
        }
        let table = toml::Value::Table(table);
        let read = |error: toml::de::Error| at(format!("{kind}: {}", error.message().trim()));
        let action: Action = if group_step {
            Action::Group(table.try_into::<GroupAction>().map_err(read)?)
        } else {
            table.try_into().map_err(read)?
        };
        check(&action, &names).map_err(|message| at(format!("{kind}: {message}")))?;
        matrix_parse::check(&action, &roster, timeout).map_err(|message| at(format!("{kind}: {message}")))?;
        if let Action::Group(group) = &action {
            group_parse::check(group, &mut labels).map_err(|message| at(format!("{kind}: {message}")))?;
        }
        steps.push(Step { number, line, timeout, action });
    }
    Ok(Scenario { file: path.to_path_buf(), name: raw.name, description: raw.description, networks, people, steps })
}

const KNOWN_STEPS: [&str; 24] = [
    "allow",
    "revoke",
    "confirm",
    "send",
    "expect_message",
    "expect_no_message",
    "expect_request",
    "expect_no_request",
    "expect_read_only",
    "accept",
    "delete",
    "block",
    "unblock",
    "report",
    "change_identity_key",
    "expect_key_change",
    "acknowledge",
    "verify",
    "expect_verified",
    "expect_ledger",
    "mark_read",
    "open",
    "expect_status",
    "wait_ms",
];

/// Checks what serde cannot: people exist, addresses and networks parse, expectations are known.
fn check(action: &Action, people: &HashSet<&str>) -> Result<(), String> {
    let (actor, others) = action.participants();
    if let Some(actor) = actor {
        if !people.contains(actor) {
            return Err(format!("unknown person {actor:?} (declared: {})", sorted(people)));
        }
    }
    for other in others {
        if other.contains('@') {
            other.parse::<Address>().map_err(|error| format!("{other:?} is not an address: {error}"))?;
        } else if !people.contains(other) {
            return Err(format!(
                "unknown person {other:?} (declared: {}; or write a full address name@network)",
                sorted(people)
            ));
        }
    }
    if let Some(expect) = action.action_expect() {
        action_outcome(expect.as_deref())?;
    }
    match action {
        Action::Allow { network, .. } | Action::Revoke { network, .. } => {
            NetworkName::parse(network).map_err(|error| format!("network {network:?}: {error}"))?;
        }
        Action::Send { expect, .. } => {
            send_outcome(expect.as_deref())?;
        }
        Action::ExpectStatus { status, .. } => {
            status_expectation(status)?;
        }
        Action::ExpectLedger { decisions, .. } => {
            for decision in decisions {
                decision_of(decision)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn sorted(people: &HashSet<&str>) -> String {
    let mut names: Vec<&str> = people.iter().copied().collect();
    names.sort_unstable();
    if names.is_empty() {
        "nobody".into()
    } else {
        names.join(", ")
    }
}

/// `expect` of an action: absent or "ok" (done), or "refused:CODE".
pub fn action_outcome(raw: Option<&str>) -> Result<ActionOutcome, String> {
    match raw {
        None | Some("ok") => Ok(ActionOutcome::Done),
        Some(text) => match text.strip_prefix("refused:") {
            Some(code) if is_code(code) => Ok(ActionOutcome::Refused(code.to_owned())),
            _ => Err(format!("expect must be \"ok\" or \"refused:CODE\", not {text:?}")),
        },
    }
}

/// `expect` of `send`: sent (the default), delivered, read, pending, failed:CODE or refused:CODE.
pub fn send_outcome(raw: Option<&str>) -> Result<SendOutcome, String> {
    let text = raw.unwrap_or("sent");
    let outcome = match text {
        "sent" => SendOutcome::Sent,
        "delivered" => SendOutcome::Delivered,
        "read" => SendOutcome::Read,
        "pending" => SendOutcome::Pending,
        _ => match text.split_once(':') {
            Some(("failed", code)) if is_code(code) => SendOutcome::Failed(code.to_owned()),
            Some(("refused", code)) if is_code(code) => SendOutcome::Refused(code.to_owned()),
            _ => {
                return Err(format!(
                    "expect must be sent, delivered, read, pending, failed:CODE or refused:CODE, not {text:?}"
                ))
            }
        },
    };
    Ok(outcome)
}

/// `status` of `expect_status`: pending, sent, delivered, read, failed or failed:CODE.
pub fn status_expectation(raw: &str) -> Result<StatusExpectation, String> {
    Ok(match raw {
        "pending" => StatusExpectation::Pending,
        "sent" => StatusExpectation::Sent,
        "delivered" => StatusExpectation::Delivered,
        "read" => StatusExpectation::Read,
        "failed" => StatusExpectation::Failed(None),
        _ => match raw.strip_prefix("failed:") {
            Some(code) if is_code(code) => StatusExpectation::Failed(Some(code.to_owned())),
            _ => return Err(format!("status must be pending, sent, delivered, read or failed[:CODE], not {raw:?}")),
        },
    })
}

/// A ledger decision by its recorded name, such as `interop_enabled`.
pub fn decision_of(raw: &str) -> Result<Decision, String> {
    serde_json::from_value(serde_json::Value::String(raw.to_owned())).map_err(|_| {
        format!(
            "unknown decision {raw:?}; known: interop_enabled, interop_disabled, request_accepted, \
             request_deleted, request_blocked, request_reported, blocked, unblocked, \
             first_contact_confirmed, key_change_acknowledged, verified, unverified"
        )
    })
}

/// Error codes are snake_case words, such as `unknown_account`.
fn is_code(code: &str) -> bool {
    !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes().iter().take(offset).filter(|b| **b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Scenario, FileError> {
        parse(Path::new("t.toml"), text)
    }

    const HEAD: &str = "name = \"t\"\n[[network]]\nname = \"meadow.test\"\n[[person]]\nname = \"alice\"\nnetwork = \"meadow.test\"\n[[person]]\nname = \"bob\"\nnetwork = \"meadow.test\"\n";

    #[test]
    fn a_good_file_reads_with_lines_and_timeouts() {
        let text =
            format!("{HEAD}[[step]]\ndo = \"send\"\nfrom = \"alice\"\nto = \"bob\"\ntext = \"hi\"\ntimeout_ms = 500\n");
        let scenario = parse_text(&text).expect("a valid file reads");
        assert_eq!(scenario.steps.len(), 1);
        assert_eq!(scenario.steps[0].line, 10, "the line is that of the [[step]] header, for error messages");
        assert_eq!(scenario.steps[0].timeout, Duration::from_millis(500), "timeout_ms overrides the default");
    }

    #[test]
    fn mistakes_are_named_with_their_line() {
        let cases = [
            ("[[step]]\ndo = \"sned\"\n", "unknown step \"sned\""),
            ("[[step]]\ndo = \"send\"\nfrom = \"alice\"\ntext = \"hi\"\n", "missing field `to`"),
            ("[[step]]\ndo = \"send\"\nfrom = \"zoe\"\nto = \"bob\"\ntext = \"hi\"\n", "unknown person \"zoe\""),
            (
                "[[step]]\ndo = \"send\"\nfrom = \"alice\"\nto = \"bob\"\ntext = \"hi\"\nexpect = \"arrived\"\n",
                "expect must be",
            ),
            ("[[step]]\ndo = \"block\"\nperson = \"alice\"\npeer = \"bob\"\ncolour = 1\n", "unknown field `colour`"),
        ];
        for (steps, wanted) in cases {
            let error = parse_text(&format!("{HEAD}{steps}")).expect_err("a mistake is refused before running");
            assert!(error.to_string().contains(wanted), "{error} should say {wanted}");
            assert_eq!(error.line, Some(10), "{error} should point at the step's line");
        }
    }

    #[test]
    fn every_known_step_name_is_one_serde_reads() {
        for name in KNOWN_STEPS {
            let error = parse_text(&format!("{HEAD}[[step]]\ndo = \"{name}\"\n")).expect_err("no fields given");
            assert!(
                error.to_string().contains("missing field"),
                "{name} is listed as a step, so it must be a variant of Action that only lacks fields: {error}"
            );
        }
    }

    #[test]
    fn an_unknown_value_of_a_field_is_no_unknown_step() {
        let text = format!("{HEAD}[[step]]\ndo = \"report\"\nperson = \"alice\"\npeer = \"bob\"\nreason = \"rude\"\n");
        let error = parse_text(&text).expect_err("rude is no reason");
        assert!(
            error.to_string().contains("report: unknown variant `rude`"),
            "the field's mistake is named, not the step: {error}"
        );
    }

    #[test]
    fn toml_syntax_errors_carry_the_line() {
        let error = parse_text("name = \"t\"\n[[step]\n").expect_err("broken TOML");
        assert_eq!(error.line, Some(2), "the line toml reports is kept: {error}");
    }

    proptest::proptest! {
        /// A scenario file is a tester's, but it may be damaged or half-written: any text reads
        /// as a scenario or as an error that names a line, never a panic.
        #[test]
        fn any_text_reads_or_is_refused_with_a_reason(tail in "\\PC{0,300}", step in "(do|from|to|text|expect|timeout_ms|person|network) = (\"[a-z@.]{0,12}\"|[0-9]{1,12}|\\[\\])") {
            let _ = parse_text(&tail);
            let _ = parse_text(&format!("{HEAD}[[step]]\n{step}\n{tail}"));
        }
    }
}
