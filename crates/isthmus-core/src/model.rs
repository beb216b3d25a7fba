//! The engine's domain records: what is stored (sealed) and what queries and events return.
//!
//! Records are serialized as JSON inside the sealed store; the schema version in
//! `store::migrations` covers their shape.

use isthmus_proto::Address;
use serde::{Deserialize, Serialize};

use crate::ids::{ConversationId, GroupId, MessageId};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Incoming,
    Outgoing,
}

/// Where a message stands. Outgoing: pending -> sent -> delivered -> read, or failed.
/// Incoming: received, then read once the user has seen it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    Pending,
    Sent,
    Delivered,
    Read,
    Failed,
    Received,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub message_id: MessageId,
    pub author: String,
    pub text: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    pub author: String,
    pub emoji: String,
}

/// An attachment as the timeline shows it. The key and digest stay in the attachment record.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub origin_network: String,
    pub size: u64,
    pub content_type: String,
    pub file_name: String,
    pub width: u32,
    pub height: u32,
    /// A JPEG thumbnail (base64), for images, when it passed the size checks.
    #[serde(default)]
    pub thumbnail: Option<String>,
    /// The encrypted file is in the profile (uploaded by us, or downloaded).
    #[serde(default)]
    pub downloaded: bool,
    /// Something the user should know, e.g. why an image travels as a plain file.
    #[serde(default)]
    pub note: Option<String>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub conversation: ConversationId,
    /// Position in the conversation's timeline (1, 2, ...), assigned when stored.
    pub seq: u64,
    pub direction: Direction,
    /// `name@network` of the author.
    pub author: String,
    pub body: String,
    /// The author's clock, ms since the epoch.
    pub sent_at: u64,
    /// This device's clock when stored, ms since the epoch.
    pub stored_at: u64,
    pub status: MessageStatus,
    /// For failed messages: the error code (see `ErrorCode`).
    pub failure: Option<String>,
    pub quote: Option<Quote>,
    pub reactions: Vec<Reaction>,
    pub edited: bool,
    pub deleted: bool,
    pub attachments: Vec<Attachment>,
    /// A change of a group's membership or name, shown in its timeline as a line of its own
    /// (`body` words it in English for plain front ends).
    #[serde(default)]
    pub notice: Option<GroupNotice>,
}

impl Message {
    /// A message that arrived from `author`, before `conversations::append` stores it (which
    /// fills in its conversation and place): received, unread, with nothing attached.
    pub fn received(author: String, body: String, sent_at: u64) -> Message {
        Message {
            id: crate::ids::MessageId::random(),
            conversation: crate::ids::ConversationId([0; 32]),
            seq: 0,
            direction: Direction::Incoming,
            author,
            body,
            sent_at,
            stored_at: sent_at,
            status: MessageStatus::Received,
            failure: None,
            quote: None,
            reactions: Vec::new(),
            edited: false,
            deleted: false,
            attachments: Vec::new(),
            notice: None,
        }
    }
}

/// What changed in a group, by whom, about whom.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupNotice {
    pub kind: GroupChangeKind,
    /// `name@network` of the member who made the change.
    pub by: String,
    /// The members it is about (added, removed, made admin).
    pub targets: Vec<String>,
    /// The group's name after the change.
    pub name: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupChangeKind {
    Created,
    /// The user was added by `by`.
    AddedYou,
    /// `by` invited the user: their setting did not let `by` add them (the chat is a request).
    InvitedYou,
    Added,
    Removed,
    Left,
    Renamed,
    MadeAdmin,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub id: ConversationId,
    /// The profile's account this conversation belongs to.
    pub account: Address,
    /// The other person.
    pub peer: Address,
    pub created_at: u64,
    pub last_activity: u64,
    /// The last message's text (or a note such as "Message deleted"), for the inbox.
    pub last_preview: String,
    pub last_status: Option<MessageStatus>,
    pub unread: u32,
    /// The next timeline position to assign.
    pub next_seq: u64,
    /// A message request: someone new wrote first and the user has not accepted yet. Until
    /// then no receipts or typing go back, attachments are not fetched, links are inert.
    #[serde(default)]
    pub request: bool,
    /// Filled in by queries, not stored: the account no longer allows this chat's network, so
    /// the chat is read-only.
    #[serde(default, skip_deserializing)]
    pub read_only: bool,
    /// Filled in by queries, not stored: why the chat may not send now (`interop_off`,
    /// `blocked`, `key_change_unacknowledged`, `request_pending`), or `None` when it may. The
    /// engine's rule (`may_send.rs`) decides, so front ends only word it.
    #[serde(default, skip_deserializing)]
    pub send_refusal: Option<crate::ErrorCode>,
    /// A group chat: the group's id (`peer` is then the account itself, and `title` the name).
    #[serde(default)]
    pub group: Option<GroupId>,
    /// The chat's name when it is not the peer's address: a group's name.
    #[serde(default)]
    pub title: Option<String>,
    /// A chat on Matrix, reached through the account's own Matrix client: its room. `None` for
    /// an Isthmus chat. `account` and `peer` are then the Matrix ids written as addresses.
    #[serde(default)]
    pub matrix: Option<MatrixChat>,
}

/// What a Matrix chat is on Matrix: the room, the full ids, and whether the room is end-to-end
/// encrypted (an unencrypted room is marked as such wherever the chat is shown).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixChat {
    /// `!opaque:server`.
    pub room: String,
    /// The account's own Matrix id, `@name:server`.
    pub account: String,
    /// The other person's Matrix id in a direct chat.
    pub peer: String,
    pub encrypted: bool,
}

impl Conversation {
    pub fn is_cross_network(&self) -> bool {
        self.account.network != self.peer.network
    }

    pub fn is_matrix(&self) -> bool {
        self.matrix.is_some()
    }

    pub fn is_group(&self) -> bool {
        self.group.is_some()
    }
}

/// A page of results and the cursor for the next one, if any.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<u64>,
}
