//! The receive pipeline, on the crypto worker:
//! envelope -> duplicate check -> decrypt -> decode -> apply -> one atomic write -> (flush) -> ack.
//!
//! The caller acks only the ids this returns, and only after it returns, which is after the
//! flush: an envelope is never acked before what it carried is on disk.

use std::cell::RefCell;
use std::rc::Rc;

use isthmus_proto::{wire, Address, Message as _};
use libsignal_protocol::{message_decrypt, CiphertextMessage, PreKeySignalMessage, SignalMessage};

use crate::account::account_key;
use crate::conversations;
use crate::events::Event;
use crate::groups::{self, receive::Outcome};
use crate::ids::EnvelopeId;
use crate::incoming::{Incoming, IncomingMessage};
use crate::message_changes;
use crate::model::{Conversation, Direction, Message, MessageStatus};
use crate::outbox::queue_receipt;
use crate::signal_store::protocol_address;
use crate::signal_store::SignalStore;
use crate::time::now_ms;
use crate::tx::Tx;
use crate::worker::WorkerState;
use crate::Result;

/// What a batch of pushes left to do on the connection.
#[derive(Debug, Default)]
pub struct Received {
    /// Envelope ids to ack.
    pub acks: Vec<Vec<u8>>,
    /// Senders of first contacts that could not be opened: their request slots at the relay
    /// are to be freed (see `consent::unopened`).
    pub unopened_first_contacts: Vec<Address>,
    /// Groups the account was removed from: its relay is to refuse their traffic again.
    pub removed_from_groups: Vec<crate::ids::GroupId>,
}

/// Processes a run of pushed envelopes; returns the envelope ids that may be acked and the
/// senders whose first contacts could not be opened.
pub async fn receive_batch(
    state: &mut WorkerState,
    account: &Address,
    envelopes: Vec<wire::Envelope>,
) -> Result<Received> {
    let mut acks = Vec::with_capacity(envelopes.len());
    let mut unopened: Vec<Address> = Vec::new();
    let mut removed_from_groups = Vec::new();
    let mut events = Vec::new();
    for envelope in envelopes {
        let raw_id = envelope.id.clone();
        let source = envelope.source.as_ref().and_then(|source| Address::try_from(source).ok());
        let at_ms = envelope.server_timestamp;
        match receive_one(state, account, envelope).await {
            Ok(mut produced) => {
                events.append(&mut produced.events);
                removed_from_groups.extend(produced.removed_from);
                acks.push(raw_id);
            }
            // A storage failure must not be acked: the relay keeps the envelope for a retry.
            Err(crate::Error::Store(error)) => {
                state.durable();
                state.emit(events);
                return Err(error.into());
            }
            Err(error) => {
                // Undecryptable or malformed: retrying cannot help, so it is acked and dropped.
                tracing::warn!(code = ?error.code(), "dropped an envelope that could not be opened");
                acks.push(raw_id);
                if let Some(source) = source {
                    let mut tx = Tx::new(state.store.clone());
                    // Nothing shows it, so nothing else would ever free its request slot.
                    if !conversations::exists_with(&tx, account, &source)? {
                        crate::consent::unopened::record(&mut tx, account, &source, at_ms)?;
                        tx.commit()?;
                        if !unopened.contains(&source) {
                            unopened.push(source);
                        }
                    }
                }
            }
        }
    }
    state.durable();
    state.emit(events);
    Ok(Received { acks, unopened_first_contacts: unopened, removed_from_groups })
}

async fn receive_one(state: &mut WorkerState, account: &Address, envelope: wire::Envelope) -> Result<Outcome> {
    let account_key = account_key(&state.store, account);
    let id = EnvelopeId::from_slice(&envelope.id).ok_or_else(|| crate::Error::Protocol("bad envelope id".into()))?;
    let seen_key = crate::seen::key(&account_key, &id);
    if crate::seen::contains(&state.store, &seen_key)? {
        return Ok(Outcome::default());
    }
    let source = Address::try_from(envelope.source.as_ref().ok_or(isthmus_proto::Error::MissingField("source"))?)?;
    // A blocked person reaches nobody: the relay refuses them, and should anything still come
    // (queued before the block, say), the client drops it unopened.
    if crate::consent::contacts::load(&Tx::new(state.store.clone()), account, &source)?.blocked {
        let mut tx = Tx::new(state.store.clone());
        crate::seen::remember(&mut tx, seen_key, envelope.server_timestamp);
        tx.commit()?;
        return Ok(Outcome::default());
    }

    let tx = Rc::new(RefCell::new(Tx::new(state.store.clone())));
    let local = state.local_identity(account)?;
    let mut store = SignalStore::new(tx.clone(), account_key, &local)?;
    if envelope.kind == wire::CiphertextKind::SenderKey as i32 {
        let events = groups::receive::sender_key_message(&tx, &mut store, account, &source, &envelope).await?;
        let mut tx = tx.borrow_mut();
        crate::seen::remember(&mut tx, seen_key, envelope.server_timestamp);
        tx.commit()?;
        return Ok(Outcome { events, removed_from: None });
    }
    let ciphertext = match wire::CiphertextKind::try_from(envelope.kind) {
        Ok(wire::CiphertextKind::Prekey) => {
            CiphertextMessage::PreKeySignalMessage(PreKeySignalMessage::try_from(envelope.ciphertext.as_slice())?)
        }
        Ok(wire::CiphertextKind::Whisper) => {
            CiphertextMessage::SignalMessage(SignalMessage::try_from(envelope.ciphertext.as_slice())?)
        }
        _ => return Err(crate::Error::Protocol("unknown ciphertext kind".into())),
    };
    let (mut sessions, mut identities, mut prekeys, signed, mut kyber) =
        (store.clone(), store.clone(), store.clone(), store.clone(), store.clone());
    let mut rng = rand::rng();
    let plaintext = message_decrypt(
        &ciphertext,
        &protocol_address(&source)?,
        &mut sessions,
        &mut identities,
        &mut prekeys,
        &signed,
        &mut kyber,
        &mut rng,
    )
    .await?;
    let content = wire::Content::decode(plaintext.as_slice())
        .map_err(|_| crate::Error::Protocol("undecodable content".into()))?;

    let key_changed = !store.take_key_changes().is_empty();
    let mut outcome = Outcome::default();
    if key_changed {
        crate::consent::contacts::hold_for_key_change(&mut tx.borrow_mut(), account, &source)?;
        outcome.events.push(Event::KeyChanged { account: account.account(), peer: source.account() });
    }
    if content.group_id.is_empty() {
        let mut tx = tx.borrow_mut();
        apply(&mut tx, &account_key, account, &source, content, envelope.server_timestamp, &mut outcome.events)?;
    } else {
        // Group traffic over the pairwise session: it opens no one-to-one chat or request.
        let flags = groups::receive::Flags { add: envelope.group_add, invitation: envelope.group_invitation };
        let mut group = groups::receive::pairwise(&tx, &mut store, account, &source, flags, content).await?;
        outcome.events.append(&mut group.events);
        outcome.removed_from = group.removed_from;
    }
    let mut tx = tx.borrow_mut();
    crate::seen::remember(&mut tx, seen_key, envelope.server_timestamp);
    tx.commit()?;
    Ok(outcome)
}

