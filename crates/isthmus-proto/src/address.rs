//! Addresses: `name@network`, plus a device id that is 1 until multi-device exists.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{wire, Error, Result};

/// What [`UserName::parse`] accepts, as a regular expression (for the OpenAPI document).
pub const NAME_PATTERN: &str = "^[a-z][a-z0-9._-]{0,31}$";
/// Network names of up to three labels, as a regular expression. [`NetworkName::parse`] also
/// takes longer ones (up to 253 characters); the document promises only what every relay takes.
pub const NETWORK_PATTERN: &str = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?){0,2}$";
/// `name@network`, from the two patterns above.
pub const ADDRESS_PATTERN: &str =
    "^[a-z][a-z0-9._-]{0,31}@[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?){0,2}$";

/// The only device id in use today. Every address carries one so multi-device needs no format change.
pub const DEFAULT_DEVICE: u32 = 1;

/// An account name on one network: 1 to 32 characters of `a-z`, `0-9`, `.`, `_`, `-`,
/// starting with a letter. Lower case only, so that names that look alike are the same name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct UserName(String);

impl UserName {
    pub fn parse(raw: &str) -> Result<Self> {
        if raw.is_empty() || raw.len() > 32 {
            return Err(Error::InvalidName("must be 1 to 32 characters"));
        }
        if !raw.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(Error::InvalidName("must start with a lower-case letter"));
        }
        if !raw.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')) {
            return Err(Error::InvalidName("only a-z, 0-9, '.', '_' and '-' are allowed"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A network's name: the relay's domain, such as `meadow.example` (lower case, no port).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
pub struct NetworkName(String);

impl NetworkName {
    pub fn parse(raw: &str) -> Result<Self> {
        if raw.is_empty() || raw.len() > 253 {
            return Err(Error::InvalidNetwork("must be 1 to 253 characters"));
        }
        for label in raw.split('.') {
            if label.is_empty() || label.len() > 63 {
                return Err(Error::InvalidNetwork("each label must be 1 to 63 characters"));
            }
            if label.starts_with('-') || label.ends_with('-') {
                return Err(Error::InvalidNetwork("a label may not start or end with '-'"));
            }
            if !label.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                return Err(Error::InvalidNetwork("only a-z, 0-9, '-' and '.' are allowed"));
            }
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_newtype_conversions {
    ($ty:ty) => {
        impl TryFrom<String> for $ty {
            type Error = Error;
            fn try_from(raw: String) -> Result<Self> {
                Self::parse(&raw)
            }
        }
        impl From<$ty> for String {
            fn from(value: $ty) -> String {
                value.0
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl FromStr for $ty {
            type Err = Error;
            fn from_str(raw: &str) -> Result<Self> {
                Self::parse(raw)
            }
        }
    };
}
string_newtype_conversions!(UserName);
string_newtype_conversions!(NetworkName);

/// A network name in the OpenAPI document: a string of [`NETWORK_PATTERN`].
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for NetworkName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(NETWORK_PATTERN))
            .examples(["harbor.example"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for NetworkName {}

/// A validated `name@network` address with its device.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Address {
    pub name: UserName,
    pub network: NetworkName,
    pub device: u32,
}

impl Address {
    pub fn new(name: UserName, network: NetworkName) -> Self {
        Self { name, network, device: DEFAULT_DEVICE }
    }

    /// `name@network`, without the device: what people type and see.
    pub fn account(&self) -> String {
        format!("{}@{}", self.name, self.network)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.name, self.network)
    }
}

impl FromStr for Address {
    type Err = Error;
    /// Parses `name@network`; the device is the default one.
    fn from_str(raw: &str) -> Result<Self> {
        let (name, network) = raw.split_once('@').ok_or(Error::InvalidAddress)?;
        Ok(Self::new(UserName::parse(name)?, NetworkName::parse(network)?))
    }
}

impl TryFrom<&wire::Address> for Address {
    type Error = Error;
    fn try_from(raw: &wire::Address) -> Result<Self> {
        Ok(Self {
            name: UserName::parse(&raw.name)?,
            network: NetworkName::parse(&raw.network)?,
            device: if raw.device == 0 { DEFAULT_DEVICE } else { raw.device },
        })
    }
}

impl From<&Address> for wire::Address {
    fn from(address: &Address) -> Self {
        wire::Address { name: address.name.to_string(), network: address.network.to_string(), device: address.device }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_rules() {
        assert!(UserName::parse("alice").is_ok());
        assert!(UserName::parse("a.b_c-9").is_ok());
        assert!(UserName::parse("").is_err(), "empty names are refused");
        assert!(UserName::parse("Alice").is_err(), "upper case would let look-alike names coexist");
        assert!(UserName::parse("9lives").is_err(), "names start with a letter");
        assert!(UserName::parse(&"a".repeat(33)).is_err(), "names are at most 32 characters");
        assert!(UserName::parse("al ice").is_err());
        assert!(UserName::parse("alïce").is_err(), "non-ASCII would allow homoglyphs");
    }

    #[test]
    fn networks_are_domains() {
        assert!(NetworkName::parse("meadow.example").is_ok());
        assert!(NetworkName::parse("meadow").is_ok());
        assert!(NetworkName::parse("meadow..example").is_err());
        assert!(NetworkName::parse("-meadow.example").is_err());
        assert!(NetworkName::parse("meadow.example:8080").is_err(), "the port belongs in the URL");
    }

    #[test]
    fn addresses_round_trip_through_text_and_wire() {
        let address: Address = "alice@meadow.example".parse().expect("valid");
        assert_eq!(address.to_string(), "alice@meadow.example");
        assert_eq!(address.device, DEFAULT_DEVICE);
        let wire = wire::Address::from(&address);
        assert_eq!(Address::try_from(&wire).expect("valid"), address);
        assert!("alice".parse::<Address>().is_err());
        assert!("@meadow".parse::<Address>().is_err());
    }
}

#[cfg(test)]
mod pattern_tests {
    use super::*;

    #[test]
    fn what_the_patterns_match_parses() {
        let address = regex::Regex::new(ADDRESS_PATTERN).unwrap();
        let network = regex::Regex::new(NETWORK_PATTERN).unwrap();
        let name = regex::Regex::new(NAME_PATTERN).unwrap();
        for good in ["a@b", "alice.b-c_d@harbor.example", &format!("{}@{}.x.y", "z".repeat(32), "n".repeat(63))] {
            assert!(address.is_match(good), "{good}");
            assert!(good.parse::<Address>().is_ok(), "{good}");
        }
        for bad in ["A@b", "a@", "@b", "a@-b", "a@b.", "a b@c", &format!("{}@b", "z".repeat(33))] {
            assert!(!address.is_match(bad), "{bad}");
            assert!(bad.parse::<Address>().is_err(), "{bad}");
        }
        assert!(network.is_match("meadow.example") && !network.is_match("Meadow"));
        assert!(name.is_match("ada") && !name.is_match("9ada"));
    }
}
