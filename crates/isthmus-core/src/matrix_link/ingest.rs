//! What arrives from a Matrix client, written into the sealed store on the engine's worker:
//! rooms as conversations, events as messages and changes to them, read receipts as statuses.
//! Every event is recorded in `events_map`, so an event seen twice (a sync repeated after a
//! restart, the echo of the user's own send) changes nothing the second time.

use isthmus_proto::Address;

use crate::conversations;
use crate::events::Event;
use crate::ids::ConversationId;
use crate::message_changes::{self, Change};
use crate::model::{Conversation, Direction, MatrixChat, Message, MessageStatus, Quote, Reaction};
use crate::tx::Tx;
use crate::worker::WorkerState;
use crate::Result;

use super::events_map::{self, EventTarget, MessageRef};

/// A room the account is in or invited to, as its client sees it now.
#[derive(Clone, Debug)]
pub struct MatrixRoom {
    pub chat: MatrixChat,
    /// The account was invited and has not joined.
    pub invited: bool,
}

/// A file or picture as its Matrix client downloaded and decrypted it. The engine checks and
/// cleans it as it does an Isthmus attachment (size limit, images re-encoded without their
/// metadata with bounded decoding) before anything is kept, and keeps it encrypted.
#[derive(Clone)]
pub struct MatrixMedia {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for MatrixMedia {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MatrixMedia({} bytes)", self.bytes.len())
    }
}

/// What the engine made of a room: its chat, and whether the client should join it now (an
/// invitation from someone the user already chats with is no request).
#[derive(Clone, Debug)]
pub struct RoomOutcome {
    pub conversation: Option<Conversation>,
    pub join: bool,
}

/// One timeline event of a room, in the engine's terms (ids are Matrix ids).
#[derive(Clone, Debug)]
pub enum MatrixEvent {
    /// Text, or a file or picture with `body` as its caption.
    Message {
        event: String,
        sender: String,
        body: String,
        sent_at: u64,
        reply_to: Option<String>,
        attachment: Option<MatrixMedia>,
    },
    Reaction {
        event: String,
        sender: String,
        target: String,
        emoji: String,
    },
    Edit {
        event: String,
        sender: String,
        target: String,
        body: String,
    },
    /// A redaction: of a message (deleted) or of a reaction (taken back).
    Redaction {
        event: String,
        sender: String,
        target: String,
    },
    /// `sender` has read everything up to `event`.
    Read {
        sender: String,
        event: String,
    },
}

pub(crate) fn room(
    state: &mut WorkerState,
    account: &Address,
    user_id: &str,
    peer: &Address,
    update: MatrixRoom,
) -> Result<RoomOutcome> {
    let mut tx = Tx::new(state.store.clone());
    let blocked = crate::consent::contacts::load(&tx, account, peer)?.blocked;
    let id = conversations::conversation_id(&state.store, account, peer);
    let existing = conversations::load(&tx, &id)?;
    if blocked && existing.as_ref().is_none_or(|c| c.request) {
        // Nothing of a blocked person's is shown; their invitation is declined by the client.
        return Ok(RoomOutcome { conversation: None, join: false });
    }
    let known = existing.as_ref().is_some_and(|c| !c.request);
    let (mut conversation, stored) = match existing {
        Some(existing) => (existing, true),
        None => (conversations::blank(id, account, peer), false),
    };
    let before = conversation.clone();
    conversation.matrix = Some(update.chat.clone());
    if !stored {
        conversation.request = update.invited;
    }
    events_map::set_room(&mut tx, user_id, &update.chat.room, &id)?;
    if conversation != before || !stored {
        conversations::save(&mut tx, &conversation)?;
    }
    tx.commit()?;
    state.durable();
    if conversation != before || !stored {
        state.emit([Event::ConversationChanged { conversation: conversation.clone() }]);
    }
    Ok(RoomOutcome { join: update.invited && known, conversation: Some(conversation) })
}

/// The conversation of a room, if the room was seen.
pub(crate) fn room_conversation(tx: &Tx, user_id: &str, room: &str) -> Result<Option<Conversation>> {
    match events_map::room(tx, user_id, room)? {
        Some(id) => conversations::load(tx, &id),
        None => Ok(None),
    }
}

