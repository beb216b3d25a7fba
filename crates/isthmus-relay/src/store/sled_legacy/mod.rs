//! The relay's store before the SQL stores: a sled database in `DATA_DIR/db`. sled 0.34 could
//! deadlock under load (spacejam/sled#1412), so the relay no longer runs on it; what is left
//! reads such a database for `isthmus-relay migrate-from-sled` ([`export`]) and, for tests,
//! writes one exactly as the old relay did ([`SledStore`], behind the `testing` feature).
//!
//! The layout of each tree is documented on [`Tree`].

mod export;
mod keys;
#[cfg(feature = "testing")]
mod store;

use std::path::Path;

pub use export::records;
#[cfg(feature = "testing")]
pub use store::SledStore;

use super::{Result, StoreError};

/// The sled database's folder inside a relay's data folder.
pub const DATABASE_DIR: &str = "db";

/// The newest on-disk format the sled relay wrote.
/// 2 added the consent trees (blocks, contacts, requests, correspondents) and reports: a relay
/// that knows only version 1 must not open such a database, or it would ignore the blocks.
pub const SCHEMA_VERSION: u32 = 2;

const SCHEMA_VERSION_KEY: &[u8] = b"schema_version";

/// Every sled tree the relay uses, so that no tree name is ever spelled twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tree {
    /// `schema_version` and other store-wide facts.
    Meta,
    /// name -> `AccountRecord` (JSON).
    Accounts,
    /// name -> `InteropRecord` (JSON).
    Interop,
    /// name 0x00 id(be) -> `PreKey` (JSON).
    PreKeys,
    /// name 0x00 id(be) -> `SignedPreKey` (JSON).
    KyberPreKeys,
    /// device key, seq(be) -> id length (1 byte), id, encoded envelope.
    Queue,
    /// device key, envelope id -> seq(be): finds an envelope to ack, refuses duplicates.
    QueueIds,
    /// device key -> number of queued envelopes (u64 be), for the queue limit.
    QueueCounts,
    /// origin 0x00 nonce -> expiry in ms (u64 be).
    Nonces,
    /// owner 0x00 `name@network` -> blocked since, ms (u64 be).
    Blocks,
    /// owner 0x00 `name@network` -> contact since, ms (u64 be).
    Contacts,
    /// owner 0x00 `name@network` -> first contact at, ms (u64 be): pending message requests.
    Requests,
    /// owner 0x00 `name@network` -> empty: the two have exchanged a message, either way.
    Correspondents,
    /// received at ms (u64 be), arrival counter (u64 be) -> `ReportRecord` (JSON).
    Reports,
}

impl Tree {
    /// Every tree, in the order `migrate-from-sled` reads them (an account before its keys).
    pub const ALL: [Tree; 14] = [
        Tree::Meta,
        Tree::Accounts,
        Tree::Interop,
        Tree::PreKeys,
        Tree::KyberPreKeys,
        Tree::Queue,
        Tree::QueueIds,
        Tree::QueueCounts,
        Tree::Nonces,
        Tree::Blocks,
        Tree::Contacts,
        Tree::Requests,
        Tree::Correspondents,
        Tree::Reports,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Tree::Meta => "meta",
            Tree::Accounts => "accounts",
            Tree::Interop => "interop",
            Tree::PreKeys => "prekeys",
            Tree::KyberPreKeys => "kyber_prekeys",
            Tree::Queue => "queue",
            Tree::QueueIds => "queue_ids",
            Tree::QueueCounts => "queue_counts",
            Tree::Nonces => "nonces",
            Tree::Blocks => "blocks",
            Tree::Contacts => "contacts",
            Tree::Requests => "requests",
            Tree::Correspondents => "correspondents",
            Tree::Reports => "reports",
        }
    }
}

pub(crate) fn backend(error: sled::Error) -> StoreError {
    StoreError::Backend(error.to_string())
}

pub(crate) fn decode<T: serde::de::DeserializeOwned>(tree: Tree, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|_| StoreError::Corrupt { what: tree.name() })
}

pub(crate) fn read_u64(tree: Tree, bytes: &[u8]) -> Result<u64> {
    let array: [u8; 8] = bytes.try_into().map_err(|_| StoreError::Corrupt { what: tree.name() })?;
    Ok(u64::from_be_bytes(array))
}

/// The database's format version; one without it was created by the current format.
pub(crate) fn schema_version(meta: &sled::Tree) -> Result<u32> {
    match meta.get(SCHEMA_VERSION_KEY).map_err(backend)? {
        Some(bytes) => {
            let array: [u8; 4] =
                bytes.as_ref().try_into().map_err(|_| StoreError::Corrupt { what: Tree::Meta.name() })?;
            Ok(u32::from_be_bytes(array))
        }
        None => Ok(SCHEMA_VERSION),
    }
}

/// Opens an existing sled database, refusing a folder that holds none (sled would create one)
/// and a format newer than the last sled relay's.
pub(crate) fn open_existing(path: &Path) -> Result<sled::Db> {
    if !path.join("conf").is_file() {
        return Err(StoreError::Backend(format!("no sled database in {}", path.display())));
    }
    let db = sled::Config::new().path(path).open().map_err(|error| {
        if error.to_string().to_lowercase().contains("lock") {
            StoreError::Backend("the sled database is in use, probably by a running relay: stop it first".into())
        } else {
            backend(error)
        }
    })?;
    let found = schema_version(&db.open_tree(Tree::Meta.name()).map_err(backend)?)?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew { found: i64::from(found), known: i64::from(SCHEMA_VERSION) });
    }
    Ok(db)
}
