//! Group traffic on the way in, on the crypto worker (called from `receive`): group updates and
//! sender keys over the pairwise sessions, and group messages sealed with a member's sender key.
//!
//! Nothing of a group is taken from someone who is not in it: an update counts only from an
//! admin (or from a member leaving), a sender key and a message only from a member, and a group
//! the account was only invited to shows nothing but the invitation.

use isthmus_proto::{wire, Address, Message as _};
use libsignal_protocol::{group_decrypt, process_sender_key_distribution_message, SenderKeyDistributionMessage};

use crate::conversations;
use crate::events::Event;
use crate::ids::GroupId;
use crate::incoming::Incoming;
use crate::message_changes;
use crate::model::{GroupChangeKind, GroupNotice};
use crate::signal_store::{protocol_address, SignalStore};
use crate::tx::Tx;
use crate::{Error, Result};

use super::records::{self, Group, GroupRecord, Membership};
use super::timeline;

/// What the relay said about an envelope that carried group content.
#[derive(Clone, Copy, Debug)]
pub struct Flags {
    pub add: bool,
    pub invitation: bool,
}

/// What a received group envelope left to do outside the worker.
#[derive(Debug, Default)]
pub struct Outcome {
    pub events: Vec<Event>,
    /// The account was removed from this group: its relay should stop taking the group's
    /// traffic for it.
    pub removed_from: Option<GroupId>,
}

/// Applies group content that came over the pairwise session with `source`.
pub async fn pairwise(
    tx: &std::rc::Rc<std::cell::RefCell<Tx>>,
    store: &mut SignalStore,
    account: &Address,
    source: &Address,
    flags: Flags,
    mut content: wire::Content,
) -> Result<Outcome> {
    let id = GroupId::from_slice(&content.group_id).ok_or_else(|| Error::Protocol("bad group id".into()))?;
    let mut outcome = Outcome::default();
    let mut record = records::load(&tx.borrow(), account, &id)?;
    let body = content.body.take();
    if let Some(wire::content::Body::GroupUpdate(update)) = body {
        let applied = apply_update(&mut tx.borrow_mut(), account, source, id, flags, record, update, &mut outcome)?;
        record = applied;
    } else if let (Some(current), Some(wire::content::Body::Receipt(receipt))) = (&record, body) {
        let member = source.account();
        if current.group.membership == Membership::Member && current.group.member(&member).is_some() {
            let content = wire::Content { body: Some(wire::content::Body::Receipt(receipt)), ..Default::default() };
            if let Incoming::Receipt { status, ids } = Incoming::try_from(content)? {
                let mut tx = tx.borrow_mut();
                super::receipts::record(&mut tx, &mut outcome.events, &current.group, &member, status, &ids)?;
            }
        }
    }
    let Some(record) = record else { return Ok(outcome) };
    if !content.sender_key_distribution.is_empty() && record.group.member(&source.account()).is_some() {
        let message = SenderKeyDistributionMessage::try_from(content.sender_key_distribution.as_slice())?;
        process_sender_key_distribution_message(&protocol_address(source)?, &message, store).await?;
    }
    Ok(outcome)
}

/// Takes a group's new state from `source` if it may give it, and notes the change. Returns the
/// record as it stands afterwards (`None`: still no group).
#[allow(clippy::too_many_arguments)]
fn apply_update(
    tx: &mut Tx,
    account: &Address,
    source: &Address,
    id: GroupId,
    flags: Flags,
    record: Option<GroupRecord>,
    update: wire::GroupUpdate,
    outcome: &mut Outcome,
) -> Result<Option<GroupRecord>> {
    let me = account.account();
    let by = source.account();
    let members = records::members_from_wire(&update.members)?;
    let name =
        records::checked_name(&update.name).map_err(|_| Error::Protocol("a group update without a name".into()))?;
    let listed = |address: &str| members.iter().any(|m| m.address == address);
    let is_admin = members.iter().any(|m| m.address == by && m.admin);
    let change = update.change.unwrap_or_default();
    let kind = timeline::kind_from_wire(change.kind);
    let was_in =
        record.as_ref().is_some_and(|r| matches!(r.group.membership, Membership::Member | Membership::Invited { .. }));
    // Added (again): only an admin adds, and only with an envelope its relay saw as an add.
    if flags.add && !was_in {
        if !listed(&me) || !is_admin {
            return Ok(record);
        }
        let membership = if flags.invitation { Membership::Invited { by: by.clone() } } else { Membership::Member };
        let mut added = record.unwrap_or_else(|| GroupRecord {
            group: Group {
                id,
                account: account.clone(),
                name: name.clone(),
                creator: members.first().map(|m| m.address.clone()).unwrap_or_else(|| by.clone()),
                revision: 0,
                members: Vec::new(),
                membership: membership.clone(),
                conversation: records::conversation_id(tx.store(), account, &id),
            },
            distribution: [0; 16],
            key_holders: Vec::new(),
            departed: Vec::new(),
        });
        added.rotate_key();
        added.group.membership = membership;
        added.group.revision = update.revision;
        added.group.members = members;
        added.group.name = name.clone();
        let kind = if flags.invitation { GroupChangeKind::InvitedYou } else { GroupChangeKind::AddedYou };
        let notice = GroupNotice { kind, by, targets: vec![me], name };
        timeline::note(tx, &mut outcome.events, &added.group, notice)?;
        records::save(tx, &added)?;
        return Ok(Some(added));
    }
    let Some(mut current) = record else { return Ok(None) };
    if !was_in {
        return Ok(Some(current));
    }
    // Leaving is the member's own decision, not an admin's change: it takes out the member who
    // left whatever else changed meanwhile, and orders nothing (the revision stays).
    let leaving = kind == Some(GroupChangeKind::Left) && change.targets == [by.clone()] && !listed(&by);
    if leaving && current.group.member(&by).is_some() {
        current.group.drop_member(&by);
        current.departed.push(by.clone());
        current.rotate_key();
        let name = current.group.name.clone();
        let notice = GroupNotice { kind: GroupChangeKind::Left, by, targets: Vec::new(), name };
        timeline::note(tx, &mut outcome.events, &current.group, notice)?;
        records::save(tx, &current)?;
        return Ok(Some(current));
    }
    if update.revision <= current.group.revision || !current.group.is_admin(&by) {
        return Ok(Some(current));
    }
    let anyone_gone = current.group.members.iter().any(|m| !listed(&m.address));
    let still_in = listed(&me);
    current.group.revision = update.revision;
    let added = if kind == Some(GroupChangeKind::Added) { change.targets.clone() } else { Vec::new() };
    current.take_members(members, &added);
    current.group.name = name.clone();
    if !still_in {
        current.group.membership = Membership::Removed;
        outcome.removed_from = Some(id);
    } else if anyone_gone {
        // Someone left or was removed: what the account writes next must be closed to them.
        current.rotate_key();
    }
    if let Some(kind) = kind {
        let targets = change.targets.iter().take(records::MAX_MEMBERS).cloned().collect();
        timeline::note(tx, &mut outcome.events, &current.group, GroupNotice { kind, by, targets, name })?;
    }
    records::save(tx, &current)?;
    Ok(Some(current))
}

