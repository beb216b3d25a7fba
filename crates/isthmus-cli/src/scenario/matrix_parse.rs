//! Checks that keep Matrix people to what works for them, made when the file is read: Isthmus
//! and Matrix people do not write to each other, and a step whose mechanism is Isthmus's alone
//! (first contacts, key changes, safety numbers, delivery receipts, relay failure codes, groups)
//! is refused for a Matrix person with the reason, rather than run and faked.

use std::collections::HashMap;
use std::time::Duration;

use isthmus_proto::{Address, NetworkName};

use super::model::{Action, Network, NetworkKind, PersonSpec, SendOutcome, StatusExpectation, MATRIX};
use super::parse;
use super::sync::MATRIX_SETTLE;

/// The longest name of a Matrix person: the runner adds `-` and 8 hex digits to make the
/// homeserver account unique per run, and the whole must fit an address's 32 characters.
pub const MATRIX_NAME_MAX: usize = 23;

/// How much longer than the settle wait a negative step's timeout must be, for the rest of it.
const SETTLE_MARGIN: Duration = Duration::from_secs(2);

/// Who is on which kind of network: people by name, and the declared networks (for literal
/// addresses such as `nobody@localhost`).
pub struct Roster {
    people: HashMap<String, NetworkKind>,
    networks: HashMap<NetworkName, NetworkKind>,
}

impl Roster {
    pub fn new(networks: &[Network], people: &[PersonSpec]) -> Self {
        Roster {
            people: people.iter().map(|p| (p.name.clone(), p.kind)).collect(),
            networks: networks.iter().map(|n| (n.name.clone(), n.kind)).collect(),
        }
    }

    /// The kind of a person, or of a literal address on a declared network.
    fn kind_of(&self, who: &str) -> Option<NetworkKind> {
        if let Some(kind) = self.people.get(who) {
            return Some(*kind);
        }
        let address: Address = who.parse().ok()?;
        self.networks.get(&address.network).copied()
    }
}

/// A `[[network]]`'s fields must fit its kind.
pub fn check_network(name: &NetworkName, kind: NetworkKind, limits: bool, shared_secret: bool) -> Result<(), String> {
    if name.as_str() == MATRIX {
        return Err(format!(
            "network {MATRIX}: the name is taken by `allow`/`revoke` of Matrix itself; name the network \
             by its domain (a homeserver by its server name)"
        ));
    }
    match kind {
        NetworkKind::Matrix if limits => Err(format!(
            "network {name}: limits are for Isthmus relays; a Matrix homeserver keeps its own (remove [network.limits])"
        )),
        NetworkKind::Isthmus if shared_secret => {
            Err(format!("network {name}: shared_secret is for a Matrix homeserver (kind = \"matrix\")"))
        }
        _ => Ok(()),
    }
}

/// An Isthmus person's `allows` names Isthmus networks only.
pub fn check_isthmus_allows(person: &str, network: &str, networks: &[Network]) -> Result<(), String> {
    let declared = networks.iter().find(|n| n.name.as_str() == network);
    match declared.map(|n| n.kind) {
        Some(NetworkKind::Matrix) => Err(format!(
            "person {person} allows {network}: that is a matrix network, and Isthmus and Matrix people do not \
             write to each other in scenarios"
        )),
        None if network == MATRIX => Err(format!(
            "person {person} allows matrix: only a person on a matrix network (kind = \"matrix\") turns Matrix on"
        )),
        _ => Ok(()),
    }
}

/// A Matrix person's name leaves room for the run's suffix, and `allows` is at most `matrix`.
pub fn matrix_person(name: &str, allows: &[String]) -> Result<Vec<NetworkName>, String> {
    if name.len() > MATRIX_NAME_MAX {
        return Err(format!(
            "person {name}: a Matrix person's name is at most {MATRIX_NAME_MAX} characters (the runner adds a \
             suffix such as -1a2b3c4d, as the homeserver keeps accounts from earlier runs)"
        ));
    }
    allows
        .iter()
        .map(|network| match network.as_str() {
            MATRIX => NetworkName::parse(MATRIX).map_err(|e| e.to_string()),
            other => Err(format!(
                "person {name} allows {other}: a Matrix person allows only \"matrix\" (Matrix turned on, under \
                 the Matrix disclosure)"
            )),
        })
        .collect()
}

