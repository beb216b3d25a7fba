//! One behaviour for every engine: this suite runs against [`MemoryStore`] and [`SledStore`].
//!
//! Each check is a function over `&dyn RawStore`; `raw_store_conformance!` turns the list into
//! tests for one engine. A new engine adds one macro line.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::{Batch, MemoryStore, RawStore, SledStore, Tree};

fn put(store: &dyn RawStore, tree: Tree, key: &[u8], value: &[u8]) {
    let mut batch = Batch::default();
    batch.put(tree, key, value);
    store.apply(batch).expect("a single put applies");
}

fn remove(store: &dyn RawStore, tree: Tree, key: &[u8]) {
    let mut batch = Batch::default();
    batch.remove(tree, key);
    store.apply(batch).expect("a single remove applies");
}

fn keys(entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<Vec<u8>> {
    entries.iter().map(|(key, _)| key.clone()).collect()
}

fn key_list(list: &[&[u8]]) -> Vec<Vec<u8>> {
    list.iter().map(|key| key.to_vec()).collect()
}

pub(super) fn get_put_remove(store: &dyn RawStore) {
    assert_eq!(store.get(Tree::Meta, b"k").expect("get"), None, "a new store is empty");
    put(store, Tree::Meta, b"k", b"one");
    assert_eq!(store.get(Tree::Meta, b"k").expect("get"), Some(b"one".to_vec()), "put is read back");
    put(store, Tree::Meta, b"k", b"two");
    assert_eq!(store.get(Tree::Meta, b"k").expect("get"), Some(b"two".to_vec()), "a second put replaces the value");
    put(store, Tree::Meta, b"empty", b"");
    assert_eq!(
        store.get(Tree::Meta, b"empty").expect("get"),
        Some(Vec::new()),
        "an empty value is a value, not an absence"
    );
    remove(store, Tree::Meta, b"k");
    assert_eq!(store.get(Tree::Meta, b"k").expect("get"), None, "remove deletes the entry");
    remove(store, Tree::Meta, b"never-there");
    assert_eq!(store.get(Tree::Meta, b"never-there").expect("get"), None, "removing a missing key is not an error");
}

pub(super) fn trees_are_isolated(store: &dyn RawStore) {
    put(store, Tree::Sessions, b"same-key", b"session");
    put(store, Tree::Messages, b"same-key", b"message");
    assert_eq!(
        store.get(Tree::Sessions, b"same-key").expect("get"),
        Some(b"session".to_vec()),
        "equal keys in different trees are different entries"
    );
    assert_eq!(store.get(Tree::Outbox, b"same-key").expect("get"), None, "a tree never sees another tree's keys");
    assert_eq!(
        keys(&store.scan_prefix(Tree::Messages, b"").expect("scan")),
        key_list(&[b"same-key"]),
        "a scan stays inside its tree"
    );
    remove(store, Tree::Sessions, b"same-key");
    assert_eq!(
        store.get(Tree::Messages, b"same-key").expect("get"),
        Some(b"message".to_vec()),
        "removing from one tree leaves the other untouched"
    );
}

pub(super) fn scan_prefix_is_ordered_and_bounded(store: &dyn RawStore) {
    for key in [&b"b/2"[..], b"a/9", b"b/10", b"b/1", b"c/0", b"b", &[b'b', 0xFF], &[b'b' + 1]] {
        put(store, Tree::Conversations, key, key);
    }
    assert_eq!(
        keys(&store.scan_prefix(Tree::Conversations, b"b/").expect("scan")),
        key_list(&[b"b/1", b"b/10", b"b/2"]),
        "only keys with the prefix come back, in byte order"
    );
    assert_eq!(
        keys(&store.scan_prefix(Tree::Conversations, b"b").expect("scan")),
        key_list(&[b"b", b"b/1", b"b/10", b"b/2", &[b'b', 0xFF]]),
        "the prefix itself and keys with 0xFF after it are inside the prefix"
    );
    assert_eq!(
        keys(&store.scan_prefix(Tree::Conversations, &[b'b', 0xFF]).expect("scan")),
        key_list(&[&[b'b', 0xFF]]),
        "a prefix ending in 0xFF is bounded correctly"
    );
    assert_eq!(
        store.scan_prefix(Tree::Conversations, b"").expect("scan").len(),
        8,
        "the empty prefix returns the whole tree"
    );
    let entries = store.scan_prefix(Tree::Conversations, b"c/").expect("scan");
    assert_eq!(entries, vec![(b"c/0".to_vec(), b"c/0".to_vec())], "values come with their keys");
    assert!(
        store.scan_prefix(Tree::Conversations, b"zzz").expect("scan").is_empty(),
        "an unmatched prefix gives nothing"
    );
}

pub(super) fn scan_page_walks_both_ways(store: &dyn RawStore) {
    let tree = Tree::Messages;
    for n in 0u8..10 {
        put(store, tree, &[b'p', n], &[n]);
    }
    put(store, tree, b"o", b"before the prefix");
    put(store, tree, b"q", b"after the prefix");
    let page = |after: Option<&[u8]>, limit, reverse| {
        let entries = store.scan_page(tree, b"p", after, limit, reverse).expect("scan_page");
        entries.into_iter().map(|(key, _)| key[1]).collect::<Vec<u8>>()
    };

    assert_eq!(page(None, 3, false), vec![0, 1, 2], "the first page starts at the smallest key");
    assert_eq!(page(Some(&[b'p', 2]), 3, false), vec![3, 4, 5], "`after` is exclusive");
    assert_eq!(page(Some(&[b'p', 8]), 3, false), vec![9], "the last page may be short");
    assert_eq!(page(Some(&[b'p', 9]), 3, false), Vec::<u8>::new(), "past the end is empty");
    assert_eq!(page(None, 3, true), vec![9, 8, 7], "reverse starts at the largest key");
    assert_eq!(page(Some(&[b'p', 7]), 3, true), vec![6, 5, 4], "reverse `after` means before");
    assert_eq!(page(Some(&[b'p', 1]), 3, true), vec![0], "the last reverse page may be short");
    assert_eq!(page(Some(&[b'p', 0]), 3, true), Vec::<u8>::new(), "before the start is empty");
    assert_eq!(page(None, 0, false), Vec::<u8>::new(), "a zero limit returns nothing");
    assert_eq!(page(None, 100, false).len(), 10, "keys outside the prefix never appear");
    assert_eq!(page(None, 100, true).len(), 10, "keys outside the prefix never appear in reverse");
    assert_eq!(
        page(Some(&[b'p', 4, 0]), 2, false),
        vec![5, 6],
        "a cursor that is not a stored key still splits the range correctly"
    );
    assert_eq!(page(Some(&[b'p', 4, 0]), 2, true), vec![4, 3], "a missing cursor key works in reverse too");
    assert_eq!(page(Some(b"a"), 2, false), vec![0, 1], "a cursor before the prefix is no limit");
    assert_eq!(page(Some(b"z"), 2, true), vec![9, 8], "a cursor after the prefix is no limit");

    let mut walked = Vec::new();
    let mut cursor: Option<Vec<u8>> = None;
    loop {
        let entries = store.scan_page(tree, b"p", cursor.as_deref(), 4, true).expect("scan_page");
        let Some((last, _)) = entries.last() else { break };
        cursor = Some(last.clone());
        walked.extend(entries.iter().map(|(key, _)| key[1]));
    }
    assert_eq!(
        walked,
        (0..10).rev().collect::<Vec<u8>>(),
        "paging with the last key as cursor visits every entry exactly once"
    );
}

pub(super) fn batch_spans_trees_and_applies_in_order(store: &dyn RawStore) {
    put(store, Tree::Outbox, b"pending", b"queued");
    let mut batch = Batch::default();
    batch.put(Tree::Messages, b"m1", b"hello");
    batch.put(Tree::Sessions, b"s1", b"ratchet");
    batch.put(Tree::SeenEnvelopes, b"e1", b"");
    batch.remove(Tree::Outbox, b"pending");
    batch.put(Tree::Meta, b"twice", b"first");
    batch.put(Tree::Meta, b"twice", b"second");
    batch.put(Tree::Meta, b"gone", b"soon");
    batch.remove(Tree::Meta, b"gone");
    store.apply(batch).expect("a batch across trees applies");

    assert_eq!(store.get(Tree::Messages, b"m1").expect("get"), Some(b"hello".to_vec()), "put lands");
    assert_eq!(
        store.get(Tree::Sessions, b"s1").expect("get"),
        Some(b"ratchet".to_vec()),
        "the second tree's put lands in the same batch"
    );
    assert_eq!(
        store.get(Tree::SeenEnvelopes, b"e1").expect("get"),
        Some(Vec::new()),
        "the third tree's put lands in the same batch"
    );
    assert_eq!(store.get(Tree::Outbox, b"pending").expect("get"), None, "the batch's remove lands");
    assert_eq!(
        store.get(Tree::Meta, b"twice").expect("get"),
        Some(b"second".to_vec()),
        "ops apply in order, so the later put wins"
    );
    assert_eq!(store.get(Tree::Meta, b"gone").expect("get"), None, "a put then remove leaves nothing");
    store.apply(Batch::default()).expect("an empty batch is a no-op, not an error");
}

pub(super) fn per_tree_batch_applies_in_order(store: &dyn RawStore) {
    put(store, Tree::SearchPostings, b"stale", b"");
    let mut batch = Batch::default();
    batch.put(Tree::SearchPostings, b"p1", b"");
    batch.put(Tree::SearchPrefixes, b"x1", b"");
    batch.remove(Tree::SearchPostings, b"stale");
    batch.put(Tree::SearchPrefixes, b"twice", b"first");
    batch.put(Tree::SearchPrefixes, b"twice", b"second");
    batch.put(Tree::SearchPostings, b"gone", b"");
    batch.remove(Tree::SearchPostings, b"gone");
    store.apply_per_tree(batch).expect("a per-tree batch applies");
    assert_eq!(store.get(Tree::SearchPostings, b"p1").expect("get"), Some(Vec::new()));
    assert_eq!(store.get(Tree::SearchPrefixes, b"x1").expect("get"), Some(Vec::new()));
    assert_eq!(store.get(Tree::SearchPostings, b"stale").expect("get"), None);
    assert_eq!(store.get(Tree::SearchPrefixes, b"twice").expect("get"), Some(b"second".to_vec()), "in order");
    assert_eq!(store.get(Tree::SearchPostings, b"gone").expect("get"), None, "a put then remove leaves nothing");
    store.apply_per_tree(Batch::default()).expect("an empty batch is a no-op");
}

/// A reader racing a writer must never see half a batch: every batch writes counter `n` to two
/// trees (Messages first), and the reader reads Messages first, so a torn batch would show a
/// Sessions counter behind the Messages one. The writer keeps going until the reader has looked
/// often enough, so the two really overlap.
pub(super) fn batch_is_never_seen_half_applied(store: Arc<dyn RawStore>) {
    const OBSERVATIONS: u32 = 2_000;
    const MIN_CHANGES: u32 = 20;
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let store = Arc::clone(&store);
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut n: u32 = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let mut batch = Batch::default();
                batch.put(Tree::Messages, b"counter", n.to_be_bytes());
                batch.put(Tree::Sessions, b"counter", n.to_be_bytes());
                store.apply(batch).expect("the writer's batch applies");
            }
        })
    };
    let read = |tree| {
        store
            .get(tree, b"counter")
            .expect("get")
            .map_or(0, |bytes| u32::from_be_bytes(bytes.try_into().expect("the writer stores four bytes")))
    };
    // Look until both enough reads and enough of the writer's batches have gone by, so the
    // check cannot pass merely because the writer had not started yet.
    let (mut observations, mut changes_seen, mut last) = (0u32, 0u32, 0u32);
    while observations < OBSERVATIONS || changes_seen < MIN_CHANGES {
        let messages = read(Tree::Messages);
        let sessions = read(Tree::Sessions);
        assert!(
            sessions >= messages,
            "batch {messages} was visible in one tree but not the other ({sessions}): not atomic"
        );
        observations += 1;
        // Reads must not starve the writer (sled's readers share a lock with transactions).
        std::thread::yield_now();
        if messages != last {
            changes_seen += 1;
            last = messages;
        }
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().expect("the writer finishes without panicking");
}

