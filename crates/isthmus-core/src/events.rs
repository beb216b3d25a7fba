//! Typed events the engine publishes; front ends subscribe and name them as they like.

use serde::Serialize;

use crate::consent::LedgerEntry;
use crate::ids::ConversationId;
use crate::model::{Conversation, Message};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    Connecting,
    Connected,
    /// Waiting before the next attempt; `retry_in_ms` says how long.
    Offline,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferDirection {
    Upload,
    Download,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    MessageAdded {
        message: Message,
    },
    MessageUpdated {
        message: Message,
    },
    ConversationChanged {
        conversation: Conversation,
    },
    Typing {
        conversation: ConversationId,
        author: String,
        started: bool,
    },
    Connection {
        account: String,
        state: ConnectionState,
        retry_in_ms: Option<u64>,
    },
    /// Everything the relay had queued for the account when it connected has been processed.
    QueueDrained {
        account: String,
    },
    /// A contact's identity key is not the one seen before; sending to them is held until the
    /// user acknowledges it.
    KeyChanged {
        account: String,
        peer: String,
    },
    /// A deleted or blocked request is gone.
    ConversationRemoved {
        conversation: ConversationId,
    },
    /// An attachment is on its way: `done` of `total` bytes (of ciphertext) moved.
    Transfer {
        conversation: ConversationId,
        message: crate::ids::MessageId,
        index: u32,
        direction: TransferDirection,
        done: u64,
        total: u64,
    },
    /// A consent decision was made and recorded.
    ConsentRecorded {
        entry: LedgerEntry,
    },
}
