//! The relay's HTTP contract (docs/relay-api.md), defined once for both ends: the relay answers
//! with these types and the clients (core, CLI, desktop shell) send and read the same ones, so the
//! two cannot drift apart the way three hand-kept lists of report reasons once did.
//!
//! Only serde and plain data live here: no HTTP framework, no client library.

mod account;
pub mod base64_bytes;
mod consent;
mod discovery;
mod error_code;
mod groups;
pub mod integers;
mod keys;
mod media;
mod reports;

pub use account::{Blocks, Health, Interop, Networks, FEATURE_SEND_TO_MEMBERS};
pub use consent::{PendingRequest, PendingRequests, DEFAULT_REQUEST_TTL_MS};
pub use discovery::{Discoverability, DiscoverabilityJson, UnknownDiscoverability};
pub use error_code::{ErrorBody, ErrorCode, UNKNOWN_ACCOUNT_MESSAGE};
pub use groups::{parse_group_id, GroupAdds, GroupAddsJson, GroupNetworksJson, UnknownGroupAdds, GROUP_ID_LEN};
pub use keys::{
    Bundle, DirectoryEntry, IdentityKeys, KeysUpload, KyberPreKey, PreKey, PreKeyCounts, RegisterRequest,
    RegisterResponse, SignedPreKey, EC_PUBLIC_KEY_PATTERN, KYBER_PUBLIC_KEY_PATTERN, MAX_PREKEYS_PER_UPLOAD,
    SIGNATURE_PATTERN,
};
pub use media::{is_media_id, MediaCreated, MEDIA_ID_HEX_CHARS};
pub use reports::{
    cut_report_body, ReportCreated, ReportReason, ReportRequest, ReportedMessage, UnknownReason, CUT_MARK,
    MAX_REPORT_MESSAGES, MAX_REPORT_MESSAGE_CHARS, MAX_REPORT_NOTE_CHARS,
};