macro_rules! raw_store_conformance {
    ($name:ident, $make:expr) => {
        mod $name {
            use super::*;

            #[test]
            fn get_put_remove() {
                let (store, _guard) = $make();
                super::get_put_remove(&store);
            }

            #[test]
            fn trees_are_isolated() {
                let (store, _guard) = $make();
                super::trees_are_isolated(&store);
            }

            #[test]
            fn scan_prefix_is_ordered_and_bounded() {
                let (store, _guard) = $make();
                super::scan_prefix_is_ordered_and_bounded(&store);
            }

            #[test]
            fn scan_page_walks_both_ways() {
                let (store, _guard) = $make();
                super::scan_page_walks_both_ways(&store);
            }

            #[test]
            fn batch_spans_trees_and_applies_in_order() {
                let (store, _guard) = $make();
                super::batch_spans_trees_and_applies_in_order(&store);
            }

            #[test]
            fn per_tree_batch_applies_in_order() {
                let (store, _guard) = $make();
                super::per_tree_batch_applies_in_order(&store);
            }

            #[test]
            fn batch_is_never_seen_half_applied() {
                let (store, _guard) = $make();
                super::batch_is_never_seen_half_applied(Arc::new(store));
            }
        }
    };
}

raw_store_conformance!(memory, || (MemoryStore::new(), ()));

