//! What a scenario file says, as typed values: networks, people, and the steps to run in order.
//! `parse` reads and checks files into these; `steps` runs them.

use std::path::PathBuf;
use std::time::Duration;

use isthmus_proto::NetworkName;
use serde::Deserialize;

use super::group_model::GroupAction;

/// A whole scenario file, checked: every person a step names exists, every field is there.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub file: PathBuf,
    pub name: String,
    pub description: Option<String>,
    pub networks: Vec<Network>,
    pub people: Vec<PersonSpec>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone)]
pub struct Network {
    /// The relay's domain, or the Matrix homeserver's server name.
    pub name: NetworkName,
    pub kind: NetworkKind,
    /// A running relay to use instead of starting one in this process; for a Matrix network,
    /// the homeserver's URL (else ISTHMUS_TEST_MATRIX_URL).
    pub url: Option<String>,
    /// A Matrix network's registration shared secret (else ISTHMUS_TEST_MATRIX_SHARED_SECRET).
    pub shared_secret: Option<String>,
    /// Limits for the in-process relay (the relay's defaults, overridden field by field).
    pub limits: isthmus_relay::Limits,
}

/// What a `[[network]]` is: Isthmus relays, or a Matrix homeserver with people on it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkKind {
    #[default]
    Isthmus,
    Matrix,
}

/// What `allow`, `revoke` and `allows` name to turn Matrix on or off for a Matrix person (the
/// consent ledger's counterpart for it, too).
pub const MATRIX: &str = "matrix";

#[derive(Debug, Clone)]
pub struct PersonSpec {
    pub name: String,
    pub network: NetworkName,
    /// The kind of the person's network: an Isthmus account, or a Matrix one.
    pub kind: NetworkKind,
    /// Networks this person allows at the start, under the current disclosure (for a Matrix
    /// person, at most `matrix`, under the Matrix disclosure).
    pub allows: Vec<NetworkName>,
}

#[derive(Debug, Clone)]
pub struct Step {
    /// 1, 2, 3... in file order.
    pub number: usize,
    /// The line of the `[[step]]` header in the file.
    pub line: usize,
    pub timeout: Duration,
    pub action: Action,
}

/// How long a step may take unless it says otherwise (`timeout_ms`).
pub const DEFAULT_STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// One `do = "..."` entry. Fields named `person` or `from` (of `send`) are people of the file;
/// `peer`, `to` and `from` (of expectations) are people or literal `name@network` addresses.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    Allow {
        person: String,
        network: String,
        expect: Option<String>,
    },
    Revoke {
        person: String,
        network: String,
        expect: Option<String>,
    },
    Confirm {
        person: String,
        peer: String,
        expect: Option<String>,
    },
    Send {
        from: String,
        to: String,
        text: String,
        expect: Option<String>,
    },
    ExpectMessage {
        person: String,
        from: String,
        text: String,
        #[serde(rename = "as")]
        kind: Option<ChatKind>,
    },
    ExpectNoMessage {
        person: String,
        from: String,
        text: String,
    },
    ExpectRequest {
        person: String,
        from: String,
    },
    ExpectNoRequest {
        person: String,
        from: String,
    },
    ExpectReadOnly {
        person: String,
        peer: String,
        value: bool,
    },
    Accept {
        person: String,
        peer: String,
        expect: Option<String>,
    },
    Delete {
        person: String,
        peer: String,
        expect: Option<String>,
    },
    Block {
        person: String,
        peer: String,
        expect: Option<String>,
    },
    Unblock {
        person: String,
        peer: String,
        expect: Option<String>,
    },
    Report {
        person: String,
        peer: String,
        reason: isthmus_proto::api::ReportReason,
        #[serde(default)]
        note: String,
        #[serde(default)]
        include: Vec<String>,
        #[serde(default)]
        block: bool,
        expect: Option<String>,
    },
    ChangeIdentityKey {
        person: String,
        expect: Option<String>,
    },
    ExpectKeyChange {
        person: String,
        peer: String,
    },
    Acknowledge {
        person: String,
        peer: String,
        expect: Option<String>,
    },
    Verify {
        person: String,
        peer: String,
        #[serde(default = "yes")]
        value: bool,
        expect: Option<String>,
    },
    ExpectVerified {
        person: String,
        peer: String,
        value: bool,
    },
    ExpectLedger {
        person: String,
        decisions: Vec<String>,
    },
    MarkRead {
        person: String,
        peer: String,
        expect: Option<String>,
    },
    /// Opens a direct Matrix chat (Matrix people only).
    Open {
        person: String,
        peer: String,
        expect: Option<String>,
    },
    ExpectStatus {
        person: String,
        peer: String,
        text: String,
        status: String,
    },
    WaitMs {
        ms: u64,
    },
    /// A group step (`group_model`): read by `parse` when `do` names one, never by this enum.
    #[serde(skip)]
    Group(GroupAction),
}

