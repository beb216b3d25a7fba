//! isthmus-core: the Isthmus client engine.
//!
//! A profile folder holds an encrypted store (`store`) with one or more accounts, each on its
//! own network's relay. The engine (`Engine`) keeps Signal sessions on one crypto worker thread
//! (`worker`), receives over a WebSocket per account (`connection`, `receive`), sends through a
//! durable outbox (`outbox`, `sender`, `send`), and publishes typed events (`events`) and paged
//! queries for front ends. It depends on `isthmus-proto` only: no UI, no Tauri.
#![deny(unsafe_code)]

pub mod account;
mod account_setup;
#[cfg(feature = "bench")]
#[doc(hidden)]
pub mod bench_search;
#[cfg(feature = "bench")]
#[doc(hidden)]
pub mod bench_support;
#[cfg(feature = "ts")]
pub mod bindings;
mod connection;
pub mod consent;
pub mod conversations;
mod decisions;
pub mod drafts;
mod engine;
mod engine_consent;
mod engine_drafts;
mod engine_groups;
mod engine_matrix;
mod engine_media;
mod engine_search;
mod engine_settings;
mod error;
pub mod events;
pub mod groups;
#[cfg(test)]
mod hostile_input_tests;
pub mod ids;
mod incoming;
mod keys;
pub mod matrix_link;
mod may_send;
pub mod media;
mod media_ops;
mod message_changes;
pub mod model;
mod outbox;
mod read_marks;
mod receive;
mod relay_client;
mod report_retry;
mod request_sync;
pub mod safety;
pub mod search;
mod seen;
pub mod send;
mod sender;
mod serde_bytes_b64;
mod signal_store;
pub mod store;
pub mod time;
mod tx;
pub mod untrusted_text;
mod worker;

pub use account::AccountInfo;
pub use consent::{Contact, Decision, Disclosure, LedgerEntry, UnopenedSender, UnsentReport, DISCLOSURE_VERSION};
pub use drafts::Draft;
pub use engine::{Engine, Timeline};
pub use engine_consent::InboxLayout;
pub use engine_media::SavedAttachment;
pub use engine_settings::Privacy;
pub use error::{Error, ErrorCode, Result, UserError};
pub use events::TransferDirection;
pub use events::{ConnectionState, Event};
pub use groups::{Group, GroupChange, GroupMember, Membership};
pub use ids::{ConversationId, EnvelopeId, GroupId, MessageId};
pub use model::{Conversation, Direction, GroupChangeKind, GroupNotice, MatrixChat, Message, MessageStatus, Page};
pub use relay_client::RelayTrust;
pub use safety::SafetyNumber;
pub use search::{SearchHit, SearchResults, SnippetPart};
pub use send::Outgoing;
pub use store::{KdfParams, Profile};
