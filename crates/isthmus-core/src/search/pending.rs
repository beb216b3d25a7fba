//! Indexing off the message's path. Storing or changing a message only marks it
//! (`SearchPending[conversation ++ seq]`, one key in the same commit); [`drain_step`] indexes
//! marked messages in bounded steps, run by the engine right behind the writes and before
//! every query, so a search never misses a stored message.
//!
//! Why: a message holds a dozen terms, each a key in the index. Writing them in the receive
//! transaction cost several times the message's own write (docs/benchmarks.md, "Search"), on
//! the path every message and its acknowledgement wait for.

use super::index;
use crate::conversations;
use crate::ids::ConversationId;
use crate::model::Message;
use crate::store::{SealedStore, Tree};
use crate::tx::Tx;
use crate::Result;

/// Messages one step indexes: bounded, so sends and receives queued behind it on the worker
/// wait for a few milliseconds at most.
pub const STEP: usize = 64;

/// Marks a message stored or changed in `tx` for indexing. The mark's key is the message's own
/// key in `Messages`.
pub fn mark(tx: &mut Tx, conversation: &ConversationId, seq: u64) {
    tx.put_marker(Tree::SearchPending, conversations::message_key(conversation, seq));
}

/// Indexes up to [`STEP`] marked messages. Returns whether marks are left.
pub fn drain_step(store: &std::sync::Arc<SealedStore>) -> Result<bool> {
    let marked = store.raw().scan_page(Tree::SearchPending, &[], None, STEP, false)?;
    if marked.is_empty() {
        return Ok(false);
    }
    let mut tx = Tx::new(store.clone());
    for (mark, _) in &marked {
        tx.remove_marker(Tree::SearchPending, mark.clone());
        // A message that is gone went with its chat, which took its index entries along.
        if let Some(message) = tx.get_json::<Message>(Tree::Messages, mark)? {
            index::index(&mut tx, &message)?;
        }
    }
    tx.commit()?;
    Ok(marked.len() == STEP)
}

/// Whether any message waits to be indexed.
pub fn any(store: &SealedStore) -> Result<bool> {
    Ok(!store.raw().scan_page(Tree::SearchPending, &[], None, 1, false)?.is_empty())
}