fn yes() -> bool {
    true
}

/// How a received message must have arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatKind {
    /// In a message request (someone new wrote first).
    Request,
    /// In a normal chat.
    Chat,
}

/// What an action other than `send` must come to: done, or refused by the engine with a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionOutcome {
    Done,
    Refused(String),
}

/// What a `send` must come to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// The engine refused before anything left (interop_off, first_contact_required, ...).
    Refused(String),
    /// The relay took it (at least: a later receipt counts too).
    Sent,
    Delivered,
    Read,
    /// The relay answered with this code and the engine marked the message failed.
    Failed(String),
    /// The engine still holds it after an attempt (a refusal it retries, such as rate_limited).
    Pending,
}

/// What `expect_status` looks for on the person's own message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusExpectation {
    /// Still pending after an attempt (see `SendOutcome::Pending`).
    Pending,
    /// Sent and no more: checked after a sync point, so a receipt on its way would be seen.
    Sent,
    /// Delivered (or read, which implies it).
    Delivered,
    Read,
    /// Failed, with this code if one is given.
    Failed(Option<String>),
}

impl Action {
    /// The `do` name, as written in files.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Allow { .. } => "allow",
            Action::Revoke { .. } => "revoke",
            Action::Confirm { .. } => "confirm",
            Action::Send { .. } => "send",
            Action::ExpectMessage { .. } => "expect_message",
            Action::ExpectNoMessage { .. } => "expect_no_message",
            Action::ExpectRequest { .. } => "expect_request",
            Action::ExpectNoRequest { .. } => "expect_no_request",
            Action::ExpectReadOnly { .. } => "expect_read_only",
            Action::Accept { .. } => "accept",
            Action::Delete { .. } => "delete",
            Action::Block { .. } => "block",
            Action::Unblock { .. } => "unblock",
            Action::Report { .. } => "report",
            Action::ChangeIdentityKey { .. } => "change_identity_key",
            Action::ExpectKeyChange { .. } => "expect_key_change",
            Action::Acknowledge { .. } => "acknowledge",
            Action::Verify { .. } => "verify",
            Action::ExpectVerified { .. } => "expect_verified",
            Action::ExpectLedger { .. } => "expect_ledger",
            Action::MarkRead { .. } => "mark_read",
            Action::Open { .. } => "open",
            Action::ExpectStatus { .. } => "expect_status",
            Action::WaitMs { .. } => "wait_ms",
            Action::Group(group) => group.name(),
        }
    }

    /// Who acts (must be a person of the file), and whom it is about (a person or an address).
    pub fn participants(&self) -> (Option<&str>, Vec<&str>) {
        match self {
            Action::Allow { person, .. }
            | Action::Revoke { person, .. }
            | Action::ChangeIdentityKey { person, .. }
            | Action::ExpectLedger { person, .. } => (Some(person), Vec::new()),
            Action::Send { from, to, .. } => (Some(from), vec![to]),
            Action::ExpectMessage { person, from, .. }
            | Action::ExpectNoMessage { person, from, .. }
            | Action::ExpectRequest { person, from }
            | Action::ExpectNoRequest { person, from } => (Some(person), vec![from]),
            Action::Confirm { person, peer, .. }
            | Action::ExpectReadOnly { person, peer, .. }
            | Action::Accept { person, peer, .. }
            | Action::Delete { person, peer, .. }
            | Action::Block { person, peer, .. }
            | Action::Unblock { person, peer, .. }
            | Action::Report { person, peer, .. }
            | Action::ExpectKeyChange { person, peer }
            | Action::Acknowledge { person, peer, .. }
            | Action::Verify { person, peer, .. }
            | Action::ExpectVerified { person, peer, .. }
            | Action::MarkRead { person, peer, .. }
            | Action::Open { person, peer, .. }
            | Action::ExpectStatus { person, peer, .. } => (Some(person), vec![peer]),
            Action::WaitMs { .. } => (None, Vec::new()),
            Action::Group(group) => {
                let (actor, others) = group.participants();
                (Some(actor), others)
            }
        }
    }

    /// The `expect` of an action step, if the step has one of that kind.
    pub fn action_expect(&self) -> Option<&Option<String>> {
        match self {
            Action::Allow { expect, .. }
            | Action::Revoke { expect, .. }
            | Action::Confirm { expect, .. }
            | Action::Accept { expect, .. }
            | Action::Delete { expect, .. }
            | Action::Block { expect, .. }
            | Action::Unblock { expect, .. }
            | Action::Report { expect, .. }
            | Action::ChangeIdentityKey { expect, .. }
            | Action::Acknowledge { expect, .. }
            | Action::Verify { expect, .. }
            | Action::MarkRead { expect, .. }
            | Action::Open { expect, .. } => Some(expect),
            Action::Group(group) => group.action_expect(),
            _ => None,
        }
    }

    /// One line for the report: what the step does or expects.
    pub fn describe(&self) -> String {
        let quoted = |text: &str| format!("{text:?}");
        match self {
            Action::Allow { person, network, .. } => format!("{person} allows {network}"),
            Action::Revoke { person, network, .. } => format!("{person} revokes {network}"),
            Action::Confirm { person, peer, .. } => format!("{person} confirms a first contact with {peer}"),
            Action::Send { from, to, text, expect } => {
                format!("{from} sends {} to {to}, expecting {}", quoted(text), expect.as_deref().unwrap_or("sent"))
            }
            Action::ExpectMessage { person, from, text, kind } => {
                let how = match kind {
                    Some(ChatKind::Request) => " as a request",
                    Some(ChatKind::Chat) => " in a chat",
                    None => "",
                };
                format!("{person} has {} from {from}{how}", quoted(text))
            }
            Action::ExpectNoMessage { person, from, text } => {
                format!("{person} does not have {} from {from}", quoted(text))
            }
            Action::ExpectRequest { person, from } => format!("{person} has a request from {from}"),
            Action::ExpectNoRequest { person, from } => format!("{person} has no request from {from}"),
            Action::ExpectReadOnly { person, peer, value } => {
                format!("{person}'s chat with {peer} is {}", if *value { "read-only" } else { "writable" })
            }
            Action::Accept { person, peer, .. } => format!("{person} accepts {peer}'s request"),
            Action::Delete { person, peer, .. } => format!("{person} deletes {peer}'s request"),
            Action::Block { person, peer, .. } => format!("{person} blocks {peer}"),
            Action::Unblock { person, peer, .. } => format!("{person} unblocks {peer}"),
            Action::Report { person, peer, reason, include, block, .. } => format!(
                "{person} reports {peer} ({reason}, {} message(s){})",
                include.len(),
                if *block { ", and blocks" } else { "" }
            ),
            Action::ChangeIdentityKey { person, .. } => format!("{person} gets a new identity key"),
            Action::ExpectKeyChange { person, peer } => format!("{person} sees {peer}'s key change, sending held"),
            Action::Acknowledge { person, peer, .. } => format!("{person} acknowledges {peer}'s new key"),
            Action::Verify { person, peer, value, .. } => {
                format!("{person} marks {peer} {}", if *value { "verified" } else { "not verified" })
            }
            Action::ExpectVerified { person, peer, value } => {
                format!("{person} has {peer} {}", if *value { "verified" } else { "not verified" })
            }
            Action::ExpectLedger { person, decisions } => {
                format!("{person}'s ledger is [{}]", decisions.join(", "))
            }
            Action::MarkRead { person, peer, .. } => format!("{person} reads the chat with {peer}"),
            Action::Open { person, peer, .. } => format!("{person} opens a Matrix chat with {peer}"),
            Action::ExpectStatus { person, peer, text, status } => {
                format!("{person}'s {} to {peer} is {status}", quoted(text))
            }
            Action::WaitMs { ms } => format!("wait {ms} ms"),
            Action::Group(group) => group.describe(),
        }
    }
}
