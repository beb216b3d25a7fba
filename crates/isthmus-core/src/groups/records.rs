//! Group records in the sealed store, one per group an account is in or was invited to.
//!
//! Keys: `Groups[account_key ++ group_id]`. A group's chat is an ordinary conversation whose
//! id is a keyed hash of the account and the group id, with `group` set and the account itself
//! as `peer`; its messages and notices live in the timeline like any chat's.

use isthmus_proto::{wire, Address};
use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, GroupId};
use crate::model::Conversation;
use crate::store::{SealedStore, Tree};
use crate::tx::Tx;
use crate::{Error, Result};

/// The most members a group may have, the user included.
pub const MAX_MEMBERS: usize = 256;
/// The longest group name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMember {
    /// `name@network`.
    pub address: String,
    pub admin: bool,
}

/// Where the account stands in a group.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Membership {
    Member,
    /// Someone the account's "who can add me" setting did not let add it invited it: nothing of
    /// the group reaches it until it accepts (its relay refuses the group's traffic).
    Invited {
        by: String,
    },
    /// The account left; the chat stays, read-only.
    Left,
    /// An admin removed the account; the chat stays, read-only.
    Removed,
}

/// A group as front ends see it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: GroupId,
    /// The profile's account this group belongs to.
    pub account: Address,
    pub name: String,
    /// Who created the group; their network is the group's home.
    pub creator: String,
    /// The revision of the state below: every change makes the next one.
    pub revision: u64,
    pub members: Vec<GroupMember>,
    pub membership: Membership,
    pub conversation: ConversationId,
}

/// What is stored: the group and the account's own sender key for it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GroupRecord {
    pub group: Group,
    /// The distribution id of the account's current sender key for this group (a UUID). A new
    /// one after every removal or departure, so whoever left cannot read what follows.
    pub distribution: [u8; 16],
    /// Members (`name@network`) that were sent the current sender key.
    pub key_holders: Vec<String>,
    /// Members who left on their own. Leaving is not ordered by an admin: an admin's change
    /// made before the admin heard of it still lists them, and must not bring them back.
    /// Only an admin's add of that person again takes them off this list.
    #[serde(default)]
    pub departed: Vec<String>,
}

impl Group {
    pub fn member(&self, address: &str) -> Option<&GroupMember> {
        self.members.iter().find(|member| member.address == address)
    }

    /// Takes `address` out of the members. A group is never left without an admin: the
    /// longest-standing member left takes over.
    pub fn drop_member(&mut self, address: &str) {
        self.members.retain(|m| m.address != address);
        if !self.members.iter().any(|m| m.admin) {
            if let Some(first) = self.members.first_mut() {
                first.admin = true;
            }
        }
    }

    pub fn is_admin(&self, address: &str) -> bool {
        self.member(address).is_some_and(|member| member.admin)
    }

    /// The other members' addresses (skipping any that does not parse).
    pub fn others(&self) -> Vec<Address> {
        let me = self.account.account();
        self.members.iter().filter(|m| m.address != me).filter_map(|m| m.address.parse().ok()).collect()
    }

    /// The state as it travels in a `GroupUpdate`.
    pub fn to_wire(&self, change: wire::GroupChange) -> wire::GroupUpdate {
        wire::GroupUpdate {
            revision: self.revision,
            name: self.name.clone(),
            members: self
                .members
                .iter()
                .map(|m| wire::GroupMember { address: m.address.clone(), admin: m.admin })
                .collect(),
            change: Some(change),
        }
    }
}

impl GroupRecord {
    pub fn distribution_id(&self) -> uuid::Uuid {
        uuid::Uuid::from_bytes(self.distribution)
    }

    /// An admin's state replaces the members, without those who left meanwhile (unless this
    /// very change adds them again).
    pub fn take_members(&mut self, members: Vec<GroupMember>, added: &[String]) {
        self.departed.retain(|gone| !added.contains(gone));
        self.group.members = members;
        for gone in self.departed.clone() {
            self.group.drop_member(&gone);
        }
    }

