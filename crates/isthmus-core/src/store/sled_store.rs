//! The on-disk engine: one sled database, one sled tree per [`Tree`].

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::Transactional;

use super::bounds::KeyRange;
use super::raw::{Batch, Op, RawStore};
use super::{Error, Result, Tree};

/// How long [`SledStore::open`] waits for a lock that is held elsewhere.
pub const LOCK_WAIT: Duration = Duration::from_secs(2);
const LOCK_RETRY: Duration = Duration::from_millis(20);

/// sled's page cache. Its default is 1 GiB, sized for a database server; a desktop profile's
/// working set is the open chats' newest pages, the inbox and the sessions, and a messenger
/// left open for weeks must not grow towards a gigabyte. What it costs and saves is measured
/// in docs/benchmarks.md ("Desktop app memory").
pub const CACHE_CAPACITY: u64 = 32 * 1024 * 1024;

/// A sled database with every tree opened up front, so a typo'd tree name cannot exist.
#[derive(Debug)]
pub struct SledStore {
    db: sled::Db,
    trees: HashMap<Tree, sled::Tree>,
}

impl SledStore {
    /// Opens (or creates) the database in the folder `path`. A database held by another process
    /// (or another open store) gives [`Error::ProfileInUse`] after waiting up to [`LOCK_WAIT`].
    pub fn open(path: impl AsRef<Path>) -> Result<SledStore> {
        SledStore::open_waiting(path.as_ref(), LOCK_WAIT)
    }

    /// Like [`SledStore::open`], waiting at most `wait` for the lock.
    ///
    /// Waiting is needed even within one process: sled releases its file lock from background
    /// threads shortly *after* the last handle is dropped, so closing and reopening a profile
    /// (locking and unlocking the app, say) would otherwise fail now and then.
    pub fn open_waiting(path: &Path, wait: Duration) -> Result<SledStore> {
        let started = Instant::now();
        let db = loop {
            match sled::Config::new().path(path).cache_capacity(CACHE_CAPACITY).open().map_err(map_open_error) {
                Err(Error::ProfileInUse) if started.elapsed() < wait => {
                    std::thread::sleep(LOCK_RETRY);
                }
                other => break other?,
            }
        };
        let mut trees = HashMap::with_capacity(Tree::ALL.len());
        for tree in Tree::ALL {
            let opened = db.open_tree(tree.name()).map_err(map_error)?;
            trees.insert(tree, opened);
        }
        Ok(SledStore { db, trees })
    }

    fn tree(&self, tree: Tree) -> &sled::Tree {
        self.trees.get(&tree).expect("open() opens every tree in Tree::ALL")
    }
}

impl RawStore for SledStore {
    fn get(&self, tree: Tree, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let value = self.tree(tree).get(key).map_err(map_error)?;
        Ok(value.map(|value| value.to_vec()))
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
        let found = self.tree(tree).range::<&[u8], _>(range.as_bounds());
        let pick = |entry: sled::Result<(sled::IVec, sled::IVec)>| {
            entry.map(|(key, value)| (key.to_vec(), value.to_vec())).map_err(map_error)
        };
        if reverse {
            found.rev().take(limit).map(pick).collect()
        } else {
            found.take(limit).map(pick).collect()
        }
    }

    /// Runs the whole batch in one sled transaction over the trees it touches, so it lands
    /// all together or not at all, also across a crash.
    fn apply(&self, batch: Batch) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let mut touched: Vec<Tree> = Vec::new();
        for op in &batch.ops {
            let tree = match op {
                Op::Put { tree, .. } | Op::Remove { tree, .. } => *tree,
            };
            if !touched.contains(&tree) {
                touched.push(tree);
            }
        }
        let position = |tree: Tree| touched.iter().position(|t| *t == tree).expect("every op's tree is in `touched`");
        let trees: Vec<sled::Tree> = touched.iter().map(|tree| self.tree(*tree).clone()).collect();
        let outcome: Result<(), TransactionError<()>> = trees.as_slice().transaction(|view| {
            for op in &batch.ops {
                match op {
                    Op::Put { tree, key, value } => {
                        view[position(*tree)].insert(key.as_slice(), value.as_slice())?;
                    }
                    Op::Remove { tree, key } => {
                        view[position(*tree)].remove(key.as_slice())?;
                    }
                }
            }
            Ok::<(), ConflictableTransactionError<()>>(())
        });
        match outcome {
            Ok(()) => Ok(()),
            Err(TransactionError::Storage(error)) => Err(map_error(error)),
            Err(TransactionError::Abort(())) => Err(Error::Engine("the storage transaction was aborted".into())),
        }
    }

    /// One sled batch per tree, in the order the trees first appear.
    fn apply_per_tree(&self, batch: Batch) -> Result<()> {
        let mut per_tree: Vec<(Tree, sled::Batch)> = Vec::new();
        for op in batch.ops {
            let tree = match &op {
                Op::Put { tree, .. } | Op::Remove { tree, .. } => *tree,
            };
            let index = match per_tree.iter().position(|(t, _)| *t == tree) {
                Some(index) => index,
                None => {
                    per_tree.push((tree, sled::Batch::default()));
                    per_tree.len() - 1
                }
            };
            match op {
                Op::Put { key, value, .. } => per_tree[index].1.insert(key, value),
                Op::Remove { key, .. } => per_tree[index].1.remove(key),
            }
        }
        for (tree, ops) in per_tree {
            self.tree(tree).apply_batch(ops).map_err(map_error)?;
        }
        Ok(())
    }

    fn flush(&self) -> Result<()> {
        self.db.flush().map_err(map_error)?;
        Ok(())
    }
}

/// Sled reports a lock held elsewhere only as an I/O error with this text; matching it is the
/// one way to tell "in use" from a real I/O failure. A test pins the behaviour.
const SLED_LOCK_MESSAGE: &str = "could not acquire lock";

fn map_open_error(error: sled::Error) -> Error {
    match &error {
        sled::Error::Io(io) if io.to_string().contains(SLED_LOCK_MESSAGE) => Error::ProfileInUse,
        _ => map_error(error),
    }
}

fn map_error(error: sled::Error) -> Error {
    match error {
        sled::Error::Corruption { .. } => Error::Corrupt("the storage engine found damaged data".into()),
        other => Error::Engine(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_open_of_the_same_folder_is_in_use() {
        let dir = tempfile::tempdir().expect("a temporary folder is needed for the database");
        let first = SledStore::open(dir.path()).expect("the first open of a fresh folder works");
        let second = SledStore::open_waiting(dir.path(), Duration::from_millis(100));
        assert!(
            matches!(second, Err(Error::ProfileInUse)),
            "sled's file lock must surface as ProfileInUse so the user learns why, got {second:?}"
        );
        drop(first);
        SledStore::open(dir.path()).expect("once the first store is closed the folder opens again");
    }

    #[test]
    fn closing_and_reopening_at_once_works() {
        let dir = tempfile::tempdir().expect("a temporary folder is needed for the database");
        for round in 0..10 {
            let store = SledStore::open(dir.path()).unwrap_or_else(|error| {
                panic!("open waits out sled's delayed lock release, yet round {round} failed: {error}")
            });
            store.flush().expect("flush");
        }
    }
}
