//! A write transaction over the sealed store, with read-your-writes.
//!
//! The receive pipeline decrypts a message (which changes the Signal session), decodes it and
//! updates the conversation: all of it must land together or not at all, so that a crash never
//! leaves a ratchet advanced for a message that was not stored. Everything is staged in a `Tx`
//! and committed as one atomic batch.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::store::{Batch, SealedStore, Tree};
use crate::Result;

pub struct Tx {
    store: Arc<SealedStore>,
    pending: BTreeMap<(Tree, Vec<u8>), Staged>,
}

/// A change waiting for `commit`.
#[derive(Clone)]
enum Staged {
    /// A value, sealed at commit.
    Value(Vec<u8>),
    /// A key whose presence is all it says (the search index's postings): stored with an empty,
    /// unsealed value, since there is nothing to seal. Never read through `get`.
    Marker,
    /// A marker taken away.
    MarkerRemoved,
    Removed,
}

impl Tx {
    pub fn new(store: Arc<SealedStore>) -> Self {
        Self { store, pending: BTreeMap::new() }
    }

    pub fn store(&self) -> &Arc<SealedStore> {
        &self.store
    }

    pub fn get(&self, tree: Tree, key: &[u8]) -> Result<Option<Vec<u8>>> {
        match self.pending.get(&(tree, key.to_vec())) {
            Some(Staged::Value(value)) => Ok(Some(value.clone())),
            Some(Staged::Removed) => Ok(None),
            Some(Staged::Marker | Staged::MarkerRemoved) => Err(marker_read(tree)),
            None => Ok(self.store.get(tree, key)?),
        }
    }

    /// Whether `key` is in `tree`, staged writes included, without opening any value.
    pub fn contains(&self, tree: Tree, key: &[u8]) -> Result<bool> {
        match self.pending.get(&(tree, key.to_vec())) {
            Some(Staged::Value(_) | Staged::Marker) => Ok(true),
            Some(Staged::Removed | Staged::MarkerRemoved) => Ok(false),
            None => Ok(self.store.raw().get(tree, key)?.is_some()),
        }
    }

    pub fn get_json<T: DeserializeOwned>(&self, tree: Tree, key: &[u8]) -> Result<Option<T>> {
        match self.get(tree, key)? {
            Some(bytes) => Ok(Some(decode_json(&bytes)?)),
            None => Ok(None),
        }
    }

    pub fn put(&mut self, tree: Tree, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.pending.insert((tree, key.into()), Staged::Value(value.into()));
    }

    /// Stages a key-only entry (see [`Staged::Marker`]): for trees whose keys are keyed hashes
    /// and whose values would say nothing.
    ///
    /// Markers are derived data, written outside the atomic batch (see `commit`): a crash can
    /// leave one that points at nothing, or one that should be gone. Their readers check what
    /// a marker leads to, so either costs a lookup, never a wrong answer.
    pub fn put_marker(&mut self, tree: Tree, key: impl Into<Vec<u8>>) {
        self.pending.insert((tree, key.into()), Staged::Marker);
    }

    /// Stages taking a marker away (see [`Tx::put_marker`]).
    pub fn remove_marker(&mut self, tree: Tree, key: impl Into<Vec<u8>>) {
        self.pending.insert((tree, key.into()), Staged::MarkerRemoved);
    }

    pub fn put_json<T: Serialize>(&mut self, tree: Tree, key: impl Into<Vec<u8>>, value: &T) -> Result<()> {
        let bytes = serde_json::to_vec(value).map_err(|e| crate::store::Error::Encoding(e.to_string()))?;
        self.put(tree, key, bytes);
        Ok(())
    }

    pub fn remove(&mut self, tree: Tree, key: impl Into<Vec<u8>>) {
        self.pending.insert((tree, key.into()), Staged::Removed);
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Forgets everything staged (after a failed decryption, say).
    pub fn rollback(&mut self) {
        self.pending.clear();
    }

    /// Seals and applies everything staged as one atomic batch. Durability is the caller's
    /// choice: `SealedStore::flush` after one commit or after a run of them.
    ///
    /// Markers go around the batch, tree by tree (`RawStore::apply_per_tree`, several times
    /// cheaper per key than sled's transaction): new ones before it, so a record is never
    /// stored without the markers that find it; removed ones after it.
    pub fn commit(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut batch = self.store.batch();
        let (mut markers, mut unmarked) = (Batch::default(), Batch::default());
        for ((tree, key), value) in std::mem::take(&mut self.pending) {
            match value {
                Staged::Value(value) => batch.put(tree, &key, &value)?,
                Staged::Removed => batch.remove(tree, &key),
                Staged::Marker => markers.put(tree, key, Vec::new()),
                Staged::MarkerRemoved => unmarked.remove(tree, key),
            }
        }
        if !markers.is_empty() {
            self.store.raw().apply_per_tree(markers)?;
        }
        self.store.apply(batch)?;
        if !unmarked.is_empty() {
            self.store.raw().apply_per_tree(unmarked)?;
        }
        Ok(())
    }
}

fn marker_read(tree: Tree) -> crate::Error {
    crate::store::Error::Encoding(format!("a marker in {} has no value to read", tree.name())).into()
}

pub fn decode_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| crate::store::Error::Corrupt(format!("undecodable record: {e}")).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_writes_are_visible_in_the_transaction_and_nowhere_else_until_commit() {
        let profile = crate::store::Profile::in_memory();
        let store = profile.store();
        let mut tx = Tx::new(store.clone());
        tx.put(Tree::Meta, b"k".to_vec(), b"v".to_vec());
        assert_eq!(tx.get(Tree::Meta, b"k").expect("get"), Some(b"v".to_vec()), "read your own writes");
        assert_eq!(store.get(Tree::Meta, b"k").expect("get"), None, "nothing lands before commit");
        tx.commit().expect("commit");
        assert_eq!(store.get(Tree::Meta, b"k").expect("get"), Some(b"v".to_vec()));

        let mut tx = Tx::new(store.clone());
        tx.remove(Tree::Meta, b"k".to_vec());
        assert_eq!(tx.get(Tree::Meta, b"k").expect("get"), None, "a staged removal hides the value");
        tx.rollback();
        tx.commit().expect("commit");
        assert_eq!(store.get(Tree::Meta, b"k").expect("get"), Some(b"v".to_vec()), "rollback forgets staged work");
    }
}
