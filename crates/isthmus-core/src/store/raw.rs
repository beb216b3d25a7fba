//! The storage engine seen from above: named trees of byte keys and byte values.
//!
//! `RawStore` knows nothing of encryption; `SealedStore` (sealed.rs) wraps one and seals every
//! value. Two implementations exist, sled (`SledStore`, the default on disk) and memory
//! (`MemoryStore`, for tests and ephemeral profiles); `conformance.rs` runs one suite against both.

use super::{Result, Tree};

/// One change inside an atomic batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Put { tree: Tree, key: Vec<u8>, value: Vec<u8> },
    Remove { tree: Tree, key: Vec<u8> },
}

/// A set of changes across trees that lands all together or not at all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Batch {
    pub ops: Vec<Op>,
}

impl Batch {
    pub fn put(&mut self, tree: Tree, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.ops.push(Op::Put { tree, key: key.into(), value: value.into() });
    }
    pub fn remove(&mut self, tree: Tree, key: impl Into<Vec<u8>>) {
        self.ops.push(Op::Remove { tree, key: key.into() });
    }
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// Ordered byte-keyed trees with atomic multi-tree batches.
pub trait RawStore: Send + Sync + 'static {
    fn get(&self, tree: Tree, key: &[u8]) -> Result<Option<Vec<u8>>>;
    /// All entries whose key starts with `prefix`, in ascending key order.
    fn scan_prefix(&self, tree: Tree, prefix: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>>;
    /// Entries with `prefix`, in key order, starting after `after` (exclusive) if given, at most `limit`.
    /// `reverse` walks from the largest key down (and `after` then means "before").
    fn scan_page(
        &self,
        tree: Tree,
        prefix: &[u8],
        after: Option<&[u8]>,
        limit: usize,
        reverse: bool,
    ) -> Result<Vec<(Vec<u8>, Vec<u8>)>>;
    /// Applies every op or none.
    fn apply(&self, batch: Batch) -> Result<()>;
    /// Applies each tree's ops of `batch` all together or not at all, but the trees one after
    /// another: a crash can land some trees' ops and not others'. For data derived from records
    /// that are written atomically (the search index's keys), where sled's cross-tree
    /// transaction would cost several times as much per key.
    fn apply_per_tree(&self, batch: Batch) -> Result<()>;
    /// Returns once everything applied so far is on stable storage.
    fn flush(&self) -> Result<()>;
}
