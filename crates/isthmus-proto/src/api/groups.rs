//! `/v1/account/groups`: who may add the account to a group (the rest of their adds become
//! invitations), and the groups it joins or leaves. The recipient's relay enforces both: group
//! traffic reaches an account only for a group it is a member of.

use serde::{Deserialize, Serialize};

/// A group's id on the wire (`Envelope.group_id`): 16 random bytes chosen by its creator.
pub const GROUP_ID_LEN: usize = 16;

/// Who may add an account to a group. Anyone else's add reaches it as an invitation, and nothing
/// else of that group does until the account accepts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupAdds {
    /// Everyone its interop setting lets reach it (on its own network: everyone).
    #[default]
    Networks,
    /// Only its contacts.
    Contacts,
    /// Nobody: every add is an invitation.
    Nobody,
}

impl GroupAdds {
    pub const ALL: [GroupAdds; 3] = [GroupAdds::Networks, GroupAdds::Contacts, GroupAdds::Nobody];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupAdds::Networks => "networks",
            GroupAdds::Contacts => "contacts",
            GroupAdds::Nobody => "nobody",
        }
    }
}

/// Neither `networks`, `contacts` nor `nobody`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("group adds by networks, contacts or nobody")]
pub struct UnknownGroupAdds;

impl std::str::FromStr for GroupAdds {
    type Err = UnknownGroupAdds;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        GroupAdds::ALL.into_iter().find(|choice| choice.as_str() == raw).ok_or(UnknownGroupAdds)
    }
}

/// The body of `GET` and `PUT /v1/account/groups/adds`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupAddsJson {
    pub who_can_add: GroupAdds,
}

/// The body of `GET` and `PUT /v1/account/groups/networks`: the other networks whose people may
/// add the account to groups. Allowing a network (interop) under a disclosure that did not yet
/// say what groups do across networks does not include its groups: the person is asked again,
/// and until then adds from that network answer as for a missing account.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupNetworksJson {
    /// At most 64 (the relay's default limit, as for interop).
    #[cfg_attr(feature = "openapi", schema(max_items = 64))]
    pub networks: Vec<crate::NetworkName>,
}

/// A group id as a path segment spells it: exactly 32 hex characters (either case).
pub fn parse_group_id(hex: &str) -> Option<[u8; GROUP_ID_LEN]> {
    let digits = hex.as_bytes();
    if digits.len() != GROUP_ID_LEN * 2 {
        return None;
    }
    let mut id = [0u8; GROUP_ID_LEN];
    for (byte, pair) in id.iter_mut().zip(digits.chunks_exact(2)) {
        let high = char::from(pair[0]).to_digit(16)?;
        let low = char::from(pair[1]).to_digit(16)?;
        *byte = u8::try_from(high * 16 + low).ok()?;
    }
    Some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_read_back_as_they_are_written_on_the_wire() {
        for choice in GroupAdds::ALL {
            assert_eq!(choice.as_str().parse::<GroupAdds>(), Ok(choice));
            assert_eq!(serde_json::to_string(&choice).expect("serializes"), format!("\"{}\"", choice.as_str()));
        }
        assert_eq!("everyone".parse::<GroupAdds>(), Err(UnknownGroupAdds));
        assert_eq!(GroupAdds::default(), GroupAdds::Networks, "an account that never chose keeps today's reach");
    }

    #[test]
    fn group_ids_are_exactly_32_hex_characters() {
        let id = [0xab; GROUP_ID_LEN];
        assert_eq!(parse_group_id(&"ab".repeat(16)), Some(id));
        assert_eq!(parse_group_id(&"AB".repeat(16)), Some(id), "either case");
        assert_eq!(parse_group_id(&"ab".repeat(15)), None, "too short");
        assert_eq!(parse_group_id(&"ab".repeat(17)), None, "too long");
        assert_eq!(parse_group_id(&format!("{}zz", "ab".repeat(15))), None, "not hex");
        assert_eq!(parse_group_id(&format!("{}+1", "ab".repeat(15))), None, "a sign is not a digit");
    }
}
