//! What the relay enforces for groups, at the recipient's relay, under the recipient's consent
//! lock: who may make an account a member with an add (its `GroupAdds` setting; the rest are
//! invitations), and that nothing else of a group reaches an account that is not a member, which
//! answers exactly like a missing account. The relay keeps only which of its own accounts are in
//! which group ids.

use isthmus_proto::api::{GroupAdds, GROUP_ID_LEN};
use isthmus_proto::{wire, Address, Message as _, UserName};

use crate::consent::{self, Admission};
use crate::coordination::Window;
use crate::error_code::ApiError;
use crate::state::RelayState;
use crate::store::{DeliveryFacts, DeviceKey, GroupMembership, Standing};

/// What an envelope is to a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupPart {
    /// Not group traffic: the pairwise rules alone decide.
    None,
    /// The sender adds the recipient to the group.
    Add([u8; GROUP_ID_LEN]),
    /// A group message, sender key, update or receipt: for members only.
    Traffic([u8; GROUP_ID_LEN]),
}

impl GroupPart {
    /// Reads and checks the envelope's group fields: a group id is 16 bytes or absent, and an add
    /// or an invitation names its group.
    pub fn of(envelope: &wire::Envelope) -> Result<Self, ApiError> {
        if envelope.group_id.is_empty() {
            if envelope.group_add || envelope.group_invitation {
                return Err(ApiError::bad_request("a group add or invitation needs a group id"));
            }
            return Ok(GroupPart::None);
        }
        let id: [u8; GROUP_ID_LEN] = envelope
            .group_id
            .as_slice()
            .try_into()
            .map_err(|_| ApiError::bad_request("the group id must be 16 bytes"))?;
        Ok(if envelope.group_add { GroupPart::Add(id) } else { GroupPart::Traffic(id) })
    }

    /// Whether the envelope is group traffic other than an add: members of one group write to
    /// each other without being contacts, so it never counts as a first contact.
    pub fn is_traffic(self) -> bool {
        matches!(self, GroupPart::Traffic(_))
    }
}

/// Admits group traffic: only to a member of the group, whoever of the senders the account
/// has not blocked sends it. Anything else answers exactly like a missing account, so a group
/// the account declined learns nothing more than from an account that does not exist.
pub async fn admit_traffic(
    state: &RelayState,
    recipient: &UserName,
    facts: &DeliveryFacts,
    group_id: &[u8],
) -> Result<Admission, ApiError> {
    if facts.blocked {
        return Err(ApiError::unknown_account());
    }
    match state.store.group_membership(recipient, group_id).await? {
        Some(GroupMembership::Member) => Ok(Admission::Known),
        Some(GroupMembership::Invited) | None => Err(ApiError::unknown_account()),
    }
}

/// An add admitted: what it counts as, and whether it reaches the account as an invitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdmittedAdd {
    pub admission: Admission,
    pub invitation: bool,
}

/// Admits an add and records what it makes of the recipient, from the recipient's setting: a
/// member, or (when the setting does not let this sender add it) invited. A member stays a
/// member. An add from anyone but a contact counts against the sender's first contacts, but
/// takes no request slot. Call under the recipient's lock, before the add is queued: a refusal
/// (too many groups, the sender's hour spent) then queues nothing.
pub async fn admit_add(
    state: &RelayState,
    recipient: &UserName,
    sender: &Address,
    facts: &DeliveryFacts,
    group_id: &[u8],
) -> Result<AdmittedAdd, ApiError> {
    if facts.blocked {
        return Err(ApiError::unknown_account());
    }
    // Across networks, only from a network the account allowed knowing what groups do there.
    if sender.network != state.domain && !state.store.group_networks(recipient).await?.contains(&sender.network) {
        return Err(ApiError::unknown_account());
    }
    let itself = sender.network == state.domain && &sender.name == recipient;
    let contact = itself || facts.standing == Standing::Contact;
    let admission = if contact {
        Admission::Known
    } else {
        let key = consent::sender_key(sender);
        state.coordination.check(Window::FirstContacts, &key).await?.map_err(ApiError::first_contacts_exhausted)?;
        Admission::GroupAdd
    };
    let allowed = itself
        || match state.store.group_adds(recipient).await? {
            GroupAdds::Networks => true,
            GroupAdds::Contacts => contact,
            GroupAdds::Nobody => false,
        };
    let current = state.store.group_membership(recipient, group_id).await?;
    let membership = match (current, allowed) {
        (Some(GroupMembership::Member), _) | (_, true) => GroupMembership::Member,
        (_, false) => GroupMembership::Invited,
    };
    if current != Some(membership) {
        let max = state.limits.max_groups_per_account;
        state.store.set_group_membership(recipient, group_id, membership, max).await?;
    }
    Ok(AdmittedAdd { admission, invitation: membership == GroupMembership::Invited })
}

fn group_of(envelope: &[u8]) -> Option<Vec<u8>> {
    let envelope = wire::Envelope::decode(envelope).ok()?;
    Some(envelope.group_id).filter(|id| !id.is_empty())
}

/// Deletes from `account`'s queue everything of the group it left or declined. Call under the
/// account's lock.
pub async fn purge_group(state: &RelayState, account: &Address, group_id: &[u8]) -> Result<usize, ApiError> {
    let device = DeviceKey::new(account.name.clone(), account.device);
    let group_id = group_id.to_vec();
    let doomed = move |bytes: &[u8]| group_of(bytes).is_some_and(|id| id == group_id);
    Ok(state.store.purge(&device, &doomed).await?)
}
