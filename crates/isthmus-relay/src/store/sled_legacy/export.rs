//! Reads everything a sled relay kept as [`ImportRecord`]s, in the order `SqlStore::import`
//! wants them: accounts before their keys and settings, each queue in its order, reports
//! oldest first. The derived trees (`queue_ids`, `queue_counts`) are not read: the SQL store
//! rebuilds what they held.

use std::path::Path;

use isthmus_proto::{NetworkName, UserName};

use super::keys::{address_of, id_of, split_owner, split_queue_value};
use super::{backend, decode, open_existing, read_u64, Tree};
use crate::store::records::InteropRecord;
use crate::store::sql::ImportRecord;
use crate::store::{AccountRecord, DeviceKey, PreKey, ReportRecord, Result, SignedPreKey, StoreError};

fn corrupt(tree: Tree) -> StoreError {
    StoreError::Corrupt { what: tree.name() }
}

/// One entry of `tree` as a record.
fn record(tree: Tree, key: &[u8], value: &[u8]) -> Result<ImportRecord> {
    Ok(match tree {
        Tree::Accounts => ImportRecord::Account(decode::<AccountRecord>(tree, value)?),
        Tree::PreKeys => {
            let (name, _) = split_owner(tree, key)?;
            ImportRecord::PreKey { name, key: decode::<PreKey>(tree, value)? }
        }
        Tree::KyberPreKeys => {
            let (name, _) = split_owner(tree, key)?;
            ImportRecord::KyberPreKey { name, key: decode::<SignedPreKey>(tree, value)? }
        }
        Tree::Interop => {
            let name =
                std::str::from_utf8(key).ok().and_then(|raw| UserName::parse(raw).ok()).ok_or_else(|| corrupt(tree))?;
            ImportRecord::Interop { name, networks: decode::<InteropRecord>(tree, value)?.networks }
        }
        Tree::Queue => {
            // name 0x00 device(be, 4) seq(be, 8)
            let (name, rest) = split_owner(tree, key)?;
            let device = id_of(tree, rest.get(..4).ok_or_else(|| corrupt(tree))?)?;
            let (id, envelope) = split_queue_value(value)?;
            ImportRecord::Queued { device: DeviceKey::new(name, device), id, envelope }
        }
        Tree::Nonces => {
            let at = key.iter().position(|&byte| byte == 0).ok_or_else(|| corrupt(tree))?;
            let origin = std::str::from_utf8(&key[..at])
                .ok()
                .and_then(|raw| NetworkName::parse(raw).ok())
                .ok_or_else(|| corrupt(tree))?;
            let nonce = String::from_utf8(key[at + 1..].to_vec()).map_err(|_| corrupt(tree))?;
            ImportRecord::Nonce { origin, nonce, expires_at_ms: read_u64(tree, value)? }
        }
        Tree::Blocks | Tree::Contacts | Tree::Requests => {
            let (owner, address) = split_owner(tree, key)?;
            let (address, at) = (address_of(tree, &address)?, read_u64(tree, value)?);
            match tree {
                Tree::Blocks => ImportRecord::Block { owner, address, since_ms: at },
                Tree::Contacts => ImportRecord::Contact { owner, address, since_ms: at },
                _ => ImportRecord::Request { owner, address, at_ms: at },
            }
        }
        Tree::Correspondents => {
            let (owner, address) = split_owner(tree, key)?;
            ImportRecord::Correspondent { owner, address: address_of(tree, &address)? }
        }
        Tree::Reports => ImportRecord::Report(decode::<ReportRecord>(tree, value)?),
        Tree::Meta | Tree::QueueIds | Tree::QueueCounts => return Err(corrupt(tree)),
    })
}

/// Trees whose entries become records, in `Tree::ALL`'s order.
fn exported(tree: Tree) -> bool {
    !matches!(tree, Tree::Meta | Tree::QueueIds | Tree::QueueCounts)
}

/// Everything in the sled database at `path` (the `db` folder of an old data folder), read
/// lazily. Holds the database (and its lock) until the iterator is dropped.
pub fn records(path: &Path) -> Result<impl Iterator<Item = Result<ImportRecord>> + Send + 'static> {
    let db = open_existing(path)?;
    let mut trees = Vec::new();
    for tree in Tree::ALL.into_iter().filter(|tree| exported(*tree)) {
        trees.push((tree, db.open_tree(tree.name()).map_err(backend)?));
    }
    Ok(trees.into_iter().flat_map(|(tree, handle)| {
        handle.iter().map(move |entry| {
            let (key, value) = entry.map_err(backend)?;
            record(tree, &key, &value)
        })
    }))
}
