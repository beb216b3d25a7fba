//! Which Matrix room is which conversation, and which Matrix event is which message, both ways.
//! Sealed in `Tree::LinkedEvents`; every key is a keyed hash or engine ids, never a Matrix id.

use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, MessageId};
use crate::store::Tree;
use crate::tx::Tx;
use crate::Result;

/// A message, by where it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRef {
    pub conversation: ConversationId,
    pub message: MessageId,
}

fn hashed(tx: &Tx, tag: u8, domain: &str, parts: &[&str]) -> Vec<u8> {
    let mut key = vec![tag];
    key.extend_from_slice(&tx.store().name_key(domain, parts.join("\n").as_bytes()));
    key
}

fn room_key(tx: &Tx, account: &str, room: &str) -> Vec<u8> {
    hashed(tx, b'c', "matrix-room", &[account, room])
}

fn event_key(tx: &Tx, account: &str, event: &str) -> Vec<u8> {
    hashed(tx, b'e', "matrix-event", &[account, event])
}

fn message_key(at: &MessageRef) -> Vec<u8> {
    let mut key = vec![b'm'];
    key.extend_from_slice(&at.conversation.0);
    key.extend_from_slice(&at.message.0);
    key
}

fn reaction_key(tx: &Tx, at: &MessageRef, emoji: &str) -> Vec<u8> {
    let mut label = at.conversation.0.to_vec();
    label.extend_from_slice(&at.message.0);
    label.extend_from_slice(emoji.as_bytes());
    let mut key = vec![b'r'];
    key.extend_from_slice(&tx.store().name_key("matrix-reaction", &label));
    key
}

pub fn room(tx: &Tx, account: &str, room: &str) -> Result<Option<ConversationId>> {
    tx.get_json(Tree::LinkedEvents, &room_key(tx, account, room))
}

pub fn set_room(tx: &mut Tx, account: &str, room: &str, conversation: &ConversationId) -> Result<()> {
    let key = room_key(tx, account, room);
    tx.put_json(Tree::LinkedEvents, key, conversation)
}

/// What a Matrix event was to the engine: the message it created or changed, and for a
/// reaction who reacted with what (so its redaction takes exactly that reaction back).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventTarget {
    pub at: MessageRef,
    #[serde(default)]
    pub reaction: Option<crate::model::Reaction>,
}

pub fn target(tx: &Tx, account: &str, event: &str) -> Result<Option<EventTarget>> {
    tx.get_json(Tree::LinkedEvents, &event_key(tx, account, event))
}

/// The Matrix event a message is (the one that created it).
pub fn event(tx: &Tx, at: &MessageRef) -> Result<Option<String>> {
    tx.get_json(Tree::LinkedEvents, &message_key(at))
}

/// Records what `event` was: the message it created (`creates`), or a change to it. A second
/// sight of the same event then finds it and is ignored.
pub fn link(tx: &mut Tx, account: &str, event: &str, target: &EventTarget, creates: bool) -> Result<()> {
    let key = event_key(tx, account, event);
    tx.put_json(Tree::LinkedEvents, key, target)?;
    if creates {
        tx.put_json(Tree::LinkedEvents, message_key(&target.at), &event)?;
    }
    Ok(())
}

/// The user's own reaction `emoji` on a message: its event, so taking it back can redact it.
pub fn own_reaction(tx: &Tx, at: &MessageRef, emoji: &str) -> Result<Option<String>> {
    tx.get_json(Tree::LinkedEvents, &reaction_key(tx, at, emoji))
}

pub fn set_own_reaction(tx: &mut Tx, at: &MessageRef, emoji: &str, event: Option<&str>) -> Result<()> {
    let key = reaction_key(tx, at, emoji);
    match event {
        Some(event) => tx.put_json(Tree::LinkedEvents, key, &event),
        None => {
            tx.remove(Tree::LinkedEvents, key);
            Ok(())
        }
    }
}
