//! Search over all history, every account and network, with the index sealed in the profile.
//!
//! **Why an index in the sealed store, not tantivy.** The profile is already a sealed store with
//! atomic batches. A message is marked for indexing in the same batch that stores it, so no
//! message is ever missed through a crash, with no second store to keep in step, no encrypted
//! directory to write (Seshat's approach), and no second engine in the app's memory.
//!
//! **Layout** (trees in `store::Tree`, all keys keyed hashes cut to 16 bytes, see `keys`):
//! - `SearchPostings[term ++ doc]`: one key-only entry per distinct term of a message;
//! - `SearchPrefixes[prefix ++ term]`: one key-only entry per prefix of every term ever seen, so
//!   a prefix query ("harb") finds its terms ("harbor", "harbour") without opening anything;
//! - `SearchDocs[doc]`: sealed, per message: where it is, when it was sent, which terms it holds.
//!
//! **What the disk shows** without the passphrase: how many distinct terms each message has and
//! which messages share a term, as opaque keys; never a word, a prefix, a time or a chat. That is
//! the price of prefix search that opens nothing per candidate; an index that hid it would have
//! to be read whole for every query.
//!
//! Words are folded (case, accents, "ß") and split by Unicode's rules (`terms`). Every write of
//! a message marks it (`pending`, called by `conversations`); the engine indexes marked messages
//! right behind the writes and before every query (`index::index`). A removed chat takes its
//! entries along; the whole index is rebuilt on demand or when its version changes.

mod doc;
pub mod index;
mod keys;
pub mod pending;
mod query;
mod snippet;
pub mod terms;

pub use query::{search, Query, SearchHit, SearchResults, MAX_PAGE};
pub use snippet::SnippetPart;

use crate::store::{SealedStore, Tree};
use crate::Result;

/// The index's format. A profile whose index was built by another version is rebuilt when the
/// engine starts.
pub const INDEX_VERSION: u32 = 1;

const VERSION_KEY: &[u8] = b"search_index_version";

/// Whether the index was built by this version (a new profile's is: it starts empty).
pub fn is_current(store: &SealedStore) -> Result<bool> {
    Ok(store.get_json::<u32>(Tree::Meta, VERSION_KEY)? == Some(INDEX_VERSION))
}

/// Records that the index is complete for this version.
pub fn mark_current(store: &SealedStore) -> Result<()> {
    Ok(store.put_json(Tree::Meta, VERSION_KEY, &INDEX_VERSION)?)
}
#[cfg(test)]
mod tests;
