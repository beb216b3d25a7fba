//! A message to a group, on the crypto worker: stored as pending, encrypted once with the
//! account's sender key, and queued as one copy per member (the same ciphertext in an envelope
//! of its own), after the sender key itself for members who do not hold it yet.

use std::cell::RefCell;
use std::rc::Rc;

use isthmus_proto::{wire, Address, Message as _};
use libsignal_protocol::group_encrypt;

use crate::account::account_key;
use crate::events::Event;
use crate::ids::{ConversationId, EnvelopeId, GroupId, MessageId};
use crate::media::records::AttachmentRecord;
use crate::model::{Message, MessageStatus};
use crate::outbox::{self, GroupTag, OutboxEntry, OutboxKind};
use crate::send::{compose, Outgoing};
use crate::signal_store::protocol_address;
use crate::store::Tree;
use crate::tx::Tx;
use crate::worker::WorkerState;
use crate::{Error, Result};

use super::reach::Reach;
use super::records::{self, GroupRecord};

pub async fn queue(
    state: &mut WorkerState,
    account: &Address,
    id: GroupId,
    outgoing: Outgoing,
) -> Result<Option<Message>> {
    let tx = Rc::new(RefCell::new(Tx::new(state.store.clone())));
    let (mut record, reach) = writable(state, &tx.borrow(), account, &id)?;
    let mut conversation = records::conversation(&tx.borrow(), &record.group)?;
    let mut composed = compose(&mut tx.borrow_mut(), &mut conversation, &account.account(), outgoing)?;
    let content = wire::Content {
        body: Some(wire::content::Body::Data(composed.data)),
        group_id: id.0.to_vec(),
        ..Default::default()
    };
    let message_id = composed.added.as_ref().map(|m| m.id);
    let copies = fan_out(state, &tx, &mut record, &reach, content, conversation.id, message_id).await?;
    let mut tx = tx.borrow_mut();
    if copies == 0 {
        if let Some(message) = composed.added.as_mut() {
            mark_sent(&mut tx, &mut composed.events, message)?;
        }
    }
    records::save(&mut tx, &record)?;
    tx.commit()?;
    state.durable();
    state.emit(composed.events);
    Ok(composed.added)
}

/// Queues a typing indicator to the group, sealed once with the sender key like a message.
pub async fn queue_typing(state: &mut WorkerState, account: &Address, id: GroupId, started: bool) -> Result<()> {
    let tx = Rc::new(RefCell::new(Tx::new(state.store.clone())));
    let (mut record, reach) = writable(state, &tx.borrow(), account, &id)?;
    let action = if started { wire::typing_message::Action::Started } else { wire::typing_message::Action::Stopped };
    let typing = wire::TypingMessage { action: action as i32, timestamp: crate::time::now_ms() };
    let content = wire::Content {
        body: Some(wire::content::Body::Typing(typing)),
        group_id: id.0.to_vec(),
        ..Default::default()
    };
    let conversation = record.group.conversation;
    fan_out(state, &tx, &mut record, &reach, content, conversation, None).await?;
    let mut tx = tx.borrow_mut();
    records::save(&mut tx, &record)?;
    tx.commit()?;
    Ok(())
}

/// Stores a pending message with an attachment in the group's chat and queues it as one post:
/// the sender uploads the file to the own relay once, then `post` seals the message for
/// everyone (the pointer needs the media id the upload gives).
pub fn queue_attachment(
    state: &mut WorkerState,
    account: &Address,
    id: GroupId,
    caption: String,
    attachment: AttachmentRecord,
) -> Result<Message> {
    let mut tx = Tx::new(state.store.clone());
    let (record, _) = writable(state, &tx, account, &id)?;
    let mut conversation = records::conversation(&tx, &record.group)?;
    let (message, mut content) =
        crate::media_ops::store_attachment_message(&mut tx, &mut conversation, account, caption, &attachment)?;
    content.group_id = id.0.to_vec();
    let kind = OutboxKind::GroupPost { group: id, conversation: conversation.id, message_id: message.id };
    // The post waits in the account's own place in the outbox until its upload is done.
    let mut entry = OutboxEntry::new(account, kind, content);
    entry.pending_upload = Some((conversation.id, message.id, 0));
    outbox::push(&mut tx, &account_key(&state.store, account), &entry)?;
    tx.commit()?;
    state.durable();
    state.emit([Event::MessageAdded { message: message.clone() }, Event::ConversationChanged { conversation }]);
    Ok(message)
}