/// Applies decrypted content to the conversation with `source`.
fn apply(
    tx: &mut Tx,
    account_key: &[u8; 32],
    account: &Address,
    source: &Address,
    content: wire::Content,
    server_timestamp: u64,
    events: &mut Vec<Event>,
) -> Result<()> {
    let (mut conversation, existed) = conversations::load_or_new(tx, account, source)?;
    let author = source.account();
    match Incoming::try_from(content)? {
        Incoming::Message(message) => {
            add_message(tx, account_key, &mut conversation, existed, &author, message, server_timestamp, events)?;
        }
        Incoming::Change { target, change } => {
            let Some(mut message) = conversations::find(tx, &conversation.id, &target)? else { return Ok(()) };
            // Anything a peer may not change is ignored.
            if change.allowed_from(&message, &author) {
                change.apply(&mut message, &author);
                message_changes::save(tx, events, &message)?;
            }
        }
        Incoming::Receipt { status, ids } => {
            for id in ids {
                let Some(mut message) = conversations::find(tx, &conversation.id, &id)? else { continue };
                if message.direction == Direction::Outgoing && conversations::advance_status(&mut message, status) {
                    message_changes::save(tx, events, &message)?;
                }
            }
        }
        // A requester's typing is not shown: nothing of theirs reaches the user beyond the request.
        Incoming::Typing { .. } if conversation.request || !existed => {}
        Incoming::Typing { started } => {
            events.push(Event::Typing { conversation: conversation.id, author, started });
        }
        Incoming::Nothing => {}
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn add_message(
    tx: &mut Tx,
    account_key: &[u8; 32],
    conversation: &mut Conversation,
    existed: bool,
    author: &str,
    incoming: IncomingMessage,
    server_timestamp: u64,
    events: &mut Vec<Event>,
) -> Result<()> {
    let id = incoming.id;
    // The same message can arrive in two envelopes (a resend after a crash): keep one.
    if conversations::find(tx, &conversation.id, &id)?.is_some() {
        return Ok(());
    }
    let message = incoming_message(tx, conversation, author, incoming, server_timestamp)?;
    // Someone new writing first opens a message request.
    if !existed {
        conversation.request = true;
    }
    conversation.unread += 1;
    let message = conversations::append(tx, conversation, message)?;
    // A pending request gets no receipts back: the sender sees only "sent".
    if !conversation.request {
        queue_receipt(tx, account_key, &conversation.peer, wire::receipt_message::Kind::Delivered, vec![id])?;
    }
    events.push(Event::MessageAdded { message });
    events.push(Event::ConversationChanged { conversation: conversation.clone() });
    Ok(())
}

/// A message a peer sent, as it is stored (its attachments' records saved beside it), not yet
/// appended: the same in a chat and a group.
pub(crate) fn incoming_message(
    tx: &mut Tx,
    conversation: &Conversation,
    author: &str,
    incoming: IncomingMessage,
    server_timestamp: u64,
) -> Result<Message> {
    let mut attachments = Vec::with_capacity(incoming.attachments.len());
    for (index, record) in &incoming.attachments {
        attachments.push(record.view());
        crate::media::records::save(tx, &conversation.id, &incoming.id, *index, record)?;
    }
    Ok(Message {
        id: incoming.id,
        conversation: conversation.id,
        seq: 0,
        direction: Direction::Incoming,
        author: author.to_owned(),
        body: incoming.body,
        sent_at: incoming.sent_at.unwrap_or(server_timestamp),
        stored_at: now_ms(),
        status: MessageStatus::Received,
        failure: None,
        quote: incoming.quote,
        reactions: Vec::new(),
        edited: false,
        deleted: false,
        attachments,
        notice: None,
    })
}
