//! The engine's search API (see `search/`): queries run beside the worker, since they only read;
//! rebuilding writes through the worker in bounded steps, so messages keep flowing meanwhile.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::broadcast;

use crate::conversations;
use crate::engine::Engine;
use crate::events::Event;
use crate::ids::ConversationId;
use crate::model::{Message, Page};
use crate::search::{self, Query, SearchResults};
use crate::store::Tree;
use crate::worker::Worker;
use crate::{Error, Result};

/// Messages one rebuild step indexes.
const REBUILD_STEP: usize = 500;

/// How long the indexer waits after a message event for the rest of a burst.
const GATHER: Duration = Duration::from_millis(20);

/// Indexes every marked message, a step per worker job.
async fn drain(worker: &Worker) -> Result<()> {
    while worker.call(|state| Box::pin(async move { search::pending::drain_step(&state.store) })).await? {}
    Ok(())
}

impl Engine {
    /// Messages of every account and chat (or of `within` only) with a word starting with each
    /// word of `query`, ignoring case and accents, newest first. `cursor` is a previous page's
    /// `next_cursor`.
    pub async fn search(
        &self,
        query: &str,
        within: Option<ConversationId>,
        cursor: Option<String>,
        limit: usize,
    ) -> Result<SearchResults> {
        drain(&self.inner.worker).await?;
        let store = self.inner.store.clone();
        let query = query.to_owned();
        tokio::task::spawn_blocking(move || {
            search::search(&store, &Query { text: &query, within, cursor: cursor.as_deref(), limit })
        })
        .await
        .map_err(|_| Error::Stopped)?
    }

    /// The messages after `seq`, oldest first: with [`Engine::messages`] (before it), what a
    /// chat opened at a search result shows on both sides of it.
    pub fn messages_after(&self, conversation: &ConversationId, seq: u64, limit: usize) -> Result<Page<Message>> {
        conversations::messages_after(&self.inner.store, conversation, seq, limit.clamp(1, 1000))
    }

    /// Whether the index is complete for this version. Until it is, `start` rebuilds it in the
    /// background, and answers can miss older messages.
    pub fn search_index_is_current(&self) -> Result<bool> {
        search::is_current(&self.inner.store)
    }

    /// Builds the index afresh from every stored message; returns how many were indexed.
    /// Messages that arrive meanwhile are indexed as usual and stay found.
    pub async fn rebuild_search_index(&self) -> Result<u64> {
        let _one_at_a_time = self.inner.search_rebuild.lock().await;
        let worker = &self.inner.worker;
        while worker.call(|state| Box::pin(async move { search::index::clear_step(&state.store) })).await? {}
        let learned = Arc::new(Mutex::new(HashSet::new()));
        let mut indexed = 0;
        for (key, _) in self.inner.store.raw().scan_prefix(Tree::Conversations, &[])? {
            let Ok(id) = <[u8; 32]>::try_from(key.as_slice()) else { continue };
            let conversation = ConversationId(id);
            let mut before = None;
            loop {
                let learned = learned.clone();
                let (count, next) = worker
                    .call(move |state| {
                        Box::pin(async move {
                            let mut learned = learned.lock().map_err(|_| Error::Stopped)?;
                            search::index::reindex_page(&state.store, &conversation, before, REBUILD_STEP, &mut learned)
                        })
                    })
                    .await?;
                indexed += count;
                match next {
                    Some(seq) => before = Some(seq),
                    None => break,
                }
            }
        }
        worker
            .call(|state| {
                Box::pin(async move {
                    search::mark_current(&state.store)?;
                    state.durable();
                    Ok(())
                })
            })
            .await?;
        Ok(indexed)
    }

    /// From start to stop: indexes stored and changed messages right behind the writes. A
    /// burst is gathered for a moment first, then indexed in steps that let other jobs between.
    pub(crate) fn keep_search_index_current(&self) {
        let worker = self.inner.worker.clone();
        let mut events = self.subscribe();
        tokio::spawn(async move {
            loop {
                match events.recv().await {
                    Ok(Event::MessageAdded { .. } | Event::MessageUpdated { .. })
                    | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Ok(_) => continue,
                    Err(broadcast::error::RecvError::Closed) => return,
                }
                tokio::time::sleep(GATHER).await;
                while events.try_recv().is_ok() {}
                if let Err(error) = drain(&worker).await {
                    if !matches!(error, Error::Stopped) {
                        tracing::warn!(code = ?error.code(), "could not index new messages");
                    }
                    return;
                }
            }
        });
    }

    /// Once per start, off the caller's path: a profile from before search (or from another
    /// index version) gets its index built.
    pub(crate) fn bring_search_index_up_to_date(&self) {
        match search::is_current(&self.inner.store) {
            Ok(true) => return,
            Ok(false) => {}
            Err(error) => tracing::warn!(code = ?error.code(), "cannot read the search index's version; rebuilding it"),
        }
        let engine = self.clone();
        tokio::spawn(async move {
            match engine.rebuild_search_index().await {
                Ok(indexed) => tracing::debug!(indexed, "search index built"),
                Err(error) => tracing::warn!(code = ?error.code(), "could not build the search index"),
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::{Engine, Profile};

    #[tokio::test]
    async fn a_new_profile_has_a_current_index_and_nothing_to_rebuild() {
        let engine = Engine::open(Profile::in_memory()).expect("opens");
        assert!(engine.search_index_is_current().expect("reads"), "an empty profile's index is complete");
    }
}
