//! The index's keys: keyed hashes of terms, prefixes and messages, cut to 16 bytes. Nothing in a
//! key can be read back without the profile's key; 128 bits keep collisions out of reach for
//! any history a person can write.

use crate::ids::{ConversationId, MessageId};
use crate::store::SealedStore;

pub const KEY_LEN: usize = 16;

pub type Key = [u8; KEY_LEN];

fn cut(hash: [u8; 32]) -> Key {
    let mut key = [0; KEY_LEN];
    key.copy_from_slice(&hash[..KEY_LEN]);
    key
}

/// A folded, cut term.
pub fn term(store: &SealedStore, term: &str) -> Key {
    cut(store.name_key("search-term", term.as_bytes()))
}

/// A prefix of a term.
pub fn prefix(store: &SealedStore, prefix: &str) -> Key {
    cut(store.name_key("search-prefix", prefix.as_bytes()))
}

/// An indexed message. Derived from the `MessageIndex` key (conversation and message id), so a
/// removed conversation's entries are found without opening its messages.
pub fn doc(store: &SealedStore, conversation: &ConversationId, message: &MessageId) -> Key {
    let mut name = conversation.0.to_vec();
    name.extend_from_slice(&message.0);
    doc_named(store, &name)
}

/// Two keys side by side: `prefix ++ term` and `term ++ doc` entries.
pub fn pair(first: &Key, second: &Key) -> Vec<u8> {
    let mut key = Vec::with_capacity(2 * KEY_LEN);
    key.extend_from_slice(first);
    key.extend_from_slice(second);
    key
}

/// The second half of a `pair` key.
pub fn second(pair: &[u8]) -> Option<Key> {
    pair.get(KEY_LEN..2 * KEY_LEN)?.try_into().ok()
}

/// [`doc`] from the bytes of a `MessageIndex` key (the conversation's id, then the message's).
pub fn doc_named(store: &SealedStore, index_key: &[u8]) -> Key {
    cut(store.name_key("search-doc", index_key))
}
