//! `/v1/account/discoverability`: who may look an account up (its directory entry and its key
//! bundle, which a first message needs). Anyone not allowed gets exactly the answer a missing
//! account gets, on the account's own network as on every other.

use serde::{Deserialize, Serialize};

/// Who may find an account.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discoverability {
    /// Everyone its interop setting lets reach it (on its own network: everyone).
    #[default]
    Everyone,
    /// Only people it wrote to, accepted, or exchanged messages with.
    Contacts,
}

/// The body of `GET` and `PUT /v1/account/discoverability`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscoverabilityJson {
    pub discoverable_by: Discoverability,
}
