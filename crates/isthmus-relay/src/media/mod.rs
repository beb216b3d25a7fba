//! Media: the encrypted attachments this network's users send, kept until they expire.
//!
//! A network hosts what its own users upload; receivers on other networks fetch it through their
//! own relay, which asks this one over federation, so this relay never learns who received it.
//! The relay only ever holds ciphertext: clients encrypt before they upload and check a digest
//! after they download.
//!
//! Storage is behind [`MediaStore`], with a filesystem implementation ([`FsMediaStore`], one
//! node), one that every node of a network sees ([`SharedMediaStore`]: an object store, S3 or a
//! shared folder, with the records in PostgreSQL) and an in-memory one ([`MemoryMediaStore`]);
//! all pass `tests/media_store_conformance.rs`.

mod fs_store;
pub mod http_body;
mod index;
mod memory_store;
mod owner;
mod quota;
mod shared_store;
pub mod sweeper;

use std::fmt;
use std::pin::Pin;

use async_trait::async_trait;
use axum::body::Bytes;
use futures_util::Stream;
use isthmus_proto::UserName;

pub use fs_store::{FsMediaStore, MEDIA_DIR};
pub use index::{MediaIndex, Usage};
pub use memory_store::MemoryMediaStore;
pub use owner::OwnerHash;
pub use quota::{QuotaReservations, Reservation};
pub use shared_store::SharedMediaStore;

/// A medium's id: 16 random bytes, written as 32 lowercase hex characters. Random and long enough
/// that holding the id is what lets someone fetch the medium.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MediaId([u8; 16]);

impl MediaId {
    pub fn random() -> Self {
        Self(rand::random())
    }

    /// Parses exactly 32 lowercase hex characters; anything else is `None`, so an id can never
    /// name a path outside the media folder.
    pub fn parse(text: &str) -> Option<Self> {
        if !isthmus_proto::api::is_media_id(text) {
            return None;
        }
        let mut bytes = [0u8; 16];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(Self(bytes))
    }

    /// The first four hex characters: enough to follow one medium through debug logs, far too few
    /// to fetch it.
    pub fn log_prefix(&self) -> String {
        hex::encode(&self.0[..2])
    }
}

impl fmt::Display for MediaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

/// Written by hand so that a whole id (a capability to fetch the medium) never lands in a log.
impl fmt::Debug for MediaId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MediaId({}..)", self.log_prefix())
    }
}

/// What the relay keeps about a stored medium besides its bytes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MediaRecord {
    /// A keyed hash of the uploading account's name: enough to count its quota, not to name it.
    pub owner: OwnerHash,
    pub size: u64,
    pub created_at_ms: u64,
}

/// When media expires: a medium created at or before `cutoff_ms` is gone, whether or not the
/// sweeper has deleted it yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expiry {
    pub cutoff_ms: u64,
}

impl Expiry {
    /// Media older than `retention_ms` at `now_ms` has expired.
    pub fn at(now_ms: u64, retention_ms: u64) -> Self {
        Self { cutoff_ms: now_ms.saturating_sub(retention_ms) }
    }

    pub fn is_live(self, record: &MediaRecord) -> bool {
        record.created_at_ms > self.cutoff_ms
    }
}

/// A medium's ciphertext as a stream of chunks, never the whole file at once (on disk).
pub type ByteStream = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send + 'static>>;

/// A stored medium opened for reading.
pub struct MediaContent {
    pub size: u64,
    pub bytes: ByteStream,
}

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("media i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("corrupt media record")]
    Corrupt,
}

pub type Result<T, E = MediaError> = std::result::Result<T, E>;

/// An upload in progress: bytes go to a place nobody can read from until [`MediaUpload::commit`].
/// Dropping it without committing discards everything written, so a refused or broken upload
/// leaves nothing behind.
#[async_trait]
pub trait MediaUpload: Send {
    async fn write(&mut self, chunk: &[u8]) -> Result<()>;

    /// Makes the medium durable and readable; returns its record (`size` is what was written).
    async fn commit(self: Box<Self>) -> Result<MediaRecord>;
}

/// Where media lives.
#[async_trait]
pub trait MediaStore: Send + Sync + 'static {
    /// Starts an upload of medium `id` by `owner`, created at `created_at_ms`.
    async fn begin(&self, id: MediaId, owner: &UserName, created_at_ms: u64) -> Result<Box<dyn MediaUpload>>;

    /// The record of a medium that exists and has not expired.
    async fn record(&self, id: MediaId, expiry: Expiry) -> Result<Option<MediaRecord>>;

    /// Opens a medium that exists and has not expired.
    async fn open(&self, id: MediaId, expiry: Expiry) -> Result<Option<MediaContent>>;

    /// What `owner`'s unexpired media takes up, bytes and objects: what counts against the quota.
    async fn usage(&self, owner: &UserName, expiry: Expiry) -> Result<Usage>;

    /// Deletes expired media and its records; returns how many media.
    async fn delete_expired(&self, expiry: Expiry) -> Result<usize>;
}
