//! The user's own group changes, on the crypto worker: create, add, remove, leave, rename, make
//! admin, accept and decline. Each makes the group's next revision, notes it in the timeline and
//! queues the new state to the members over the pairwise sessions.
//!
//! Who orders changes: the admin who makes one names the revision it produces; members keep
//! the state with the highest revision, and of two changes with the same revision, the one they
//! saw first (see ARCHITECTURE.md, "Groups").

use std::cell::RefCell;
use std::rc::Rc;

use isthmus_proto::{wire, Address};
use libsignal_protocol::create_sender_key_distribution_message;

use crate::account::account_key;
use crate::events::Event;
use crate::ids::GroupId;
use crate::model::{GroupChangeKind, GroupNotice};
use crate::outbox::{self, GroupTag, OutboxEntry, OutboxKind};
use crate::signal_store::protocol_address;
use crate::tx::Tx;
use crate::worker::WorkerState;
use crate::{Error, Result};

use super::records::{self, Group, GroupMember, GroupRecord, Membership};
use super::timeline;

/// What the user changes in a group.
#[derive(Clone, Debug)]
pub enum GroupChange {
    Add(Vec<Address>),
    Remove(Address),
    Rename(String),
    MakeAdmin(Address),
    Leave,
}

/// Creates a group named `name` with the account as its admin and `members`, and sends each of
/// them an add (the state and the account's sender key). Their relays decide, by each one's
/// "who can add me" setting, whether they become members or are only invited.
pub async fn create(
    state: &mut WorkerState,
    account: &Address,
    id: GroupId,
    name: String,
    members: Vec<Address>,
) -> Result<Group> {
    let me = account.account();
    let mut listed = vec![GroupMember { address: me.clone(), admin: true }];
    listed.extend(members.iter().map(|m| GroupMember { address: m.account(), admin: false }));
    let mut record = GroupRecord {
        group: Group {
            id,
            account: account.clone(),
            name: name.clone(),
            creator: me.clone(),
            revision: 1,
            members: listed,
            membership: Membership::Member,
            conversation: records::conversation_id(&state.store, account, &id),
        },
        distribution: [0; 16],
        key_holders: Vec::new(),
        departed: Vec::new(),
    };
    record.rotate_key();
    let tx = Rc::new(RefCell::new(Tx::new(state.store.clone())));
    let change = wire::GroupChange { kind: wire::group_change::Kind::Created as i32, targets: Vec::new() };
    let mut events = Vec::new();
    let notice = GroupNotice { kind: GroupChangeKind::Created, by: me, targets: Vec::new(), name };
    timeline::note(&mut tx.borrow_mut(), &mut events, &record.group, notice)?;
    send_update(state, &tx, &mut record, &members, &[], change).await?;
    records::save(&mut tx.borrow_mut(), &record)?;
    tx.borrow_mut().commit()?;
    state.durable();
    state.emit(events);
    Ok(record.group)
}

/// Makes the user's change and sends the group's new state to whoever it concerns.
pub async fn change(state: &mut WorkerState, account: &Address, id: GroupId, change: GroupChange) -> Result<Group> {
    let tx = Rc::new(RefCell::new(Tx::new(state.store.clone())));
    let mut record = records::existing(&tx.borrow(), account, &id)?;
    if record.group.membership != Membership::Member {
        return Err(Error::NotGroupMember);
    }
    let me = account.account();
    if !matches!(change, GroupChange::Leave) && !record.group.is_admin(&me) {
        return Err(Error::NotGroupAdmin);
    }
    let before = record.group.others();
    let (kind, targets, added) = match change {
        GroupChange::Add(new) => {
            let new: Vec<Address> = new.into_iter().filter(|m| record.group.member(&m.account()).is_none()).collect();
            if new.is_empty() {
                return Err(Error::InvalidGroup("everyone named is in the group already".into()));
            }
            if record.group.members.len() + new.len() > records::MAX_MEMBERS {
                return Err(Error::InvalidGroup(format!("a group has at most {} members", records::MAX_MEMBERS)));
            }
            record.group.members.extend(new.iter().map(|m| GroupMember { address: m.account(), admin: false }));
            record.departed.retain(|gone| !new.iter().any(|m| &m.account() == gone));
            (GroupChangeKind::Added, new.iter().map(Address::account).collect(), new)
        }
        GroupChange::Remove(member) => {
            let target = member.account();
            if target == me || record.group.member(&target).is_none() {
                return Err(Error::InvalidGroup(format!("{target} is not another member of the group")));
            }
            record.group.drop_member(&target);
            (GroupChangeKind::Removed, vec![target], Vec::new())
        }
        GroupChange::MakeAdmin(member) => {
            let target = member.account();
            let Some(found) = record.group.members.iter_mut().find(|m| m.address == target) else {
                return Err(Error::InvalidGroup(format!("{target} is not a member of the group")));
            };
            found.admin = true;
            (GroupChangeKind::MadeAdmin, vec![target], Vec::new())
        }
        GroupChange::Rename(name) => {
            record.group.name = records::checked_name(&name)?;
            (GroupChangeKind::Renamed, Vec::new(), Vec::new())
        }
        GroupChange::Leave => {
            record.group.drop_member(&me);
            record.group.membership = Membership::Left;
            (GroupChangeKind::Left, vec![me.clone()], Vec::new())
        }
    };
    record.group.revision += 1;
    // Whoever is no longer in the group must not read what follows: a new sender key, which only
    // those still in get (before the next message).
    if matches!(kind, GroupChangeKind::Removed) {
        record.rotate_key();
    }
    let wire_change = wire::GroupChange { kind: timeline::kind_to_wire(kind) as i32, targets: targets.clone() };
    let notice = GroupNotice { kind, by: me, targets, name: record.group.name.clone() };
    let mut events = Vec::new();
    timeline::note(&mut tx.borrow_mut(), &mut events, &record.group, notice)?;
    let existing: Vec<Address> = before.into_iter().filter(|m| !added.contains(m)).collect();
    send_update(state, &tx, &mut record, &added, &existing, wire_change).await?;
    records::save(&mut tx.borrow_mut(), &record)?;
    tx.borrow_mut().commit()?;
    state.durable();
    state.emit(events);
    Ok(record.group)
}

