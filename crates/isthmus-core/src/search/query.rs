//! Answering a query: every query word must start a word of the message (accents and case
//! ignored); results come newest first, a page at a time.
//!
//! The postings give the candidate messages without opening anything; their `SearchDocs`
//! records (small, sealed) give the order; only the messages on the page are opened, checked
//! and cut into snippets.

use std::collections::HashMap;

use serde::Serialize;

use super::doc::Doc;
use super::index;
use super::keys::{self, Key};
use super::snippet::{snippet, SnippetPart};
use super::terms;
use crate::conversations;
use crate::ids::{ConversationId, MessageId};
use crate::model::Direction;
use crate::store::{SealedStore, Tree};
use crate::Result;

/// Results a page holds at most.
pub const MAX_PAGE: usize = 100;

/// One message that matched.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SearchHit {
    pub conversation: ConversationId,
    pub message: MessageId,
    /// Its place in the timeline: "jump to message" opens the chat around it.
    pub seq: u64,
    pub sent_at: u64,
    /// `name@network` of the author.
    pub author: String,
    pub direction: Direction,
    pub snippet: Vec<SnippetPart>,
}

/// A page of results, newest first.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    /// How many messages the index matched in all (a word longer than the index keeps can
    /// make this a little more than the results that are shown).
    pub total: usize,
    /// Pass back to get the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// What to look for, and where.
#[derive(Clone, Debug, Default)]
pub struct Query<'a> {
    pub text: &'a str,
    /// Only this chat's messages.
    pub within: Option<ConversationId>,
    /// From a previous page's `next_cursor`.
    pub cursor: Option<&'a str>,
    pub limit: usize,
}

pub fn search(store: &SealedStore, query: &Query) -> Result<SearchResults> {
    let words = terms::query_words(query.text);
    if words.is_empty() {
        return Ok(SearchResults::default());
    }
    let mut found = Vec::new();
    for (doc_key, terms_per_word) in candidates(store, &words)? {
        // A posting left behind by a crash (see `Tx::put_marker`) leads to no record, or to one
        // that no longer holds the term: neither is a match.
        let Some(bytes) = store.get(Tree::SearchDocs, &doc_key)? else { continue };
        let doc = Doc::decode(&bytes)?;
        let holds = |terms: &Vec<Key>| terms.iter().any(|term| doc.terms.binary_search(term).is_ok());
        if terms_per_word.iter().all(holds) && query.within.is_none_or(|within| within == doc.conversation) {
            found.push((doc.sent_at, doc_key, doc));
        }
    }
    found.sort_unstable_by_key(|(sent_at, key, _)| std::cmp::Reverse((*sent_at, *key)));
    let total = found.len();
    let start = match query.cursor {
        Some(cursor) => {
            let (sent_at, key) = parse_cursor(cursor)?;
            found.partition_point(|(at, doc_key, _)| (*at, *doc_key) >= (sent_at, key))
        }
        None => 0,
    };
    let limit = query.limit.clamp(1, MAX_PAGE);
    let mut hits = Vec::new();
    let mut next_cursor = None;
    for (sent_at, doc_key, doc) in &found[start..] {
        if hits.len() == limit {
            break;
        }
        next_cursor = Some(cursor_of(*sent_at, doc_key));
        let Some(message) = conversations::at(store, &doc.conversation, doc.seq)? else { continue };
        let Some(text) = index::searchable_text(&message) else { continue };
        let Some(snippet) = snippet(&text, &words) else { continue };
        hits.push(SearchHit {
            conversation: message.conversation,
            message: message.id,
            seq: message.seq,
            sent_at: message.sent_at,
            author: message.author,
            direction: message.direction,
            snippet,
        });
    }
    let last = found.last().map(|(at, key, _)| cursor_of(*at, key));
    if next_cursor == last {
        next_cursor = None;
    }
    Ok(SearchResults { hits, total, next_cursor })
}

/// The messages with, for every query word, a term starting with it; per message, the terms
/// that matched each word (in the query's order).
fn candidates(store: &SealedStore, words: &[String]) -> Result<HashMap<Key, Vec<Vec<Key>>>> {
    let mut candidates: Option<HashMap<Key, Vec<Vec<Key>>>> = None;
    for word in words {
        let docs = docs_for(store, word)?;
        let next = match candidates {
            None => docs.into_iter().map(|(doc, terms)| (doc, vec![terms])).collect(),
            Some(mut previous) => {
                previous.retain(|doc, _| docs.contains_key(doc));
                for (doc, matched) in previous.iter_mut() {
                    matched.push(docs.get(doc).cloned().unwrap_or_default());
                }
                previous
            }
        };
        if next.is_empty() {
            return Ok(next);
        }
        candidates = Some(next);
    }
    Ok(candidates.unwrap_or_default())
}

/// The messages with a term starting with `word`, and which of those terms each holds.
fn docs_for(store: &SealedStore, word: &str) -> Result<HashMap<Key, Vec<Key>>> {
    let prefix = keys::prefix(store, terms::truncate(word));
    let mut docs: HashMap<Key, Vec<Key>> = HashMap::new();
    for (entry, _) in store.raw().scan_prefix(Tree::SearchPrefixes, &prefix)? {
        let Some(term) = keys::second(&entry) else { continue };
        for (posting, _) in store.raw().scan_prefix(Tree::SearchPostings, &term)? {
            let Some(doc) = keys::second(&posting) else { continue };
            docs.entry(doc).or_default().push(term);
        }
    }
    Ok(docs)
}

fn cursor_of(sent_at: u64, doc: &Key) -> String {
    format!("{sent_at}.{}", hex::encode(doc))
}

fn parse_cursor(cursor: &str) -> Result<(u64, Key)> {
    let invalid = || crate::Error::InvalidArgument("not a search cursor".into());
    let (sent_at, key) = cursor.split_once('.').ok_or_else(invalid)?;
    let sent_at = sent_at.parse().map_err(|_| invalid())?;
    let key = hex::decode(key).ok().and_then(|bytes| Key::try_from(bytes).ok()).ok_or_else(invalid)?;
    Ok((sent_at, key))
}
