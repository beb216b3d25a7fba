//! Keeping the index equal to the timelines: every write of a message goes through [`index`]
//! (in the same transaction), a removed conversation through [`unindex_conversation`], and
//! [`rebuild`] starts over from the messages.

use std::collections::{BTreeMap, HashSet};

use super::doc::Doc;
use super::keys::{self, Key};
use super::terms;
use crate::ids::ConversationId;
use crate::model::Message;
use crate::store::{Batch, SealedStore, Tree};
use crate::tx::Tx;
use crate::Result;

/// What of a message is searchable: its text and its files' names. Deleted messages and group
/// notices (which the timeline words in English for plain front ends) are not. The index is
/// built from it, and a hit's snippet cut from it.
pub fn searchable_text(message: &Message) -> Option<String> {
    if message.deleted || message.notice.is_some() {
        return None;
    }
    let mut text = message.body.clone();
    for attachment in &message.attachments {
        text.push('\n');
        text.push_str(&attachment.file_name);
    }
    Some(text)
}

/// The message's terms, by key (sorted, distinct).
fn keyed_terms(store: &SealedStore, message: &Message) -> BTreeMap<Key, String> {
    let Some(text) = searchable_text(message) else { return BTreeMap::new() };
    terms::terms(&text).into_iter().map(|term| (keys::term(store, &term), term)).collect()
}

/// Brings the index in line with `message` as it is about to be stored: adds a new one,
/// re-indexes an edited one, drops a deleted one. A status or reaction change costs one read.
pub fn index(tx: &mut Tx, message: &Message) -> Result<()> {
    write(tx, message, None)
}

/// `index` for a rebuild: writes every entry even where the record says it is there (a rebuild
/// may have cleared part of it), and learns each term's prefixes once per rebuild (`learned`).
fn reindex(tx: &mut Tx, message: &Message, learned: &mut HashSet<Key>) -> Result<()> {
    write(tx, message, Some(learned))
}

fn write(tx: &mut Tx, message: &Message, mut rebuild: Option<&mut HashSet<Key>>) -> Result<()> {
    let store = tx.store().clone();
    let doc_key = keys::doc(&store, &message.conversation, &message.id);
    let old = match tx.get(Tree::SearchDocs, &doc_key)? {
        Some(bytes) => Some(Doc::decode(&bytes)?),
        None => None,
    };
    let terms = keyed_terms(&store, message);
    let doc = (!terms.is_empty()).then(|| Doc {
        conversation: message.conversation,
        seq: message.seq,
        sent_at: message.sent_at,
        terms: terms.keys().copied().collect(),
    });
    if rebuild.is_none() && old == doc {
        return Ok(());
    }
    let old_terms: HashSet<Key> = old.map(|old| old.terms.into_iter().collect()).unwrap_or_default();
    for gone in old_terms.iter().filter(|term| !terms.contains_key(*term)) {
        tx.remove_marker(Tree::SearchPostings, keys::pair(gone, &doc_key));
    }
    for (term_key, term) in &terms {
        if rebuild.is_none() && old_terms.contains(term_key) {
            continue;
        }
        tx.put_marker(Tree::SearchPostings, keys::pair(term_key, &doc_key));
        match rebuild.as_deref_mut() {
            Some(learned) => {
                if learned.insert(*term_key) {
                    learn(tx, &store, term_key, term);
                }
            }
            None => {
                if !tx.contains(Tree::SearchPrefixes, &keys::pair(&keys::prefix(&store, term), term_key))? {
                    learn(tx, &store, term_key, term);
                }
            }
        }
    }
    match doc {
        Some(doc) => tx.put(Tree::SearchDocs, doc_key.to_vec(), doc.encode()),
        None => tx.remove(Tree::SearchDocs, doc_key.to_vec()),
    }
    Ok(())
}

/// Makes a new term findable under each of its prefixes. Terms are never forgotten one by one
/// (a prefix that leads to no posting any more costs a lookup); a rebuild starts them afresh.
fn learn(tx: &mut Tx, store: &SealedStore, term_key: &Key, term: &str) {
    for prefix in terms::prefixes(term) {
        tx.put_marker(Tree::SearchPrefixes, keys::pair(&keys::prefix(store, prefix), term_key));
    }
}

/// Drops every message of a conversation that is being removed.
pub fn unindex_conversation(tx: &mut Tx, conversation: &ConversationId) -> Result<()> {
    let store = tx.store().clone();
    for (index_key, _) in store.raw().scan_prefix(Tree::MessageIndex, &conversation.0)? {
        let doc_key = keys::doc_named(&store, &index_key);
        let Some(bytes) = tx.get(Tree::SearchDocs, &doc_key)? else { continue };
        for term in Doc::decode(&bytes)?.terms {
            tx.remove_marker(Tree::SearchPostings, keys::pair(&term, &doc_key));
        }
        tx.remove(Tree::SearchDocs, doc_key.to_vec());
    }
    Ok(())
}

/// One step of a rebuild: indexes a page of a conversation's timeline (newest first, before
/// `before`), in one transaction. Returns how many messages it indexed and where the next
/// page starts, if there is one.
pub fn reindex_page(
    store: &std::sync::Arc<SealedStore>,
    conversation: &ConversationId,
    before: Option<u64>,
    limit: usize,
    learned: &mut HashSet<Key>,
) -> Result<(u64, Option<u64>)> {
    let page = crate::conversations::messages(store, conversation, before, limit)?;
    let mut tx = Tx::new(store.clone());
    for message in &page.items {
        reindex(&mut tx, message, learned)?;
    }
    tx.commit()?;
    Ok((page.items.len() as u64, page.next_cursor))
}

/// How many keys one step of [`clear_step`] removes: bounded, so a rebuild of a long history
/// never holds the worker (and every message waiting on it) for long.
const CLEAR_STEP: usize = 20_000;

/// Removes up to [`CLEAR_STEP`] keys of the index. Returns whether any are left.
pub fn clear_step(store: &SealedStore) -> Result<bool> {
    let mut batch = Batch::default();
    for tree in [Tree::SearchPostings, Tree::SearchPrefixes, Tree::SearchDocs] {
        let left = CLEAR_STEP - batch.ops.len();
        for (key, _) in store.raw().scan_page(tree, &[], None, left, false)? {
            batch.remove(tree, key);
        }
        if batch.ops.len() == CLEAR_STEP {
            break;
        }
    }
    let more = batch.ops.len() == CLEAR_STEP;
    store.raw().apply_per_tree(batch)?;
    Ok(more)
}