    /// A new sender key for the group: nobody holds it yet.
    pub fn rotate_key(&mut self) {
        self.distribution = *uuid::Uuid::new_v4().as_bytes();
        self.key_holders.clear();
    }
}

fn key(account_key: &[u8; 32], id: &GroupId) -> Vec<u8> {
    let mut key = account_key.to_vec();
    key.extend_from_slice(&id.0);
    key
}

pub fn conversation_id(store: &SealedStore, account: &Address, id: &GroupId) -> ConversationId {
    let label = format!("{}\ngroup {id}", account.account());
    ConversationId(store.name_key("conversation", label.as_bytes()))
}

pub fn load(tx: &Tx, account: &Address, id: &GroupId) -> Result<Option<GroupRecord>> {
    load_by_key(tx, &crate::account::account_key(tx.store(), account), id)
}

/// `load` outside a transaction: what is committed.
pub fn load_committed(store: &SealedStore, account: &Address, id: &GroupId) -> Result<Option<GroupRecord>> {
    Ok(store.get_json(Tree::Groups, &key(&crate::account::account_key(store, account), id))?)
}

pub fn load_by_key(tx: &Tx, account_key: &[u8; 32], id: &GroupId) -> Result<Option<GroupRecord>> {
    tx.get_json(Tree::Groups, &key(account_key, id))
}

/// The group, or `NoSuchGroup`.
pub fn existing(tx: &Tx, account: &Address, id: &GroupId) -> Result<GroupRecord> {
    load(tx, account, id)?.ok_or(Error::NoSuchGroup)
}

pub fn save(tx: &mut Tx, record: &GroupRecord) -> Result<()> {
    let account_key = crate::account::account_key(tx.store(), &record.group.account);
    tx.put_json(Tree::Groups, key(&account_key, &record.group.id), record)
}

pub fn remove(tx: &mut Tx, account: &Address, id: &GroupId) {
    let account_key = crate::account::account_key(tx.store(), account);
    tx.remove(Tree::Groups, key(&account_key, id));
}

/// Every group of `account`, by name.
pub fn list(store: &SealedStore, account: &Address) -> Result<Vec<Group>> {
    let account_key = crate::account::account_key(store, account);
    let mut groups: Vec<Group> = store
        .scan_prefix_json::<GroupRecord>(Tree::Groups, &account_key)?
        .into_iter()
        .map(|(_, record)| record.group)
        .collect();
    groups.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(groups)
}

/// The group's chat as stored, or a new one (not saved yet).
pub fn conversation(tx: &Tx, group: &Group) -> Result<Conversation> {
    if let Some(existing) = crate::conversations::load(tx, &group.conversation)? {
        return Ok(existing);
    }
    Ok(Conversation {
        request: matches!(group.membership, Membership::Invited { .. }),
        group: Some(group.id),
        title: Some(group.name.clone()),
        matrix: None,
        ..crate::conversations::blank(group.conversation, &group.account, &group.account)
    })
}

/// A group name as given by a person: trimmed, not empty, not too long.
pub fn checked_name(name: &str) -> Result<String> {
    let name = crate::untrusted_text::without_hidden(&crate::untrusted_text::one_line(name)).trim().to_owned();
    if name.is_empty() {
        return Err(Error::InvalidGroup("a group needs a name".into()));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::InvalidGroup(format!("a group name has at most {MAX_NAME_CHARS} characters")));
    }
    Ok(name)
}

/// The members of a received update, checked: parsable addresses, no duplicates, not too many.
pub fn members_from_wire(members: &[wire::GroupMember]) -> Result<Vec<GroupMember>> {
    if members.len() > MAX_MEMBERS {
        return Err(Error::Protocol("a group update with too many members".into()));
    }
    let mut seen = std::collections::HashSet::new();
    let mut checked = Vec::with_capacity(members.len());
    for member in members {
        let address: Address =
            member.address.parse().map_err(|_| Error::Protocol("a group member is not an address".into()))?;
        let address = address.account();
        if seen.insert(address.clone()) {
            checked.push(GroupMember { address, admin: member.admin });
        }
    }
    Ok(checked)
}
