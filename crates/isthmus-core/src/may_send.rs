//! Whether a chat may send now, and if not, why: the one rule. The engine checks it before
//! every send; the demo backend and the composer run the same rule in TypeScript
//! (`ui/src/logic/maySend.ts`), and both are tested against one list of cases
//! (`fixtures/may_send.json`), so they cannot drift apart.

use serde::Deserialize;

use crate::ErrorCode;

/// Where the chat stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatState {
    /// No chat yet: this send starts one.
    None,
    /// Someone new wrote first and the user has not accepted yet.
    Request,
    Open,
}

/// What the rule decides on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub struct SendState {
    /// The peer is on another network than the account.
    pub cross_network: bool,
    /// The account allows the peer's network (always so on its own network).
    pub network_allowed: bool,
    pub blocked: bool,
    /// The peer's identity key changed and the user has not acknowledged it.
    pub key_change_held: bool,
    pub chat: ChatState,
    /// The user confirmed writing first to this address on another network.
    pub first_contact_confirmed: bool,
}

impl SendState {
    /// The state of a chat with `contact`: the chat's networks, the account's interop setting
    /// and where the chat stands.
    pub fn of(contact: &crate::consent::Contact, cross_network: bool, network_allowed: bool, chat: ChatState) -> Self {
        Self {
            cross_network,
            network_allowed,
            blocked: contact.blocked,
            key_change_held: contact.key_change_held,
            chat,
            first_contact_confirmed: contact.first_contact_confirmed,
        }
    }
}

/// `None` when the chat may send; otherwise the first reason, in this order: the network is
/// not allowed, the peer is blocked, their key change is not acknowledged, the chat is a pending
/// request, a first contact on another network is not confirmed.
pub fn refusal(state: &SendState) -> Option<ErrorCode> {
    if state.cross_network && !state.network_allowed {
        return Some(ErrorCode::InteropOff);
    }
    if state.blocked {
        return Some(ErrorCode::Blocked);
    }
    if state.key_change_held {
        return Some(ErrorCode::KeyChangeUnacknowledged);
    }
    match state.chat {
        ChatState::Request => Some(ErrorCode::RequestPending),
        ChatState::None if state.cross_network && !state.first_contact_confirmed => {
            Some(ErrorCode::FirstContactRequired)
        }
        ChatState::None | ChatState::Open => None,
    }
}

/// The error a send answers for the rule's `code`: `network` is the one not allowed (for
/// `interop_off`), `peer` the person the chat is with.
pub fn refusal_error(code: ErrorCode, network: &str, peer: &isthmus_proto::Address) -> crate::Error {
    use crate::Error;
    match code {
        ErrorCode::InteropOff => Error::InteropOff(network.to_owned()),
        ErrorCode::Blocked => Error::Blocked(peer.to_string()),
        ErrorCode::KeyChangeUnacknowledged => Error::KeyChangeUnacknowledged(peer.to_string()),
        ErrorCode::RequestPending => Error::RequestPending,
        ErrorCode::FirstContactRequired => Error::FirstContactRequired(peer.to_string()),
        other => Error::Protocol(format!("the send rule gave {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Case {
        state: SendState,
        refusal: Option<ErrorCode>,
    }

    #[derive(Deserialize)]
    struct Fixture {
        cases: Vec<Case>,
    }

    #[test]
    fn the_rule_answers_every_case_of_the_shared_fixture() {
        let fixture: Fixture =
            serde_json::from_str(include_str!("../fixtures/may_send.json")).expect("the fixture parses");
        assert!(fixture.cases.len() >= 50, "the fixture covers the combinations");
        for case in &fixture.cases {
            assert_eq!(refusal(&case.state), case.refusal, "{:?}", case.state);
        }
    }
}