/// A post's upload is done: its content is sealed for every member and the post gives way to
/// their copies (after the sender key for those who need it).
pub async fn post(state: &mut WorkerState, account: &Address, key: Vec<u8>) -> Result<()> {
    let tx = Rc::new(RefCell::new(Tx::new(state.store.clone())));
    let Some(entry): Option<OutboxEntry> = tx.borrow().get_json(Tree::Outbox, &key)? else { return Ok(()) };
    let OutboxKind::GroupPost { group, conversation, message_id } = entry.kind else {
        return Err(Error::Protocol("not a group post".into()));
    };
    let content = wire::Content::decode(entry.content.as_slice())
        .map_err(|_| Error::Protocol("undecodable outbox content".into()))?;
    let mut events = Vec::new();
    let writable = writable(state, &tx.borrow(), account, &group);
    match writable {
        Ok((mut record, reach)) => {
            let copies = fan_out(state, &tx, &mut record, &reach, content, conversation, Some(message_id)).await?;
            let mut tx = tx.borrow_mut();
            if copies == 0 {
                if let Some(mut message) = crate::conversations::find(&tx, &conversation, &message_id)? {
                    mark_sent(&mut tx, &mut events, &mut message)?;
                }
            }
            records::save(&mut tx, &record)?;
        }
        // The account left the group (or stopped allowing its network) before the upload was
        // done: the post fails instead of going to people it no longer writes to.
        Err(error) => {
            let mut tx = tx.borrow_mut();
            if let Some(mut message) = crate::conversations::find(&tx, &conversation, &message_id)? {
                message.status = MessageStatus::Failed;
                message.failure = serde_json::to_value(error.code()).ok().and_then(|v| v.as_str().map(str::to_owned));
                crate::message_changes::save(&mut tx, &mut events, &message)?;
            }
        }
    }
    let mut tx = tx.borrow_mut();
    tx.remove(Tree::Outbox, key);
    tx.commit()?;
    state.durable();
    state.emit(events);
    Ok(())
}

/// The group, if the account may write in it now, with the rules for whom it writes to.
fn writable(state: &WorkerState, tx: &Tx, account: &Address, id: &GroupId) -> Result<(GroupRecord, Reach)> {
    let record = records::existing(tx, account, id)?;
    let reach = Reach::of(&state.store, account)?;
    match reach.refusal(&record.group) {
        Some(refusal) => Err(refusal),
        None => Ok((record, reach)),
    }
}

/// Nobody else to send to: the message is as sent as it will be.
fn mark_sent(tx: &mut Tx, events: &mut Vec<crate::events::Event>, message: &mut Message) -> Result<()> {
    message.status = MessageStatus::Sent;
    crate::message_changes::save(tx, events, message)
}

/// Seals `content` once with the account's sender key and queues a copy for every member it
/// writes to, each after the sender key itself for a member who does not hold it yet. Returns
/// how many copies were queued.
async fn fan_out(
    state: &mut WorkerState,
    tx: &Rc<RefCell<Tx>>,
    record: &mut GroupRecord,
    reach: &Reach,
    content: wire::Content,
    conversation: ConversationId,
    message_id: Option<MessageId>,
) -> Result<usize> {
    let account = record.group.account.clone();
    let id = record.group.id;
    let recipients = {
        let tx = tx.borrow();
        let mut recipients = Vec::new();
        for member in record.group.others() {
            if reach.may_write(&tx, &member)? {
                recipients.push(member);
            }
        }
        recipients
    };
    // Nobody to write to: nothing to seal.
    if recipients.is_empty() {
        return Ok(0);
    }
    // The distribution message is made only when someone lacks the key (making it also creates
    // the key after a rotation, before anyone holds it); most messages need none.
    let key = if recipients.iter().any(|member| !record.key_holders.contains(&member.account())) {
        super::changes::own_key_distribution(state, tx, record).await?
    } else {
        Vec::new()
    };
    let plaintext = outbox::encode_content(content);
    let mut store = crate::send::signal_store(state, &account, tx)?;
    let mut rng = rand::rng();
    let sealed =
        group_encrypt(&mut store, &protocol_address(&account)?, record.distribution_id(), &plaintext, &mut rng)
            .await?
            .serialized()
            .to_vec();
    let account_key = account_key(&state.store, &account);
    let mut tx = tx.borrow_mut();
    for member in &recipients {
        if !record.key_holders.contains(&member.account()) {
            let content =
                wire::Content { group_id: id.0.to_vec(), sender_key_distribution: key.clone(), ..Default::default() };
            let mut entry = OutboxEntry::new(member, OutboxKind::GroupControl { group: id }, content);
            entry.group = Some(GroupTag { id, add: false });
            outbox::push(&mut tx, &account_key, &entry)?;
            record.key_holders.push(member.account());
        }
        let envelope = wire::Envelope {
            id: EnvelopeId::random().0.to_vec(),
            source: Some((&account).into()),
            destination: Some(member.into()),
            kind: wire::CiphertextKind::SenderKey as i32,
            ciphertext: sealed.clone(),
            group_id: id.0.to_vec(),
            ..Default::default()
        };
        let mut entry =
            OutboxEntry::new(member, OutboxKind::GroupCopy { conversation, message_id }, wire::Content::default());
        entry.envelope = Some(envelope.encode_to_vec());
        outbox::push(&mut tx, &account_key, &entry)?;
    }
    Ok(recipients.len())
}
