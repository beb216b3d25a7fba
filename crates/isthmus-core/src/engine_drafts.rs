//! The engine's draft API: what the user started writing in a chat, kept sealed in the profile
//! until it is sent or cleared (see `drafts.rs`).

use crate::drafts::{self, Draft};
use crate::engine::Engine;
use crate::ids::ConversationId;
use crate::tx::Tx;
use crate::Result;

impl Engine {
    /// Keeps `text` as the draft of `conversation` (an empty text removes it). Durable once this
    /// returns, so a draft survives a crash; front ends save after a pause in typing, not per key.
    pub async fn save_draft(&self, conversation: ConversationId, text: &str) -> Result<()> {
        let text = text.to_owned();
        self.inner
            .worker
            .call(move |state| {
                Box::pin(async move {
                    let mut tx = Tx::new(state.store.clone());
                    drafts::save(&mut tx, &conversation, &text)?;
                    tx.commit()?;
                    state.durable();
                    Ok(())
                })
            })
            .await
    }

    /// The draft of `conversation`, if there is one.
    pub fn draft(&self, conversation: &ConversationId) -> Result<Option<Draft>> {
        drafts::load(&self.inner.store, conversation)
    }

    /// Every draft, most recently changed first (for the inbox's "Draft:" previews).
    pub fn drafts(&self) -> Result<Vec<Draft>> {
        drafts::list(&self.inner.store)
    }
}
