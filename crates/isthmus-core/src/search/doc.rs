//! The record kept per indexed message (`SearchDocs`): where the message is, when it was sent
//! (results come newest first without opening any message), and which terms it was indexed
//! under (so an edit or a delete removes exactly those postings).
//!
//! Binary, versioned by its first byte, because there is one per message: a JSON record with
//! hex term keys would be three times the size.

use super::keys::{Key, KEY_LEN};
use crate::ids::ConversationId;
use crate::store::Error;

const VERSION: u8 = 1;
const HEAD: usize = 1 + 32 + 8 + 8;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doc {
    pub conversation: ConversationId,
    pub seq: u64,
    pub sent_at: u64,
    /// Sorted, distinct.
    pub terms: Vec<Key>,
}

impl Doc {
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(HEAD + self.terms.len() * KEY_LEN);
        bytes.push(VERSION);
        bytes.extend_from_slice(&self.conversation.0);
        bytes.extend_from_slice(&self.seq.to_be_bytes());
        bytes.extend_from_slice(&self.sent_at.to_be_bytes());
        for term in &self.terms {
            bytes.extend_from_slice(term);
        }
        bytes
    }

    pub fn decode(bytes: &[u8]) -> Result<Doc, Error> {
        let damaged = || Error::Corrupt("a search index record".into());
        if bytes.first() != Some(&VERSION) || bytes.len() < HEAD || !(bytes.len() - HEAD).is_multiple_of(KEY_LEN) {
            return Err(damaged());
        }
        let u64_at = |at: usize| bytes[at..at + 8].try_into().map(u64::from_be_bytes).map_err(|_| damaged());
        let conversation = ConversationId(bytes[1..33].try_into().map_err(|_| damaged())?);
        let terms = bytes[HEAD..]
            .chunks_exact(KEY_LEN)
            .map(|chunk| chunk.try_into().map_err(|_| damaged()))
            .collect::<Result<_, _>>()?;
        Ok(Doc { conversation, seq: u64_at(33)?, sent_at: u64_at(41)?, terms })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_as_written() {
        let doc = Doc {
            conversation: ConversationId([7; 32]),
            seq: 42,
            sent_at: 1_700_000_000_000,
            terms: vec![[1; 16], [2; 16]],
        };
        assert_eq!(Doc::decode(&doc.encode()).expect("decodes"), doc);
    }

    #[test]
    fn a_damaged_or_unknown_record_is_an_error() {
        let bytes = Doc { conversation: ConversationId([7; 32]), seq: 1, sent_at: 2, terms: vec![[1; 16]] }.encode();
        assert!(Doc::decode(&bytes[..bytes.len() - 1]).is_err(), "cut short");
        let mut newer = bytes.clone();
        newer[0] = 2;
        assert!(Doc::decode(&newer).is_err(), "a version this build does not know");
        assert!(Doc::decode(&[]).is_err());
    }
}