raw_store_conformance!(sled, || {
    let dir = tempfile::tempdir().expect("a temporary folder for the database");
    let store = SledStore::open(dir.path().join("db")).expect("sled opens in a fresh folder");
    (store, dir)
});

/// Sled only: what was applied and flushed is there after the database is closed and reopened.
#[test]
fn sled_keeps_data_across_reopen() {
    let dir = tempfile::tempdir().expect("a temporary folder for the database");
    let path = dir.path().join("db");
    {
        let store = SledStore::open(&path).expect("sled opens in a fresh folder");
        let mut batch = Batch::default();
        batch.put(Tree::Messages, b"m", b"kept");
        batch.put(Tree::Accounts, b"a", b"kept too");
        store.apply(batch).expect("the batch applies");
        put(&store, Tree::Meta, b"removed", b"x");
        remove(&store, Tree::Meta, b"removed");
        store.flush().expect("flush reaches the disk");
    }
    let store = SledStore::open(&path).expect("the closed database reopens");
    assert_eq!(
        store.get(Tree::Messages, b"m").expect("get"),
        Some(b"kept".to_vec()),
        "flushed data survives closing the database"
    );
    assert_eq!(
        store.get(Tree::Accounts, b"a").expect("get"),
        Some(b"kept too".to_vec()),
        "every tree of a batch survives closing"
    );
    assert_eq!(store.get(Tree::Meta, b"removed").expect("get"), None, "a flushed remove stays removed after reopening");
}
