//! Hooks for the search benchmark (`benches/search.rs`), behind the `bench` feature: a profile on
//! disk filled through the same `conversations::append` the pipelines use (so the index is kept
//! as it is for a user), the rebuild's own steps, and the baseline a search without an index
//! would be: opening every message and matching it.

use std::collections::HashSet;
use std::sync::Arc;

use isthmus_proto::Address;

use crate::ids::ConversationId;
use crate::model::Message;
use crate::search::{self, terms, Query, SearchResults};
use crate::store::{KdfParams, Profile, SealedStore, Tree};
use crate::tx::Tx;
use crate::{conversations, Result};

/// A profile in a temporary folder with `chats` conversations.
pub struct SearchCorpus {
    store: Arc<SealedStore>,
    chats: Vec<ConversationId>,
    /// Dropped before the folder.
    _profile: Profile,
    dir: tempfile::TempDir,
}

/// Logical sizes (keys plus sealed values) and the profile folder's size on disk.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    pub index_bytes: u64,
    pub messages_bytes: u64,
    pub folder_bytes: u64,
}

impl SearchCorpus {
    pub fn on_disk(chats: usize) -> Result<SearchCorpus> {
        let dir =
            tempfile::Builder::new().prefix("isthmus-search-bench-").tempdir().map_err(crate::store::Error::from)?;
        let profile = Profile::create(&dir.path().join("profile"), "bench", KdfParams::insecure_for_tests())?;
        let store = profile.store();
        let account: Address = "me@harbor.test".parse()?;
        let mut tx = Tx::new(store.clone());
        let mut ids = Vec::with_capacity(chats);
        for n in 0..chats {
            let peer: Address = format!("peer{n}@harbor.test").parse()?;
            let conversation = conversations::load_or_create(&tx, &account, &peer)?;
            conversations::save(&mut tx, &conversation)?;
            ids.push(conversation.id);
        }
        tx.commit()?;
        Ok(SearchCorpus { store, chats: ids, _profile: profile, dir })
    }

    /// Stores `bodies` (chat index, text, sent at) in transactions of up to 500, as a busy
    /// receive pipeline does, then flushes once. Messages are only marked for indexing, as on
    /// the receive path; [`SearchCorpus::index_marked`] indexes them.
    pub fn store_messages(&self, bodies: impl IntoIterator<Item = (usize, String, u64)>) -> Result<()> {
        let mut tx = Tx::new(self.store.clone());
        let mut staged = 0;
        for (chat, body, sent_at) in bodies {
            let id = self.chats[chat % self.chats.len()];
            let mut conversation = conversations::load(&tx, &id)?.ok_or(crate::Error::NoSuchConversation)?;
            conversations::append(
                &mut tx,
                &mut conversation,
                Message::received("peer@harbor.test".into(), body, sent_at),
            )?;
            staged += 1;
            if staged == 500 {
                tx.commit()?;
                staged = 0;
            }
        }
        tx.commit()?;
        Ok(self.store.flush()?)
    }

    /// Indexes every marked message, in the engine's steps.
    pub fn index_marked(&self) -> Result<()> {
        while search::pending::drain_step(&self.store)? {}
        Ok(self.store.flush()?)
    }

    /// Empties the index and builds it again from the messages, as `Engine::rebuild_search_index`
    /// does without the worker. Returns how many messages it indexed.
    pub fn rebuild(&self) -> Result<u64> {
        while search::index::clear_step(&self.store)? {}
        let mut learned = HashSet::new();
        let mut indexed = 0;
        for chat in &self.chats {
            let mut before = None;
            loop {
                let (count, next) = search::index::reindex_page(&self.store, chat, before, 500, &mut learned)?;
                indexed += count;
                match next {
                    Some(seq) => before = Some(seq),
                    None => break,
                }
            }
        }
        self.store.flush()?;
        Ok(indexed)
    }

    /// The floor of any rebuild: every message read and opened, nothing written.
    pub fn read_all(&self) -> Result<u64> {
        let mut read = 0;
        for chat in &self.chats {
            read += self.store.scan_prefix(Tree::Messages, &chat.0)?.len() as u64;
        }
        Ok(read)
    }

    pub fn search(&self, text: &str, limit: usize) -> Result<SearchResults> {
        search::search(&self.store, &Query { text, within: None, cursor: None, limit })
    }

    /// Search without an index: open every message and match its words. Returns the matches.
    pub fn scan(&self, text: &str) -> Result<usize> {
        let words = terms::query_words(text);
        let mut matches = 0;
        for chat in &self.chats {
            for message in conversations::messages(&self.store, chat, None, usize::MAX)?.items {
                let Some(text) = search::index::searchable_text(&message) else { continue };
                let folded: Vec<String> = terms::words(&text).map(|(_, word)| terms::fold(word)).collect();
                if words.iter().all(|q| folded.iter().any(|word| terms::matches(word, q))) {
                    matches += 1;
                }
            }
        }
        Ok(matches)
    }

    pub fn sizes(&self) -> Result<Sizes> {
        let logical = |trees: &[Tree]| -> Result<u64> {
            let mut bytes = 0;
            for tree in trees {
                for (key, value) in self.store.raw().scan_prefix(*tree, &[])? {
                    bytes += (key.len() + value.len()) as u64;
                }
            }
            Ok(bytes)
        };
        Ok(Sizes {
            index_bytes: logical(&[Tree::SearchDocs, Tree::SearchPostings, Tree::SearchPrefixes])?,
            messages_bytes: logical(&[Tree::Messages, Tree::MessageIndex])?,
            folder_bytes: folder_size(self.dir.path()),
        })
    }
}

fn folder_size(dir: &std::path::Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => folder_size(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}