/// Queues the group's state to `added` (as an add, with the account's sender key) and to
/// `others` (as an update), over the pairwise sessions, in the outbox's order per person.
/// Members on networks the account does not allow are left out: it does not write there.
async fn send_update(
    state: &mut WorkerState,
    tx: &Rc<RefCell<Tx>>,
    record: &mut GroupRecord,
    added: &[Address],
    others: &[Address],
    change: wire::GroupChange,
) -> Result<()> {
    let account = record.group.account.clone();
    let update = record.group.to_wire(change);
    let reachable = super::reach::Reach::of(&state.store, &account)?;
    let key = if added.is_empty() { Vec::new() } else { own_key_distribution(state, tx, record).await? };
    let account_key = account_key(&state.store, &account);
    let mut tx = tx.borrow_mut();
    for (member, add) in added.iter().map(|m| (m, true)).chain(others.iter().map(|m| (m, false))) {
        if !reachable.may_write(&tx, member)? {
            continue;
        }
        let content = wire::Content {
            body: Some(wire::content::Body::GroupUpdate(update.clone())),
            group_id: record.group.id.0.to_vec(),
            sender_key_distribution: if add { key.clone() } else { Vec::new() },
            ..Default::default()
        };
        let mut entry = OutboxEntry::new(member, OutboxKind::GroupControl { group: record.group.id }, content);
        entry.group = Some(GroupTag { id: record.group.id, add });
        outbox::push(&mut tx, &account_key, &entry)?;
        if add && !record.key_holders.contains(&member.account()) {
            record.key_holders.push(member.account());
        }
    }
    Ok(())
}

/// The account's current sender key for the group as a distribution message (libsignal makes
/// the key on first use and keeps it in `Tree::SenderKeys`).
pub(super) async fn own_key_distribution(
    state: &mut WorkerState,
    tx: &Rc<RefCell<Tx>>,
    record: &GroupRecord,
) -> Result<Vec<u8>> {
    let account = record.group.account.clone();
    let mut store = crate::send::signal_store(state, &account, tx)?;
    let mut rng = rand::rng();
    let message = create_sender_key_distribution_message(
        &protocol_address(&account)?,
        record.distribution_id(),
        &mut store,
        &mut rng,
    )
    .await?;
    Ok(message.serialized().to_vec())
}

/// The user accepts an invitation (their relay was told first): the group's chat opens and its
/// members' sender keys come with their next messages.
pub fn accept(state: &mut WorkerState, account: &Address, id: GroupId) -> Result<Group> {
    let mut tx = Tx::new(state.store.clone());
    let mut record = records::existing(&tx, account, &id)?;
    if !matches!(record.group.membership, Membership::Invited { .. }) {
        return Err(Error::InvalidGroup("there is no invitation to this group".into()));
    }
    record.group.membership = Membership::Member;
    let mut conversation = records::conversation(&tx, &record.group)?;
    conversation.request = false;
    crate::conversations::save(&mut tx, &conversation)?;
    records::save(&mut tx, &record)?;
    tx.commit()?;
    state.durable();
    state.emit([Event::ConversationChanged { conversation }]);
    Ok(record.group)
}

/// The user declines an invitation (their relay was told first): the group and its chat go.
/// The group learns nothing: its envelopes to the user keep being refused like a missing account's.
pub fn decline(state: &mut WorkerState, account: &Address, id: GroupId) -> Result<()> {
    let mut tx = Tx::new(state.store.clone());
    let record = records::existing(&tx, account, &id)?;
    crate::conversations::remove(&mut tx, &record.group.conversation)?;
    records::remove(&mut tx, account, &id);
    tx.commit()?;
    state.durable();
    state.emit([Event::ConversationRemoved { conversation: record.group.conversation }]);
    Ok(())
}
