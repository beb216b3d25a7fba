//! `/v1/account/discoverability`: who may look an account up (its directory entry and its key
//! bundle, which a first message needs). Anyone not allowed gets exactly the answer a missing
//! account gets, on the account's own network as on every other.

use serde::{Deserialize, Serialize};

/// Who may find an account.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

impl Discoverability {
    pub fn as_str(self) -> &'static str {
        match self {
            Discoverability::Everyone => "everyone",
            Discoverability::Contacts => "contacts",
        }
    }
}

/// Neither `everyone` nor `contacts`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("discoverable by everyone or contacts")]
pub struct UnknownDiscoverability;

impl std::str::FromStr for Discoverability {
    type Err = UnknownDiscoverability;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        [Discoverability::Everyone, Discoverability::Contacts]
            .into_iter()
            .find(|choice| choice.as_str() == raw)
            .ok_or(UnknownDiscoverability)
    }
}

/// The body of `GET` and `PUT /v1/account/discoverability`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscoverabilityJson {
    pub discoverable_by: Discoverability,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_read_back_as_they_are_written_on_the_wire() {
        for choice in [Discoverability::Everyone, Discoverability::Contacts] {
            assert_eq!(choice.as_str().parse::<Discoverability>(), Ok(choice));
            assert_eq!(serde_json::to_string(&choice).expect("serializes"), format!("\"{}\"", choice.as_str()));
        }
        assert_eq!("nobody".parse::<Discoverability>(), Err(UnknownDiscoverability));
    }
}
