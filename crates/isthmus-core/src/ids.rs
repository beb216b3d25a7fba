//! Identifiers: random, fixed-size, and shown as hex where they cross to a UI.

use std::fmt;
use std::str::FromStr;

use rand::RngCore;
use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $len:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
        pub struct $name(pub [u8; $len]);

        impl $name {
            pub fn random() -> Self {
                let mut bytes = [0u8; $len];
                rand::rng().fill_bytes(&mut bytes);
                Self(bytes)
            }
            pub fn from_slice(bytes: &[u8]) -> Option<Self> {
                <[u8; $len]>::try_from(bytes).ok().map(Self)
            }
            pub fn as_bytes(&self) -> &[u8] {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&hex::encode(self.0))
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self)
            }
        }
        impl FromStr for $name {
            type Err = crate::Error;
            fn from_str(raw: &str) -> crate::Result<Self> {
                hex::decode(raw)
                    .ok()
                    .and_then(|bytes| Self::from_slice(&bytes))
                    .ok_or_else(|| crate::Error::Protocol(format!("not a {}", stringify!($name))))
            }
        }
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_string())
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                raw.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

id_type!(
    /// A message's id, chosen by its author and carried inside the encryption; replies,
    /// reactions, edits, deletes and receipts name messages by it.
    MessageId,
    16
);
id_type!(
    /// An envelope's id, chosen by the sender; receivers drop an envelope whose id they have seen.
    EnvelopeId,
    16
);
id_type!(
    /// A group's id, chosen at random by its creator. Relays see it on group envelopes (so a
    /// member's relay can let only the groups it joined through); it names nobody.
    GroupId,
    16
);
id_type!(
    /// A conversation's id: a keyed hash of the account and the other person's address, so it
    /// names nobody on disk.
    ConversationId,
    32
);
