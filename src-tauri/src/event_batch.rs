//! Engine events reach the page in batches: what arrives within one frame of the first event
//! goes over the bridge as one Tauri event, with the updates that a later one supersedes left
//! out. A burst of 10,000 messages used to cross as some 30,000 separate events, each a script
//! the web process evaluates (and a React update); now it crosses as a few dozen batches, and
//! the page applies each in one render.

use std::collections::HashSet;
use std::time::Duration;

use isthmus_core::{ConversationId, Event, MessageId, TransferDirection};

/// How long the forwarder gathers after the first event of a batch: one frame at 60 Hz, too
/// short for a person to notice and long enough for a burst to pile up.
pub const WINDOW: Duration = Duration::from_millis(16);

/// At most this many events in one batch, so a single script the page evaluates stays small.
pub const MAX_EVENTS: usize = 1000;

/// What a later event of the same kind and subject replaces entirely.
#[derive(PartialEq, Eq, Hash)]
enum Subject {
    Conversation(ConversationId),
    /// A message's update carries the whole message: the newest one is all the page needs.
    MessageUpdate(ConversationId, MessageId),
    Typing(ConversationId, String),
    Transfer(ConversationId, MessageId, u32, bool),
    Connection(String),
}

fn subject(event: &Event) -> Option<Subject> {
    Some(match event {
        Event::ConversationChanged { conversation } => Subject::Conversation(conversation.id),
        Event::MessageUpdated { message } => Subject::MessageUpdate(message.conversation, message.id),
        Event::Typing { conversation, author, .. } => Subject::Typing(*conversation, author.clone()),
        Event::Transfer { conversation, message, index, direction, .. } => {
            Subject::Transfer(*conversation, *message, *index, *direction == TransferDirection::Upload)
        }
        Event::Connection { account, .. } => Subject::Connection(account.clone()),
        // Each of these says something of its own (a message added, a key changed, a
        // decision recorded): none is left out.
        Event::MessageAdded { .. }
        | Event::QueueDrained { .. }
        | Event::KeyChanged { .. }
        | Event::ConversationRemoved { .. }
        | Event::ConsentRecorded { .. } => return None,
    })
}

/// Leaves out every event that a later one in the batch replaces, keeping the order of the
/// rest: the page ends in the same state as if it had applied them all.
pub fn coalesce(events: Vec<Event>) -> Vec<Event> {
    let mut seen = HashSet::new();
    let mut kept: Vec<Event> =
        events.into_iter().rev().filter(|event| subject(event).is_none_or(|subject| seen.insert(subject))).collect();
    kept.reverse();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::{conversation, message};
    use isthmus_core::MessageStatus;

    #[test]
    fn a_burst_keeps_every_added_message_and_only_the_newest_state_of_each_chat_and_message() {
        let (chat, other) = (ConversationId::random(), ConversationId::random());
        let mut burst = Vec::new();
        let mut ids = Vec::new();
        for n in 0..1000 {
            let id = MessageId::random();
            ids.push(id);
            burst.push(Event::MessageAdded { message: message(chat, id, MessageStatus::Pending) });
            burst.push(Event::ConversationChanged { conversation: conversation(chat, n + 1) });
            burst.push(Event::MessageUpdated { message: message(chat, id, MessageStatus::Sent) });
        }
        burst.push(Event::ConversationChanged { conversation: conversation(other, 1) });
        let first = ids[0];
        burst.push(Event::MessageUpdated { message: message(chat, first, MessageStatus::Read) });

        let batch = coalesce(burst);
        let added = batch.iter().filter(|e| matches!(e, Event::MessageAdded { .. })).count();
        assert_eq!(added, 1000, "every added message is kept");
        let changes: Vec<u32> = batch
            .iter()
            .filter_map(|e| match e {
                Event::ConversationChanged { conversation } if conversation.id == chat => Some(conversation.unread),
                _ => None,
            })
            .collect();
        assert_eq!(changes, vec![1000], "one change per chat, the newest");
        assert!(
            batch.iter().any(|e| matches!(e, Event::ConversationChanged { conversation } if conversation.id == other)),
            "another chat's change is its own"
        );
        let updates_of_first: Vec<MessageStatus> = batch
            .iter()
            .filter_map(|e| match e {
                Event::MessageUpdated { message } if message.id == first => Some(message.status),
                _ => None,
            })
            .collect();
        assert_eq!(updates_of_first, vec![MessageStatus::Read], "only a message's newest update is kept");
        assert_eq!(batch.len(), 1000 + 1000 + 1 + 1, "added, updates (one per message), one change per chat");
        let first_added =
            batch.iter().position(|e| matches!(e, Event::MessageAdded { message } if message.id == first));
        let first_updated =
            batch.iter().position(|e| matches!(e, Event::MessageUpdated { message } if message.id == first));
        assert!(first_added < first_updated, "a message is added before its update, as the engine sent them");
    }

    #[test]
    fn events_that_say_something_of_their_own_are_never_left_out() {
        let chat = ConversationId::random();
        let events = vec![
            Event::KeyChanged { account: "me@meadow.test".into(), peer: "robin@meadow.test".into() },
            Event::KeyChanged { account: "me@meadow.test".into(), peer: "robin@meadow.test".into() },
            Event::ConversationRemoved { conversation: chat },
            Event::QueueDrained { account: "me@meadow.test".into() },
            Event::QueueDrained { account: "me@meadow.test".into() },
        ];
        assert_eq!(coalesce(events).len(), 5);
    }
}