/// Checks a step against the kinds of the people it names.
pub fn check(action: &Action, roster: &Roster, timeout: Duration) -> Result<(), String> {
    let (Some(actor), others) = action.participants() else { return Ok(()) };
    let Some(kind) = roster.people.get(actor).copied() else { return Ok(()) };
    for other in others {
        match roster.kind_of(other) {
            Some(other_kind) if other_kind != kind => {
                return Err(format!(
                    "{actor} is {} and {other} is {}: Isthmus and Matrix people do not write to each other",
                    described(kind),
                    described(other_kind)
                ))
            }
            _ => {}
        }
    }
    match kind {
        NetworkKind::Isthmus => isthmus_step(actor, action),
        NetworkKind::Matrix => matrix_step(actor, action, timeout),
    }
}

fn described(kind: NetworkKind) -> &'static str {
    match kind {
        NetworkKind::Isthmus => "an Isthmus person",
        NetworkKind::Matrix => "a Matrix person",
    }
}

fn isthmus_step(actor: &str, action: &Action) -> Result<(), String> {
    match action {
        Action::Open { .. } => Err(format!(
            "open is for Matrix people (a direct Matrix chat); {actor} is on Isthmus, where the first message \
             opens the chat"
        )),
        Action::Allow { network, .. } | Action::Revoke { network, .. } if network == MATRIX => {
            Err(format!("{actor} is an Isthmus person: only a person on a matrix network turns Matrix on and off"))
        }
        _ => Ok(()),
    }
}

fn matrix_step(actor: &str, action: &Action, timeout: Duration) -> Result<(), String> {
    let refused = |why: &str| Err(format!("{actor} is a Matrix person: {why}"));
    match action {
        Action::Group(_) => refused("group steps are for Isthmus people (Matrix chats in scenarios are direct chats)"),
        Action::Allow { network, .. } | Action::Revoke { network, .. } if network != MATRIX => {
            refused(&format!("it turns Matrix on and off with network = \"matrix\", not {network:?}"))
        }
        Action::Confirm { .. } => refused("Matrix has no first-contact confirmation; `open` is the explicit act"),
        Action::ChangeIdentityKey { .. } | Action::ExpectKeyChange { .. } | Action::Acknowledge { .. } => {
            refused("Matrix has no key-change hold of Isthmus's kind (the Matrix client checks devices its own way)")
        }
        Action::Verify { .. } | Action::ExpectVerified { .. } => {
            refused("a Matrix chat has no safety number to verify (the Matrix client checks devices its own way)")
        }
        Action::ExpectMessage { kind: Some(super::model::ChatKind::Request), .. } => refused(
            "a Matrix request shows no messages until it is accepted (an invitation's room is readable by members \
             only): expect_request, then accept, then expect_message",
        ),
        Action::Send { expect, .. } => match parse::send_outcome(expect.as_deref())? {
            SendOutcome::Sent | SendOutcome::Read | SendOutcome::Refused(_) => Ok(()),
            SendOutcome::Delivered => refused(NO_DELIVERED),
            SendOutcome::Pending | SendOutcome::Failed(_) => refused(ANSWERED_AT_ONCE),
        },
        Action::ExpectStatus { status, .. } => match parse::status_expectation(status)? {
            StatusExpectation::Sent => settle_fits(actor, timeout),
            StatusExpectation::Read => Ok(()),
            StatusExpectation::Delivered => refused(NO_DELIVERED),
            StatusExpectation::Pending | StatusExpectation::Failed(_) => refused(ANSWERED_AT_ONCE),
        },
        Action::ExpectNoMessage { .. } | Action::ExpectNoRequest { .. } => settle_fits(actor, timeout),
        _ => Ok(()),
    }
}

