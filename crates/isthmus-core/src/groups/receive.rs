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
            if let Incoming::Receipt { status, ids } = Incoming::from(receipt) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groups::records::GroupMember;

    fn address(raw: &str) -> Address {
        raw.parse().expect("valid")
    }

    fn member(raw: &str, admin: bool) -> wire::GroupMember {
        wire::GroupMember { address: raw.to_owned(), admin }
    }

    fn update(revision: u64, members: Vec<wire::GroupMember>, kind: wire::group_change::Kind) -> wire::GroupUpdate {
        let change = wire::GroupChange { kind: kind as i32, targets: Vec::new() };
        wire::GroupUpdate { revision, name: "Choir".into(), members, change: Some(change) }
    }

    const ADDED: Flags = Flags { add: true, invitation: false };
    const TRAFFIC: Flags = Flags { add: false, invitation: false };

    /// carol's view of a group alice (admin) made with bob and carol.
    fn carol_in_a_group(tx: &mut Tx) -> (Address, GroupId) {
        let carol = address("carol@meadow.test");
        let id = GroupId::random();
        let members =
            vec![member("alice@meadow.test", true), member("bob@meadow.test", false), member(&carol.account(), false)];
        let mut outcome = Outcome::default();
        let made = apply_update(
            tx,
            &carol,
            &address("alice@meadow.test"),
            id,
            ADDED,
            None,
            update(1, members, wire::group_change::Kind::Created),
            &mut outcome,
        )
        .expect("applies")
        .expect("a group");
        assert_eq!(made.group.membership, Membership::Member);
        (carol, id)
    }

    fn members_of(tx: &Tx, carol: &Address, id: &GroupId) -> Vec<GroupMember> {
        records::load(tx, carol, id).expect("reads").expect("the group").group.members
    }

    #[test]
    fn only_an_admin_changes_the_group_and_a_stale_revision_changes_nothing() {
        let profile = crate::store::Profile::in_memory();
        let mut tx = Tx::new(profile.store());
        let (carol, id) = carol_in_a_group(&mut tx);
        let before = members_of(&tx, &carol, &id);
        let record = records::load(&tx, &carol, &id).expect("reads");
        let coup = update(
            2,
            vec![member("bob@meadow.test", true), member(&carol.account(), false)],
            wire::group_change::Kind::Removed,
        );
        apply_update(&mut tx, &carol, &address("bob@meadow.test"), id, TRAFFIC, record, coup, &mut Outcome::default())
            .expect("ignored, not an error");
        assert_eq!(members_of(&tx, &carol, &id), before, "bob is no admin: his 'state' is not taken");

        let record = records::load(&tx, &carol, &id).expect("reads");
        let stale = update(
            1,
            vec![member("alice@meadow.test", true), member(&carol.account(), false)],
            wire::group_change::Kind::Removed,
        );
        apply_update(
            &mut tx,
            &carol,
            &address("alice@meadow.test"),
            id,
            TRAFFIC,
            record,
            stale,
            &mut Outcome::default(),
        )
        .expect("ignored");
        assert_eq!(members_of(&tx, &carol, &id), before, "a revision carol has seen already changes nothing");
    }

    #[test]
    fn nobody_makes_a_group_appear_without_an_add_from_an_admin_that_names_the_account() {
        let profile = crate::store::Profile::in_memory();
        let mut tx = Tx::new(profile.store());
        let carol = address("carol@meadow.test");
        let members = vec![member("mallory@harbor.test", true), member(&carol.account(), false)];
        for (flags, from, what) in [
            (TRAFFIC, "mallory@harbor.test", "an update that is no add (the relay did not see an add)"),
            (ADDED, "eve@harbor.test", "an add from someone who is no admin of it"),
        ] {
            let made = apply_update(
                &mut tx,
                &carol,
                &address(from),
                GroupId::random(),
                flags,
                None,
                update(1, members.clone(), wire::group_change::Kind::Created),
                &mut Outcome::default(),
            )
            .expect("ignored, not an error");
            assert!(made.is_none(), "{what} makes no group");
        }
        let elsewhere = vec![member("mallory@harbor.test", true), member("dave@meadow.test", false)];
        let made = apply_update(
            &mut tx,
            &carol,
            &address("mallory@harbor.test"),
            GroupId::random(),
            ADDED,
            None,
            update(1, elsewhere, wire::group_change::Kind::Created),
            &mut Outcome::default(),
        )
        .expect("ignored");
        assert!(made.is_none(), "an add whose members do not include the account makes no group");
        assert!(records::list(tx.store(), &carol).expect("reads").is_empty());
    }

    #[test]
    fn a_hostile_update_is_refused_whole() {
        let profile = crate::store::Profile::in_memory();
        let mut tx = Tx::new(profile.store());
        let carol = address("carol@meadow.test");
        let crowd: Vec<_> = (0..=records::MAX_MEMBERS).map(|n| member(&format!("m{n}@harbor.test"), n == 0)).collect();
        let garbage = vec![member("mallory@harbor.test", true), member("not an address", false)];
        for (members, what) in [(crowd, "more than 256 members"), (garbage, "a member that is no address")] {
            let refused = apply_update(
                &mut tx,
                &carol,
                &address("mallory@harbor.test"),
                GroupId::random(),
                ADDED,
                None,
                update(1, members, wire::group_change::Kind::Created),
                &mut Outcome::default(),
            );
            assert!(matches!(refused, Err(Error::Protocol(_))), "{what} is refused");
        }
        assert!(records::list(tx.store(), &carol).expect("reads").is_empty(), "and nothing is kept");
    }

    #[test]
    fn leaving_counts_whatever_its_revision_and_an_older_admin_state_does_not_bring_them_back() {
        let profile = crate::store::Profile::in_memory();
        let mut tx = Tx::new(profile.store());
        let (carol, id) = carol_in_a_group(&mut tx);
        let record = records::load(&tx, &carol, &id).expect("reads");
        let left = update(
            2,
            vec![member("alice@meadow.test", true), member(&carol.account(), false)],
            wire::group_change::Kind::Left,
        );
        let left = wire::GroupUpdate {
            change: Some(wire::GroupChange {
                kind: wire::group_change::Kind::Left as i32,
                targets: vec!["bob@meadow.test".into()],
            }),
            ..left
        };
        apply_update(&mut tx, &carol, &address("bob@meadow.test"), id, TRAFFIC, record, left, &mut Outcome::default())
            .expect("applies");
        assert!(members_of(&tx, &carol, &id).iter().all(|m| m.address != "bob@meadow.test"), "bob left");

        // alice renamed the group before she heard bob left: her state still lists him.
        let record = records::load(&tx, &carol, &id).expect("reads");
        let all =
            vec![member("alice@meadow.test", true), member("bob@meadow.test", false), member(&carol.account(), false)];
        let renamed = update(2, all, wire::group_change::Kind::Renamed);
        apply_update(
            &mut tx,
            &carol,
            &address("alice@meadow.test"),
            id,
            TRAFFIC,
            record,
            renamed,
            &mut Outcome::default(),
        )
        .expect("applies");
        assert!(
            members_of(&tx, &carol, &id).iter().all(|m| m.address != "bob@meadow.test"),
            "a state from before his leaving does not bring him back"
        );
    }

    #[tokio::test]
    async fn a_group_message_from_someone_not_in_the_group_is_dropped_unopened() {
        let profile = crate::store::Profile::in_memory();
        let mut tx = Tx::new(profile.store());
        let (carol, id) = carol_in_a_group(&mut tx);
        tx.commit().expect("commit");
        let tx = std::rc::Rc::new(std::cell::RefCell::new(Tx::new(profile.store())));
        let local = crate::signal_store::LocalIdentity {
            key_pair: libsignal_protocol::IdentityKeyPair::generate(&mut rand::rng()).serialize().to_vec(),
            registration_id: 7,
        };
        let mut store = SignalStore::new(tx.clone(), [1; 32], &local).expect("a store");
        let envelope = wire::Envelope {
            kind: wire::CiphertextKind::SenderKey as i32,
            ciphertext: b"not even a sender key message".to_vec(),
            group_id: id.0.to_vec(),
            ..Default::default()
        };
        let events = sender_key_message(&tx, &mut store, &carol, &address("mallory@harbor.test"), &envelope)
            .await
            .expect("dropped, not an error: nothing to retry");
        assert!(events.is_empty(), "nothing of it is shown");
        let unknown = wire::Envelope { group_id: GroupId::random().0.to_vec(), ..envelope };
        let events = sender_key_message(&tx, &mut store, &carol, &address("alice@meadow.test"), &unknown)
            .await
            .expect("dropped");
        assert!(events.is_empty(), "a group the account is not in shows nothing either");
    }
}
