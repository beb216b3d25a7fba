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

use crate::store::{SealedStore, Tree};
use crate::Result;

pub struct Tx {
    store: Arc<SealedStore>,
    pending: BTreeMap<(Tree, Vec<u8>), Option<Vec<u8>>>,
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
            Some(staged) => Ok(staged.clone()),
            None => Ok(self.store.get(tree, key)?),
        }
    }

    pub fn get_json<T: DeserializeOwned>(&self, tree: Tree, key: &[u8]) -> Result<Option<T>> {
        match self.get(tree, key)? {
            Some(bytes) => Ok(Some(decode_json(&bytes)?)),
            None => Ok(None),
        }
    }

    pub fn put(&mut self, tree: Tree, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.pending.insert((tree, key.into()), Some(value.into()));
    }

    pub fn put_json<T: Serialize>(&mut self, tree: Tree, key: impl Into<Vec<u8>>, value: &T) -> Result<()> {
        let bytes = serde_json::to_vec(value).map_err(|e| crate::store::Error::Encoding(e.to_string()))?;
        self.put(tree, key, bytes);
        Ok(())
    }

    pub fn remove(&mut self, tree: Tree, key: impl Into<Vec<u8>>) {
        self.pending.insert((tree, key.into()), None);
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
    pub fn commit(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut batch = self.store.batch();
        for ((tree, key), value) in std::mem::take(&mut self.pending) {
            match value {
                Some(value) => batch.put(tree, &key, &value)?,
                None => batch.remove(tree, &key),
            }
        }
        self.store.apply(batch)?;
        Ok(())
    }
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