/// Opens a group message sealed with `source`'s sender key and applies it to the group's chat.
/// One from a group the account is not a member of, or from someone not in the group, is dropped.
pub async fn sender_key_message(
    tx: &std::rc::Rc<std::cell::RefCell<Tx>>,
    store: &mut SignalStore,
    account: &Address,
    source: &Address,
    envelope: &wire::Envelope,
) -> Result<Vec<Event>> {
    let id = GroupId::from_slice(&envelope.group_id).ok_or_else(|| Error::Protocol("bad group id".into()))?;
    let Some(record) = records::load(&tx.borrow(), account, &id)? else { return Ok(Vec::new()) };
    let author = source.account();
    if record.group.membership != Membership::Member || record.group.member(&author).is_none() {
        return Ok(Vec::new());
    }
    let plaintext = group_decrypt(&envelope.ciphertext, store, &protocol_address(source)?).await?;
    let content =
        wire::Content::decode(plaintext.as_slice()).map_err(|_| Error::Protocol("undecodable content".into()))?;
    if content.group_id != envelope.group_id {
        return Err(Error::Protocol("a group message for another group".into()));
    }
    let mut events = Vec::new();
    let mut tx = tx.borrow_mut();
    let mut conversation = records::conversation(&tx, &record.group)?;
    match Incoming::try_from(content)? {
        Incoming::Message(incoming) => {
            if conversations::find(&tx, &conversation.id, &incoming.id)?.is_some() {
                return Ok(events);
            }
            let message =
                crate::receive::incoming_message(&mut tx, &conversation, &author, incoming, envelope.server_timestamp)?;
            conversation.unread += 1;
            let message = conversations::append(&mut tx, &mut conversation, message)?;
            // Its author learns it arrived (over the pairwise session, as the group's traffic).
            let account_key = crate::account::account_key(tx.store(), account);
            let kind = wire::receipt_message::Kind::Delivered;
            crate::outbox::queue_receipt_in(&mut tx, &account_key, source, Some(id), kind, vec![message.id])?;
            events.push(Event::MessageAdded { message });
            events.push(Event::ConversationChanged { conversation });
        }
        Incoming::Change { target, change } => {
            if let Some(mut message) = conversations::find(&tx, &conversation.id, &target)? {
                if change.allowed_from(&message, &author) {
                    change.apply(&mut message, &author);
                    message_changes::save(&mut tx, &mut events, &message)?;
                }
            }
        }
        Incoming::Typing { started } => {
            events.push(Event::Typing { conversation: conversation.id, author, started });
        }
        Incoming::Receipt { .. } | Incoming::Nothing => {}
    }
    Ok(events)
}

/// Opens a group envelope with the account's keys as they are, storing nothing and advancing
/// nothing: the body a client holding this profile could read from it, whatever its group
/// record says. `Err(Crypto)` when its keys cannot open it (a member removed before it was
/// sent holds no sender key for it).
pub async fn peek(state: &mut crate::worker::WorkerState, account: &Address, envelope: &[u8]) -> Result<String> {
    let envelope = wire::Envelope::decode(envelope).map_err(|_| Error::Protocol("undecodable envelope".into()))?;
    let source = Address::try_from(envelope.source.as_ref().ok_or(isthmus_proto::Error::MissingField("source"))?)?;
    if envelope.kind != wire::CiphertextKind::SenderKey as i32 {
        return Err(Error::Protocol("not a group message".into()));
    }
    let tx = std::rc::Rc::new(std::cell::RefCell::new(Tx::new(state.store.clone())));
    let mut store = crate::send::signal_store(state, account, &tx)?;
    let plaintext = group_decrypt(&envelope.ciphertext, &mut store, &protocol_address(&source)?).await?;
    let content =
        wire::Content::decode(plaintext.as_slice()).map_err(|_| Error::Protocol("undecodable content".into()))?;
    tx.borrow_mut().rollback();
    Ok(match content.body {
        Some(wire::content::Body::Data(data)) => data.body,
        _ => String::new(),
    })
}
