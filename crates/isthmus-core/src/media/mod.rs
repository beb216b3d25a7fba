//! Attachments: encrypted end to end in chunks, hosted by the sender's network, fetched
//! through the receiver's own relay, checked against their digest before a byte is used.
//!
//! - `cipher`: the chunked attachment encryption (streams; never holds a file in memory).
//! - `images`: thumbnails, dimensions and metadata stripping with decode limits.
//! - `names`: safe file names and type detection for saving.
//! - `transfer`: upload to the own relay and download through its proxy, with progress.
//! - `records`: what the profile keeps about each attachment (key, digest, local file).

pub mod cipher;
pub mod images;
pub mod names;
pub mod prepare;
pub mod records;
pub mod transfer;

/// Attachments larger than this are refused before anything is encrypted.
pub const DEFAULT_MAX_ATTACHMENT_BYTES: u64 = 100 * 1024 * 1024;