const NO_DELIVERED: &str = "Matrix has no delivery receipts: expect sent, or read once the peer has read the chat";
const ANSWERED_AT_ONCE: &str = "the homeserver answers a Matrix send before the step goes on, and its refusals carry \
                                no Isthmus code: expect sent, read or refused:CODE";

/// A negative expectation for a Matrix person watches for `MATRIX_SETTLE`: the step's timeout
/// must leave room for it.
fn settle_fits(actor: &str, timeout: Duration) -> Result<(), String> {
    let needed = MATRIX_SETTLE + SETTLE_MARGIN;
    if timeout < needed {
        return Err(format!(
            "{actor} is a Matrix person: this step watches for {} s (Matrix has no sync point, see \
             docs/scenarios.md), so timeout_ms must be at least {}",
            MATRIX_SETTLE.as_secs(),
            needed.as_millis()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::model::Scenario;
    use super::super::parse::{parse, FileError};

    const HEAD: &str = "name = \"t\"\n[[network]]\nname = \"localhost\"\nkind = \"matrix\"\n\
        [[network]]\nname = \"meadow.test\"\n\
        [[person]]\nname = \"vic\"\nnetwork = \"localhost\"\nallows = [\"matrix\"]\n\
        [[person]]\nname = \"wren\"\nnetwork = \"localhost\"\n\
        [[person]]\nname = \"alice\"\nnetwork = \"meadow.test\"\n";

    fn read(text: &str) -> Result<Scenario, FileError> {
        parse(Path::new("m.toml"), text)
    }

    fn refused(text: &str, wanted: &str) {
        let error = read(text).expect_err("the file asks what Matrix people cannot do");
        assert!(error.to_string().contains(wanted), "{error} should say {wanted:?}");
    }

    #[test]
    fn a_matrix_file_reads_with_its_kind_and_open_steps() {
        let text = format!(
            "{HEAD}[[step]]\ndo = \"open\"\nperson = \"vic\"\npeer = \"wren\"\n\
             [[step]]\ndo = \"send\"\nfrom = \"vic\"\nto = \"wren\"\ntext = \"hi\"\n\
             [[step]]\ndo = \"revoke\"\nperson = \"vic\"\nnetwork = \"matrix\"\n"
        );
        let scenario = read(&text).expect("a valid Matrix file reads");
        let vic = scenario.people.iter().find(|p| p.name == "vic").expect("vic");
        assert_eq!(vic.kind, super::NetworkKind::Matrix, "vic is on the matrix network");
        assert_eq!(vic.allows.len(), 1, "allows = [\"matrix\"] turns Matrix on at the start");
        assert_eq!(scenario.steps[0].action.name(), "open");
    }

    #[test]
    fn network_fields_must_fit_the_kind() {
        refused(
            "name = \"t\"\n[[network]]\nname = \"localhost\"\nkind = \"matrix\"\n[network.limits]\nfirst_contacts_per_sender_per_hour = 2\n",
            "limits are for Isthmus relays",
        );
        refused(
            "name = \"t\"\n[[network]]\nname = \"meadow.test\"\nshared_secret = \"s\"\n",
            "shared_secret is for a Matrix homeserver",
        );
        refused("name = \"t\"\n[[network]]\nname = \"localhost\"\nkind = \"irc\"\n", "unknown variant `irc`");
        refused("name = \"t\"\n[[network]]\nname = \"matrix\"\n", "the name is taken");
    }

    #[test]
    fn people_of_the_two_kinds_do_not_write_to_each_other() {
        refused(
            &format!("{HEAD}[[step]]\ndo = \"send\"\nfrom = \"alice\"\nto = \"vic\"\ntext = \"hi\"\n"),
            "Isthmus and Matrix people do not write to each other",
        );
        refused(
            &format!("{HEAD}[[step]]\ndo = \"expect_message\"\nperson = \"vic\"\nfrom = \"nobody@meadow.test\"\ntext = \"hi\"\n"),
            "Isthmus and Matrix people do not write to each other",
        );
        refused(
            &format!("{HEAD}[[step]]\ndo = \"open\"\nperson = \"alice\"\npeer = \"bob@meadow.test\"\n"),
            "open is for Matrix people",
        );
        refused(
            &format!("{HEAD}[[step]]\ndo = \"allow\"\nperson = \"alice\"\nnetwork = \"matrix\"\n"),
            "only a person on a matrix network",
        );
    }

    #[test]
    fn isthmus_only_mechanisms_are_refused_for_matrix_people_with_the_reason() {
        let cases = [
            ("do = \"confirm\"\nperson = \"vic\"\npeer = \"wren\"", "no first-contact confirmation"),
            ("do = \"acknowledge\"\nperson = \"vic\"\npeer = \"wren\"", "no key-change hold"),
            ("do = \"verify\"\nperson = \"vic\"\npeer = \"wren\"", "no safety number"),
            ("do = \"allow\"\nperson = \"vic\"\nnetwork = \"meadow.test\"", "with network = \"matrix\""),
            (
                "do = \"send\"\nfrom = \"vic\"\nto = \"wren\"\ntext = \"hi\"\nexpect = \"delivered\"",
                "no delivery receipts",
            ),
            (
                "do = \"send\"\nfrom = \"vic\"\nto = \"wren\"\ntext = \"hi\"\nexpect = \"failed:unknown_account\"",
                "no Isthmus code",
            ),
            (
                "do = \"send\"\nfrom = \"vic\"\nto = \"wren\"\ntext = \"hi\"\nexpect = \"pending\"",
                "before the step goes on",
            ),
            (
                "do = \"expect_status\"\nperson = \"vic\"\npeer = \"wren\"\ntext = \"hi\"\nstatus = \"delivered\"",
                "no delivery receipts",
            ),
            (
                "do = \"expect_message\"\nperson = \"vic\"\nfrom = \"wren\"\ntext = \"hi\"\nas = \"request\"",
                "no messages until it is accepted",
            ),
            (
                "do = \"create_group\"\nperson = \"vic\"\ngroup = \"g\"\nname = \"G\"\nmembers = [\"wren\"]",
                "group steps are for Isthmus people",
            ),
            (
                "do = \"expect_no_message\"\nperson = \"vic\"\nfrom = \"wren\"\ntext = \"hi\"\ntimeout_ms = 3000",
                "timeout_ms must be at least",
            ),
        ];
        for (step, wanted) in cases {
            let error = read(&format!("{HEAD}[[step]]\n{step}\n")).expect_err("refused before running");
            let message = error.to_string();
            assert!(message.contains(wanted), "{step}: {message} should say {wanted:?}");
            assert!(error.line.is_some(), "{step}: the error points at the step's line: {message}");
        }
    }

    #[test]
    fn a_matrix_persons_allows_and_name_fit_the_homeserver() {
        refused(
            "name = \"t\"\n[[network]]\nname = \"localhost\"\nkind = \"matrix\"\n\
             [[person]]\nname = \"vic\"\nnetwork = \"localhost\"\nallows = [\"localhost\"]\n",
            "allows only \"matrix\"",
        );
        refused(
            "name = \"t\"\n[[network]]\nname = \"localhost\"\nkind = \"matrix\"\n\
             [[person]]\nname = \"abcdefghijklmnopqrstuvwx\"\nnetwork = \"localhost\"\n",
            "at most 23 characters",
        );
        refused(
            "name = \"t\"\n[[network]]\nname = \"localhost\"\nkind = \"matrix\"\n[[network]]\nname = \"meadow.test\"\n\
             [[person]]\nname = \"al\"\nnetwork = \"meadow.test\"\nallows = [\"localhost\"]\n",
            "that is a matrix network",
        );
    }
}