/// Stores one event; false when it changed nothing (seen before, or about nothing known).
pub(crate) fn event(
    state: &mut WorkerState,
    user_id: &str,
    me: &Address,
    room: &str,
    event: MatrixEvent,
    prepared: Option<crate::media::records::AttachmentRecord>,
) -> Result<bool> {
    let mut tx = Tx::new(state.store.clone());
    let Some(mut conversation) = room_conversation(&tx, user_id, room)? else {
        return Ok(false);
    };
    let mut events = Vec::new();
    let author =
        |sender: &str| super::matrix_address(sender).map(|a| a.account()).unwrap_or_else(|_| sender.to_owned());
    let own = |sender: &str| author(sender) == me.account();
    match event {
        MatrixEvent::Message { event, sender, body, sent_at, reply_to, attachment: _ } => {
            if events_map::target(&tx, user_id, &event)?.is_some() {
                return Ok(false);
            }
            let mut message = Message::received(author(&sender), body, sent_at);
            if let Some(record) = &prepared {
                message.attachments = vec![record.view()];
            }
            if own(&sender) {
                // Sent from another of the user's devices.
                message.direction = Direction::Outgoing;
                message.status = MessageStatus::Sent;
            }
            message.stored_at = crate::time::now_ms();
            if let Some(reply_to) = reply_to {
                message.quote = quote(&tx, user_id, &conversation.id, &reply_to)?;
            }
            let message = conversations::append(&mut tx, &mut conversation, message)?;
            if let Some(record) = &prepared {
                crate::media::records::save(&mut tx, &conversation.id, &message.id, 0, record)?;
            }
            if message.direction == Direction::Incoming {
                conversation.unread += 1;
                conversations::save(&mut tx, &conversation)?;
            }
            let target =
                EventTarget { at: MessageRef { conversation: conversation.id, message: message.id }, reaction: None };
            events_map::link(&mut tx, user_id, &event, &target, true)?;
            events.push(Event::MessageAdded { message });
            events.push(Event::ConversationChanged { conversation });
        }
        MatrixEvent::Reaction { event, sender, target, emoji } => {
            if events_map::target(&tx, user_id, &event)?.is_some() {
                return Ok(false);
            }
            let Some(mut message) = target_message(&tx, user_id, &target)? else { return Ok(false) };
            let by = author(&sender);
            Change::React { emoji: emoji.clone(), remove: false }.apply(&mut message, &by);
            let at = MessageRef { conversation: message.conversation, message: message.id };
            if own(&sender) {
                events_map::set_own_reaction(&mut tx, &at, &emoji, Some(&event))?;
            }
            let target = EventTarget { at, reaction: Some(Reaction { author: by, emoji }) };
            events_map::link(&mut tx, user_id, &event, &target, false)?;
            message_changes::save(&mut tx, &mut events, &message)?;
        }
        MatrixEvent::Edit { event, sender, target, body } => {
            if events_map::target(&tx, user_id, &event)?.is_some() {
                return Ok(false);
            }
            let Some(mut message) = target_message(&tx, user_id, &target)? else { return Ok(false) };
            let change = Change::Edit { body };
            let by = author(&sender);
            if !change.allowed_from(&message, &by) {
                return Ok(false);
            }
            change.apply(&mut message, &by);
            let target = EventTarget {
                at: MessageRef { conversation: message.conversation, message: message.id },
                reaction: None,
            };
            events_map::link(&mut tx, user_id, &event, &target, false)?;
            message_changes::save(&mut tx, &mut events, &message)?;
        }
        MatrixEvent::Redaction { event, sender, target } => {
            if events_map::target(&tx, user_id, &event)?.is_some() {
                return Ok(false);
            }
            let Some(found) = events_map::target(&tx, user_id, &target)? else { return Ok(false) };
            let Some(mut message) = conversations::find(&tx, &found.at.conversation, &found.at.message)? else {
                return Ok(false);
            };
            let by = author(&sender);
            match found.reaction {
                Some(reaction) => {
                    if reaction.author != by {
                        return Ok(false);
                    }
                    Change::React { emoji: reaction.emoji.clone(), remove: true }.apply(&mut message, &by);
                    if own(&sender) {
                        events_map::set_own_reaction(&mut tx, &found.at, &reaction.emoji, None)?;
                    }
                }
                None => {
                    if !Change::Delete.allowed_from(&message, &by) {
                        return Ok(false);
                    }
                    Change::Delete.apply(&mut message, &by);
                }
            }
            events_map::link(&mut tx, user_id, &event, &EventTarget { at: found.at, reaction: None }, false)?;
            message_changes::save(&mut tx, &mut events, &message)?;
        }
        MatrixEvent::Read { sender, event } => {
            if own(&sender) {
                return Ok(false);
            }
            let Some(found) = events_map::target(&tx, user_id, &event)? else { return Ok(false) };
            let Some(up_to) = conversations::find(&tx, &found.at.conversation, &found.at.message)? else {
                return Ok(false);
            };
            read_up_to(&mut tx, &mut events, &state.store, &found.at.conversation, up_to.seq)?;
        }
    }
    tx.commit()?;
    state.durable();
    state.emit(events);
    Ok(true)
}

fn target_message(tx: &Tx, user_id: &str, event: &str) -> Result<Option<Message>> {
    match events_map::target(tx, user_id, event)? {
        Some(found) => conversations::find(tx, &found.at.conversation, &found.at.message),
        None => Ok(None),
    }
}

fn quote(tx: &Tx, user_id: &str, conversation: &ConversationId, event: &str) -> Result<Option<Quote>> {
    let Some(found) = events_map::target(tx, user_id, event)? else { return Ok(None) };
    let Some(quoted) = conversations::find(tx, conversation, &found.at.message)? else { return Ok(None) };
    Ok(Some(Quote { message_id: quoted.id, author: quoted.author, text: quoted.body.chars().take(200).collect() }))
}

/// The user's messages up to `seq` were read: Matrix receipts name the newest event read.
fn read_up_to(
    tx: &mut Tx,
    events: &mut Vec<Event>,
    store: &crate::store::SealedStore,
    conversation: &ConversationId,
    seq: u64,
) -> Result<()> {
    let mut cursor = Some(seq + 1);
    loop {
        let page = conversations::messages(store, conversation, cursor, 200)?;
        for mut message in page.items {
            if message.direction != Direction::Outgoing {
                continue;
            }
            if message.status == MessageStatus::Read {
                return Ok(());
            }
            if conversations::advance_status(&mut message, MessageStatus::Read) {
                message_changes::save(tx, events, &message)?;
            }
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(()),
        }
    }
}

/// A room the account no longer has: a request that was withdrawn disappears (an accepted chat
/// stays, with its history).
pub(crate) fn room_gone(state: &mut WorkerState, user_id: &str, room: &str) -> Result<()> {
    let mut tx = Tx::new(state.store.clone());
    let Some(conversation) = room_conversation(&tx, user_id, room)? else { return Ok(()) };
    if !conversation.request {
        return Ok(());
    }
    conversations::remove(&mut tx, &conversation.id)?;
    tx.commit()?;
    state.durable();
    state.emit([Event::ConversationRemoved { conversation: conversation.id }]);
    Ok(())
}
