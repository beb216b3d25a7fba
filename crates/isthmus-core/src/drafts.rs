//! Drafts: what the user started writing in a chat and has not sent, sealed in the profile like
//! everything else, so a draft outlives a switch to another chat, a restart and a lock.
//!
//! Keys: `Drafts[conversation_id]`. Sending text in the chat removes its draft in the same
//! write; removing the chat removes it too.

use serde::{Deserialize, Serialize};

use crate::ids::ConversationId;
use crate::store::{SealedStore, Tree};
use crate::tx::Tx;
use crate::Result;

/// The longest draft kept, in characters (a message's own limit is the relay's ciphertext size).
pub const MAX_DRAFT_CHARS: usize = 64 * 1024;

/// One chat's draft.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub conversation: ConversationId,
    pub text: String,
    /// When it was last changed, ms since the epoch.
    pub updated_at: u64,
}

/// Keeps `text` as the chat's draft; an empty (or all-blank) text removes it.
pub fn save(tx: &mut Tx, conversation: &ConversationId, text: &str) -> Result<()> {
    if text.trim().is_empty() {
        tx.remove(Tree::Drafts, conversation.0.to_vec());
        return Ok(());
    }
    let text: String = text.chars().take(MAX_DRAFT_CHARS).collect();
    let draft = Draft { conversation: *conversation, text, updated_at: crate::time::now_ms() };
    tx.put_json(Tree::Drafts, conversation.0.to_vec(), &draft)
}

pub fn remove(tx: &mut Tx, conversation: &ConversationId) {
    tx.remove(Tree::Drafts, conversation.0.to_vec());
}

pub fn load(store: &SealedStore, conversation: &ConversationId) -> Result<Option<Draft>> {
    Ok(store.get_json(Tree::Drafts, &conversation.0)?)
}

/// Every draft, most recently changed first.
pub fn list(store: &SealedStore) -> Result<Vec<Draft>> {
    let mut drafts: Vec<Draft> = store.scan_prefix_json(Tree::Drafts, &[])?.into_iter().map(|(_, d)| d).collect();
    drafts.sort_by_key(|draft| std::cmp::Reverse(draft.updated_at));
    Ok(drafts)
}
