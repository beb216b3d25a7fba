//! The interop disclosure: what a user is told, in plain words, before turning interop on for
//! a network. It is versioned; a decision names the version it was made under, and the engine
//! refuses a decision made under any other version than the current one.
//!
//! Version 2 says what group chats do across networks (version 1 said they did not work).
//! Someone who allowed a network under version 1 is asked again before that network's people
//! can add them to groups (`ledger::consented_under`, `Engine::interop_to_review`).

use serde::Serialize;

/// The current disclosure. Change the text below only together with this version.
pub const DISCLOSURE_VERSION: &str = "interop-disclosure-v2";

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Disclosure {
    pub version: &'static str,
    /// The network the disclosure is about.
    pub network: String,
    pub title: String,
    /// The facts, one per item, in the order they are shown.
    pub facts: Vec<String>,
    /// What does not work across networks.
    pub not_available: Vec<&'static str>,
}

/// Features that do not work in chats with another network.
pub const NOT_AVAILABLE_ACROSS_NETWORKS: [&str; 3] =
    ["profile photos", "voice and video calls", "disappearing messages"];

pub fn disclosure(network: &str) -> Disclosure {
    Disclosure {
        version: DISCLOSURE_VERSION,
        network: network.to_owned(),
        title: format!("Let people on {network} reach you?"),
        facts: vec![
            format!("People who use {network} will be able to send you messages and message requests."),
            format!("Spam and scams may be more common on {network}. Messages from people you don't know arrive as requests you can accept, delete, block or report."),
            format!("{network} has its own policies and may handle your data differently. Messages stay end-to-end encrypted, but {network} sees who you talk to and when."),
            format!("People on {network} can add you to group chats, as your setting for who can add you allows; anyone else's add arrives as an invitation, and nothing of that group reaches you unless you accept it."),
            format!("In a group, every member sees your address and network, and {network} learns that its people are in a group with you (never the group's name or messages)."),
            "Your profile photo is not shared with other networks.".to_owned(),
            format!("Some features don't work with people on {network}: {}.", NOT_AVAILABLE_ACROSS_NETWORKS.join(", ")),
            "You can turn this off at any time. Chats with this network then become read-only.".to_owned(),
        ],
        not_available: NOT_AVAILABLE_ACROSS_NETWORKS.to_vec(),
    }
}

/// The Matrix disclosure's version. Change the text of `matrix_disclosure` only together with it.
pub const MATRIX_DISCLOSURE_VERSION: &str = "matrix-disclosure-v1";

/// What a person is told before turning Matrix on for a Matrix account. Matrix is not a network
/// of Isthmus's kind: it is an open federation, and its rooms may not be encrypted.
pub fn matrix_disclosure() -> Disclosure {
    Disclosure {
        version: MATRIX_DISCLOSURE_VERSION,
        network: "Matrix".to_owned(),
        title: "Turn on chats with Matrix?".to_owned(),
        facts: vec![
            "Matrix is an open federation: anyone on any Matrix server can invite you. Invitations from people you have no chat with arrive as requests you can accept, decline, block or report.".to_owned(),
            "Spam and scams can come from any server. Nothing goes back to a request (no read receipt, no typing) until you accept it.".to_owned(),
            "Room state and metadata (who is in a room, names, when messages were sent) are kept on every server that takes part, under that server's own policies.".to_owned(),
            "Messages are end-to-end encrypted where the room is. Some rooms are not encrypted; those are marked as unencrypted, and everything in them is readable by the servers.".to_owned(),
            "Your Matrix client runs on this device: Isthmus decrypts nothing anywhere else.".to_owned(),
            format!("Some features don't work with Matrix: {}.", NOT_AVAILABLE_ACROSS_NETWORKS.join(", ")),
            "You can turn this off at any time. Your Matrix chats then become read-only.".to_owned(),
        ],
        not_available: NOT_AVAILABLE_ACROSS_NETWORKS.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The disclosure as the engine words it, with `{network}` where the network's name goes:
    /// `fixtures/disclosure.json`, which the UI's demo backend is tested against too, so the two
    /// cannot drift. `UPDATE_FIXTURES=1 cargo test -p isthmus-core disclosure` rewrites it.
    #[test]
    fn the_fixture_is_the_disclosure_the_engine_shows() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/disclosure.json");
        let current = serde_json::to_string_pretty(&disclosure("{network}")).expect("serializes") + "\n";
        if std::env::var_os("UPDATE_FIXTURES").is_some() {
            std::fs::write(&path, &current).expect("writes the fixture");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            committed, current,
            "fixtures/disclosure.json is stale: UPDATE_FIXTURES=1 cargo test -p isthmus-core disclosure"
        );
    }

    #[test]
    fn the_disclosure_states_every_required_fact() {
        let text = disclosure("harbor.example").facts.join(" ").to_lowercase();
        for required in [
            "send you messages",
            "spam and scams",
            "own policies",
            "group chats",
            "invitation",
            "profile photo is not shared",
            "don't work",
        ] {
            assert!(text.contains(required), "the disclosure must say {required:?}");
        }
        assert!(text.contains("harbor.example"), "the disclosure names the network");
    }
}
