//! The send pipeline's steps that run on the crypto worker: persist as pending, set up a
//! session from a bundle, encrypt, and record the relay's answer.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::SystemTime;

use isthmus_proto::{wire, Address, Message as _};
use libsignal_protocol::{
    kem, message_encrypt, process_prekey_bundle, CiphertextMessage, DeviceId, IdentityKey, PreKeyBundle, PublicKey,
    SignalProtocolError,
};
use serde::{Deserialize, Serialize};

use crate::account::account_key;
use crate::conversations;
use crate::events::Event;
use crate::ids::{EnvelopeId, MessageId};
use crate::message_changes::{self, Change};
use crate::model::{Conversation, Direction, Message, MessageStatus, Quote};
use crate::outbox::{self, OutboxEntry, OutboxKind};
use crate::signal_store::{protocol_address, SignalStore};
use crate::store::Tree;
use crate::time::now_ms;
use crate::tx::Tx;
use crate::worker::WorkerState;
use crate::{Error, Result};
use isthmus_proto::api::Bundle;

/// What the user asks to send.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outgoing {
    Text { body: String, quote: Option<MessageId> },
    Reaction { target: MessageId, emoji: String, remove: bool },
    Edit { target: MessageId, body: String },
    Delete { target: MessageId },
}

pub(crate) fn signal_store(state: &mut WorkerState, account: &Address, tx: &Rc<RefCell<Tx>>) -> Result<SignalStore> {
    let local = state.local_identity(account)?;
    SignalStore::new(tx.clone(), account_key(&state.store, account), &local)
}

/// Stores the message as pending (or applies the local change) and queues it in the outbox,
/// sealed already when a session exists and the peer is not held for a key change: the session
/// is read once, and the message, its envelope and the advanced session reach the disk in one
/// flush (shared with whatever else is queued at the same time, see `worker`).
pub async fn queue(
    state: &mut WorkerState,
    account: &Address,
    peer: &Address,
    outgoing: Outgoing,
) -> Result<Option<Message>> {
    let mut tx = Tx::new(state.store.clone());
    let mut conversation = conversations::load_or_create(&tx, account, peer)?;
    let composed = compose(&mut tx, &mut conversation, &account.account(), outgoing)?;
    let kind = match &composed.added {
        Some(message) => OutboxKind::Message { conversation: conversation.id, message_id: message.id },
        None => OutboxKind::Control,
    };
    let content = wire::Content { body: Some(wire::content::Body::Data(composed.data)), ..Default::default() };
    // The chat is saved already: by `append` with a new message, by `update` with a changed one
    // (saving the copy loaded above again would undo the preview an edit or delete just set).
    let mut entry = OutboxEntry::new(peer, kind, content);
    let held = crate::consent::contacts::load(&tx, account, peer)?.key_change_held;
    let tx = Rc::new(RefCell::new(tx));
    if !held {
        entry.envelope = seal(state, account, &tx, &entry).await?;
    }
    let mut tx = tx.borrow_mut();
    outbox::push(&mut tx, &account_key(&state.store, account), &entry)?;
    tx.commit()?;
    state.durable();
    state.emit(composed.events);
    Ok(composed.added)
}

/// What the user's `Outgoing` became in a chat: the data message for the wire, the events to
/// send once it is durable, and the new message for text.
pub(crate) struct Composed {
    pub data: wire::DataMessage,
    pub events: Vec<Event>,
    pub added: Option<Message>,
}

/// Stores the user's text as a pending message of `conversation` (or applies their reaction,
/// edit or delete to the message it names) and writes it as a data message: the same for a
/// one-to-one chat and a group.
pub(crate) fn compose(tx: &mut Tx, conversation: &mut Conversation, me: &str, outgoing: Outgoing) -> Result<Composed> {
    let now = now_ms();
    let mut data = wire::DataMessage { sent_at: now, ..Default::default() };
    let mut events = Vec::new();
    let mut added = None;
    let me = me.to_owned();
    match outgoing {
        Outgoing::Text { body, quote } => {
            let id = MessageId::random();
            let quote = match quote {
                Some(target) => {
                    let quoted = conversations::find(tx, &conversation.id, &target)?.ok_or(Error::NoSuchMessage)?;
                    let text: String = quoted.body.chars().take(200).collect();
                    data.quote = Some(wire::Quote {
                        message_id: target.0.to_vec(),
                        author: quoted.author.clone(),
                        text: text.clone(),
                    });
                    Some(Quote { message_id: target, author: quoted.author, text })
                }
                None => None,
            };
            data.message_id = id.0.to_vec();
            data.body = body.clone();
            let message = Message {
                id,
                conversation: conversation.id,
                seq: 0,
                direction: Direction::Outgoing,
                author: me.clone(),
                body,
                sent_at: now,
                stored_at: now,
                status: MessageStatus::Pending,
                failure: None,
                quote,
                reactions: Vec::new(),
                edited: false,
                deleted: false,
                attachments: Vec::new(),
                notice: None,
            };
            let message = conversations::append(tx, conversation, message)?;
            // Sent: what the user was writing is the message now.
            crate::drafts::remove(tx, &conversation.id);
            events.push(Event::MessageAdded { message: message.clone() });
            events.push(Event::ConversationChanged { conversation: conversation.clone() });
            added = Some(message);
        }
        Outgoing::Reaction { target, emoji, remove } => {
            change_message(tx, &mut events, &mut data, conversation, &me, target, Change::React { emoji, remove })?
        }
        Outgoing::Edit { target, body } => {
            change_message(tx, &mut events, &mut data, conversation, &me, target, Change::Edit { body })?
        }
        Outgoing::Delete { target } => {
            change_message(tx, &mut events, &mut data, conversation, &me, target, Change::Delete)?
        }
    }
    Ok(Composed { data, events, added })
}

