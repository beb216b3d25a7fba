//! The in-memory engine: the reference implementation of [`RawStore`], used by tests and by
//! ephemeral profiles (sandboxes). Nothing touches the disk.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::bounds::KeyRange;
use super::raw::{Batch, Op, RawStore};
use super::{Result, Tree};

type Entries = BTreeMap<Vec<u8>, Vec<u8>>;

/// Every tree in one map behind one lock, so a batch lands for all readers at once.
#[derive(Debug, Default)]
pub struct MemoryStore {
    trees: RwLock<BTreeMap<Tree, Entries>>,
    /// How often a caller asked for durability: on disk each is an fsync, so tests and
    /// benchmarks count them here.
    flushes: AtomicU64,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// How many flushes were asked for since this store was made.
    pub fn flushes(&self) -> u64 {
        self.flushes.load(Ordering::Relaxed)
    }

    // A panic while holding the lock cannot leave a half-applied batch (ops are applied only
    // after nothing can fail), so a poisoned lock still guards consistent data.
    fn read(&self) -> RwLockReadGuard<'_, BTreeMap<Tree, Entries>> {
        self.trees.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, BTreeMap<Tree, Entries>> {
        self.trees.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl RawStore for MemoryStore {
    fn get(&self, tree: Tree, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.read().get(&tree).and_then(|entries| entries.get(key)).cloned())
    }

    fn scan_prefix(&self, tree: Tree, prefix: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        self.scan_page(tree, prefix, None, usize::MAX, false)
    }

    fn scan_page(
        &self,
        tree: Tree,
        prefix: &[u8],
        after: Option<&[u8]>,
        limit: usize,
        reverse: bool,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        let Some(range) = KeyRange::page(prefix, after, reverse) else {
            return Ok(Vec::new());
        };
        let trees = self.read();
        let Some(entries) = trees.get(&tree) else {
            return Ok(Vec::new());
        };
        let found = entries.range::<[u8], _>(range.as_bounds());
        let pick = |(key, value): (&Vec<u8>, &Vec<u8>)| (key.clone(), value.clone());
        Ok(if reverse { found.rev().take(limit).map(pick).collect() } else { found.take(limit).map(pick).collect() })
    }

    /// One lock for the whole batch: stronger than asked for, and the same to every reader.
    fn apply_per_tree(&self, batch: Batch) -> Result<()> {
        self.apply(batch)
    }

    fn apply(&self, batch: Batch) -> Result<()> {
        let mut trees = self.write();
        for op in batch.ops {
            match op {
                Op::Put { tree, key, value } => {
                    trees.entry(tree).or_default().insert(key, value);
                }
                Op::Remove { tree, key } => {
                    if let Some(entries) = trees.get_mut(&tree) {
                        entries.remove(&key);
                    }
                }
            }
        }
        Ok(())
    }

    fn flush(&self) -> Result<()> {
        self.flushes.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}
