//! Matrix chats in the engine: what the engine keeps of a Matrix account and its chats, and the
//! one seam through which it reaches the account's Matrix client.
//!
//! The engine never speaks Matrix itself. `isthmus-matrix` runs matrix-sdk on the user's own
//! device (Olm/Megolm end to end, its store sealed with a key from the profile's data key), and
//! calls the engine with what arrives: rooms become conversations, events become messages,
//! reactions, edits, deletes, receipts and typing, all in the sealed store and through the same
//! events as Isthmus chats. The user's own actions on a Matrix chat come back through
//! [`MatrixLink`], which `isthmus-matrix` implements. So the engine's API, its events and the
//! UI's `Backend` have one shape for every chat; `Conversation::matrix` marks what is Matrix.
//!
//! Consent works as for another Isthmus network: a Matrix account is off until the user turns it
//! on under the Matrix disclosure (`consent::disclosure::matrix_disclosure`); while it is off
//! nothing is synced or sent and its chats are read-only. An invitation from someone the user
//! has no chat with is a message request: nothing goes back (no join, no receipt, no typing)
//! until it is accepted. Every decision goes into the consent ledger.

pub mod accounts;
pub mod events_map;
pub mod ingest;
pub mod rules;

use async_trait::async_trait;

use crate::model::MatrixChat;
use crate::Result;

pub use accounts::{matrix_address, MatrixAccount, MatrixAccountInfo};

/// The user's own action on a Matrix chat, in Matrix's terms: event ids, not message ids (the
/// engine translates).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MatrixOutgoing {
    Text {
        body: String,
        reply_to: Option<String>,
    },
    Reaction {
        target: String,
        emoji: String,
    },
    /// Takes back one of the user's reactions: the reaction's own event is redacted.
    Unreact {
        reaction: String,
    },
    Edit {
        target: String,
        body: String,
    },
    Delete {
        target: String,
    },
}

/// A file the user sends to a Matrix chat, already through the engine's media checks (EXIF
/// stripped from pictures, size limits).
#[derive(Clone, Debug)]
pub struct MatrixFile {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    pub caption: String,
}

/// What the engine asks of an account's Matrix client. Implemented by `isthmus-matrix`; every
/// call is made only when the rules allow it (the account is on, the chat is no pending
/// request, the person is not blocked).
#[async_trait]
pub trait MatrixLink: Send + Sync {
    /// Sends and answers the new event's id.
    async fn send(&self, chat: &MatrixChat, outgoing: MatrixOutgoing) -> Result<String>;
    async fn send_file(&self, chat: &MatrixChat, file: MatrixFile) -> Result<String>;
    async fn typing(&self, chat: &MatrixChat, started: bool) -> Result<()>;
    /// A read receipt for everything up to `event`.
    async fn read_up_to(&self, chat: &MatrixChat, event: &str) -> Result<()>;
    /// Accepts an invitation: joins the room.
    async fn accept(&self, chat: &MatrixChat) -> Result<()>;
    /// Declines an invitation or leaves the room.
    async fn leave(&self, chat: &MatrixChat) -> Result<()>;
    /// Puts the person on the account's ignore list (Matrix's block), or takes them off it.
    async fn set_ignored(&self, user: &str, ignored: bool) -> Result<()>;
    /// Reports events to the user's homeserver (which tells the sender's, as Matrix does).
    async fn report(&self, chat: &MatrixChat, events: &[String], reason: &str) -> Result<()>;
    /// Opens a direct chat with `user`: an encrypted room with them invited.
    async fn open_direct(&self, user: &str) -> Result<MatrixChat>;
    /// The account's Matrix client stops (the account was turned off or signed out).
    async fn stop(&self);
}
