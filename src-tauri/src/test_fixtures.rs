//! Engine values for the shell's unit tests: a chat of me@meadow.test with robin@meadow.test,
//! and a message in it, with only what a test varies as arguments.

use isthmus_core::{Conversation, ConversationId, Direction, Message, MessageId, MessageStatus};

/// A chat with `unread` unread messages, its preview saying so.
pub fn conversation(id: ConversationId, unread: u32) -> Conversation {
    Conversation {
        id,
        account: "me@meadow.test".parse().expect("valid"),
        peer: "robin@meadow.test".parse().expect("valid"),
        created_at: 0,
        last_activity: 0,
        last_preview: format!("{unread} unread"),
        last_status: None,
        unread,
        next_seq: 1,
        request: false,
        read_only: false,
        send_refusal: None,
        group: None,
        title: None,
        matrix: None,
    }
}

/// A message I wrote in `conversation`, in state `status`.
pub fn message(conversation: ConversationId, id: MessageId, status: MessageStatus) -> Message {
    Message {
        id,
        conversation,
        seq: 1,
        direction: Direction::Outgoing,
        status,
        ..Message::received("me@meadow.test".into(), "hello".into(), 0)
    }
}