/// Applies the user's change to a message of theirs (a reaction: to any message), and writes it
/// into `data` for the peer.
fn change_message(
    tx: &mut Tx,
    events: &mut Vec<Event>,
    data: &mut wire::DataMessage,
    conversation: &Conversation,
    me: &str,
    target: MessageId,
    change: Change,
) -> Result<()> {
    let mut message = match change {
        Change::React { .. } => conversations::find(tx, &conversation.id, &target)?.ok_or(Error::NoSuchMessage)?,
        Change::Edit { .. } | Change::Delete => own_message(tx, &conversation.id, &target, me)?,
    };
    // A deleted message has nothing left to edit (and its peers ignore edits to it).
    if matches!(change, Change::Edit { .. }) && message.deleted {
        return Err(Error::NoSuchMessage);
    }
    *data = wire::DataMessage { sent_at: data.sent_at, ..change.to_wire(&target, &message.author) };
    change.apply(&mut message, me);
    message_changes::save(tx, events, &message)?;
    Ok(())
}

fn own_message(tx: &Tx, conversation: &crate::ids::ConversationId, target: &MessageId, me: &str) -> Result<Message> {
    let message = conversations::find(tx, conversation, target)?.ok_or(Error::NoSuchMessage)?;
    if message.author != me {
        return Err(Error::Protocol("only the author can edit or delete a message".into()));
    }
    Ok(message)
}

/// Sets up a session from a fetched bundle (PQXDH); verifies the bundle's signatures. A bundle
/// with another identity key than the one seen before holds sending until acknowledged.
pub async fn process_bundle(state: &mut WorkerState, account: &Address, peer: &Address, bundle: Bundle) -> Result<()> {
    let tx = Rc::new(RefCell::new(Tx::new(state.store.clone())));
    let mut store = signal_store(state, account, &tx)?;
    let mut identity_store = store.clone();
    let prekey = match &bundle.prekey {
        Some(key) => Some((key.id.into(), PublicKey::deserialize(&key.public_key).map_err(crate::error::crypto)?)),
        None => None,
    };
    let device = u8::try_from(bundle.device)
        .ok()
        .and_then(|d| DeviceId::new(d).ok())
        .ok_or_else(|| Error::Protocol("bundle device id out of range".into()))?;
    let bundle = PreKeyBundle::new(
        bundle.registration_id,
        device,
        prekey,
        bundle.signed_prekey.id.into(),
        PublicKey::deserialize(&bundle.signed_prekey.public_key).map_err(crate::error::crypto)?,
        bundle.signed_prekey.signature.clone(),
        bundle.kyber_prekey.id.into(),
        kem::PublicKey::deserialize(&bundle.kyber_prekey.public_key)?,
        bundle.kyber_prekey.signature.clone(),
        IdentityKey::decode(&bundle.identity_key)?,
    )?;
    let mut rng = rand::rng();
    process_prekey_bundle(
        &protocol_address(peer)?,
        &mut store,
        &mut identity_store,
        &bundle,
        SystemTime::now(),
        &mut rng,
    )
    .await?;
    let changed = !store.take_key_changes().is_empty();
    if changed {
        crate::consent::contacts::hold_for_key_change(&mut tx.borrow_mut(), account, peer)?;
    }
    tx.borrow_mut().commit()?;
    state.durable();
    if changed {
        state.emit([Event::KeyChanged { account: account.account(), peer: peer.account() }]);
        return Err(Error::KeyChangeUnacknowledged(peer.to_string()));
    }
    Ok(())
}

