//! The client's encrypted local store.
//!
//! Layers, bottom up:
//! - [`RawStore`]: named trees ([`Tree`]) of byte keys and byte values with atomic multi-tree
//!   batches. Two engines: [`SledStore`] on disk and [`MemoryStore`] for tests and ephemeral
//!   profiles; one conformance suite runs against both.
//! - [`SealedStore`]: seals every value with XChaCha20-Poly1305 under a random 32-byte data key.
//!   The associated data binds the format version, the tree and the full key, so a record moved
//!   elsewhere fails to open. [`SealedStore::name_key`] turns identifiers of people and
//!   conversations into keyed hashes, so no plaintext identifier is ever a key on disk.
//! - [`Profile`]: a folder holding `profile.json` (the data key wrapped under an Argon2id key
//!   derived from the passphrase) and the sled database in `db/`. Changing the passphrase rewraps
//!   the data key only.
//! - [`migrations`]: a schema version in [`Tree::Meta`] and ordered migrations run on every open.

use std::path::PathBuf;

mod bounds;
mod key_file;
mod memory;
pub mod migrations;
mod profile;
mod raw;
mod sealed;
mod sled_store;
mod tree;

#[cfg(test)]
mod conformance;

pub use memory::MemoryStore;
pub use migrations::{Migration, CURRENT_SCHEMA};
pub use profile::{KdfParams, Profile};
pub use raw::{Batch, Op, RawStore};
pub use sealed::{SealedBatch, SealedStore};
pub use sled_store::SledStore;
pub use tree::Tree;

/// Everything that can go wrong in the local store. Messages are written for the person at the
/// keyboard; none of them carries user data.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("wrong passphrase")]
    WrongPassphrase,
    #[error("a profile already exists in {0} (or the folder is not empty)")]
    ProfileExists(PathBuf),
    #[error("no profile found in {0}")]
    ProfileMissing(PathBuf),
    #[error("the profile is already open in another program or window")]
    ProfileInUse,
    /// An AEAD failure or an undecodable record. Never silently ignored: it means tampering,
    /// disk damage or a bug.
    #[error("the profile data is damaged: {0}")]
    Corrupt(String),
    #[error("the profile was written by a newer version of Isthmus (format {found}, this version supports up to {supported}); please update")]
    UnsupportedVersion { found: u32, supported: u32 },
    /// The storage engine (sled) failed.
    #[error("storage engine error: {0}")]
    Engine(String),
    #[error("file system error: {0}")]
    Io(#[from] std::io::Error),
    /// A value could not be serialized for storage, or a batch was handed to the wrong store.
    #[error("could not encode a value for storage: {0}")]
    Encoding(String),
    /// Key-derivation parameters that are too weak to be valid or too large to run safely.
    #[error("invalid key-derivation parameters: {0}")]
    InvalidKdfParams(String),
    /// The operation needs a profile on disk, and this one lives in memory only.
    #[error("this profile lives in memory only and has no passphrase")]
    InMemoryProfile,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
