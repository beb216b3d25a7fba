//! Reactions, edits and deletes of messages, applied the same way whether the user made them
//! (`send`) or a peer did (`receive`). Who may change what is decided by the caller: the user's
//! own messages on the way out, the author's on the way in.

use crate::conversations;
use crate::events::Event;
use crate::model::{Message, Reaction};
use crate::tx::Tx;
use crate::Result;

/// A change to an earlier message, as the user makes it or a peer sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    React { emoji: String, remove: bool },
    Edit { body: String },
    Delete,
}

impl Change {
    /// Applies the change `author` made. Whether they may is the caller's to decide.
    pub fn apply(self, message: &mut Message, author: &str) {
        match self {
            Change::React { emoji, remove } => react(message, author, &emoji, remove),
            Change::Edit { body } => edit(message, body),
            Change::Delete => erase(message),
        }
    }

    /// Whether `author` may make this change to `message` when a peer sends it: anyone in the
    /// chat may react; only the author edits or deletes, and a deleted message stays deleted.
    pub fn allowed_from(&self, message: &Message, author: &str) -> bool {
        match self {
            Change::React { .. } => true,
            Change::Edit { .. } => message.author == author && !message.deleted,
            Change::Delete => message.author == author,
        }
    }

    /// The change as it goes on the wire, in a message of its own about `target`, written by
    /// `target_author`.
    pub fn to_wire(&self, target: &crate::ids::MessageId, target_author: &str) -> isthmus_proto::wire::DataMessage {
        use isthmus_proto::wire;
        let target_message_id = target.0.to_vec();
        let mut data = wire::DataMessage::default();
        match self {
            Change::React { emoji, remove } => {
                data.reaction = Some(wire::Reaction {
                    target_message_id,
                    target_author: target_author.to_owned(),
                    emoji: emoji.clone(),
                    remove: *remove,
                });
            }
            Change::Edit { body } => data.edit = Some(wire::Edit { target_message_id, body: body.clone() }),
            Change::Delete => data.delete = Some(wire::Delete { target_message_id }),
        }
        data
    }
}

/// `author`'s reaction replaces their previous one; `remove` takes it back.
fn react(message: &mut Message, author: &str, emoji: &str, remove: bool) {
    message.reactions.retain(|r| r.author != author);
    if !remove {
        message.reactions.push(Reaction { author: author.to_owned(), emoji: emoji.to_owned() });
    }
}

fn edit(message: &mut Message, body: String) {
    message.body = body;
    message.edited = true;
}

/// A deleted message keeps its place in the timeline but loses its content.
fn erase(message: &mut Message) {
    message.deleted = true;
    message.body.clear();
    message.attachments.clear();
    message.quote = None;
    message.reactions.clear();
}

/// Stores a changed message and says so: the message, and its conversation when the change
/// shows in the inbox (the last message's preview).
pub fn save(tx: &mut Tx, events: &mut Vec<Event>, message: &Message) -> Result<()> {
    if let Some(conversation) = conversations::update(tx, message)? {
        events.push(Event::ConversationChanged { conversation });
    }
    events.push(Event::MessageUpdated { message: message.clone() });
    Ok(())
}