/// Encrypts the entry (if not yet) and returns the envelope to send; `None` when there is no
/// session with the peer yet (the sender then fetches a bundle and calls this again).
pub async fn seal_entry(state: &mut WorkerState, account: &Address, key: Vec<u8>) -> Result<Option<Vec<u8>>> {
    let tx = Rc::new(RefCell::new(Tx::new(state.store.clone())));
    let Some(mut entry): Option<OutboxEntry> = tx.borrow().get_json(Tree::Outbox, &key)? else {
        return Err(Error::NoSuchMessage);
    };
    if let Some(envelope) = entry.envelope {
        return Ok(Some(envelope));
    }
    let Some(envelope) = seal(state, account, &tx, &entry).await? else {
        return Ok(None);
    };
    entry.envelope = Some(envelope.clone());
    tx.borrow_mut().put_json(Tree::Outbox, key, &entry)?;
    tx.borrow_mut().commit()?;
    // The session advanced: it must be on disk before the ciphertext can leave.
    state.durable();
    Ok(Some(envelope))
}

/// Encrypts the entry's content into an encoded envelope, staging the session change in `tx`.
/// `None` when there is no session with the peer: the session is read once, by libsignal itself.
async fn seal(
    state: &mut WorkerState,
    account: &Address,
    tx: &Rc<RefCell<Tx>>,
    entry: &OutboxEntry,
) -> Result<Option<Vec<u8>>> {
    let mut store = signal_store(state, account, tx)?;
    let mut identity_store = store.clone();
    let mut rng = rand::rng();
    let ciphertext = match message_encrypt(
        &entry.content,
        &protocol_address(&entry.peer)?,
        &mut store,
        &mut identity_store,
        SystemTime::now(),
        &mut rng,
    )
    .await
    {
        Ok(ciphertext) => ciphertext,
        Err(SignalProtocolError::SessionNotFound(_)) => return Ok(None),
        Err(error) => return Err(error.into()),
    };
    let kind = match ciphertext {
        CiphertextMessage::PreKeySignalMessage(_) => wire::CiphertextKind::Prekey,
        CiphertextMessage::SignalMessage(_) => wire::CiphertextKind::Whisper,
        _ => return Err(Error::Crypto("unexpected ciphertext type".into())),
    };
    let envelope = wire::Envelope {
        id: EnvelopeId::random().0.to_vec(),
        source: Some(account.into()),
        destination: Some((&entry.peer).into()),
        server_timestamp: 0,
        kind: kind as i32,
        ciphertext: ciphertext.serialize().to_vec(),
        group_id: entry.group.map(|tag| tag.id.0.to_vec()).unwrap_or_default(),
        group_add: entry.group.is_some_and(|tag| tag.add),
        group_invitation: false,
    };
    Ok(Some(envelope.encode_to_vec()))
}

/// Records the relay's answer to a send: the entry leaves the outbox and its message is
/// marked sent, or failed with the relay's code.
///
/// A success is not flushed on its own: the next flush (any later write, or closing the
/// profile) carries it. Losing it in a crash only puts the sealed envelope back in the outbox,
/// and resending it is harmless: the relay and the recipient drop a repeated envelope id. That
/// saves one of the fsyncs every sent message used to pay.
pub fn complete(state: &mut WorkerState, key: Vec<u8>, failure: Option<String>) -> Result<()> {
    let mut tx = Tx::new(state.store.clone());
    let Some(entry): Option<OutboxEntry> = tx.get_json(Tree::Outbox, &key)? else {
        return Ok(());
    };
    tx.remove(Tree::Outbox, key.clone());
    let mut events = Vec::new();
    match entry.kind {
        OutboxKind::Message { conversation, message_id } => {
            if let Some(mut message) = conversations::find(&tx, &conversation, &message_id)? {
                let changed = match &failure {
                    None => conversations::advance_status(&mut message, MessageStatus::Sent),
                    Some(code) => {
                        message.status = MessageStatus::Failed;
                        message.failure = Some(code.clone());
                        true
                    }
                };
                if changed {
                    message_changes::save(&mut tx, &mut events, &message)?;
                }
            }
        }
        OutboxKind::GroupCopy { conversation, message_id: Some(message_id) } => {
            crate::groups::outcome::copy_done(&mut tx, &mut events, &key, conversation, message_id, failure.is_none())?;
        }
        OutboxKind::GroupControl { group } if failure.is_some() => {
            crate::groups::outcome::control_refused(&mut tx, &key, &group, &entry.peer)?;
        }
        _ => {}
    }
    tx.commit()?;
    if failure.is_some() {
        state.durable();
    }
    state.emit(events);
    Ok(())
}

/// Queues a typing indicator. It goes through the outbox like everything encrypted, so the
/// session advances in one place; callers send it only while connected.
pub fn queue_typing(state: &mut WorkerState, account: &Address, peer: &Address, started: bool) -> Result<()> {
    let action = if started { wire::typing_message::Action::Started } else { wire::typing_message::Action::Stopped };
    let typing = wire::TypingMessage { action: action as i32, timestamp: now_ms() };
    let content = wire::Content { body: Some(wire::content::Body::Typing(typing)), ..Default::default() };
    let entry = OutboxEntry::new(peer, OutboxKind::Control, content);
    let mut tx = Tx::new(state.store.clone());
    outbox::push(&mut tx, &account_key(&state.store, account), &entry)?;
    tx.commit()?;
    Ok(())
}
