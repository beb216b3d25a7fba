//! Media records name their uploader by a keyed hash, not by name: the quota needs to know which
//! media belong together, not whose they are. The key (a salt) is the store's own and lives beside
//! the media, so the hash keeps names out of the media folder's files; it does not stop someone
//! who holds the whole folder and a list of candidate names.

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use isthmus_proto::UserName;

/// Separates these hashes from every other SHA-256 the relay computes.
const CONTEXT: &[u8] = b"isthmus-media-owner-v1\n";

/// A keyed hash of an account name, hex in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct OwnerHash([u8; 32]);

impl OwnerHash {
    pub fn of(salt: &[u8; 32], owner: &UserName) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(CONTEXT);
        hasher.update(salt);
        hasher.update(owner.as_str().as_bytes());
        Self(hasher.finalize().into())
    }
}

impl From<OwnerHash> for String {
    fn from(hash: OwnerHash) -> Self {
        hex::encode(hash.0)
    }
}

impl TryFrom<String> for OwnerHash {
    type Error = hex::FromHexError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes)?;
        Ok(Self(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_depends_on_the_salt_and_the_name_and_hides_the_name() {
        let alice = UserName::parse("alice").expect("valid");
        let bob = UserName::parse("bob").expect("valid");
        let hash = OwnerHash::of(&[1; 32], &alice);
        assert_eq!(hash, OwnerHash::of(&[1; 32], &alice), "one owner's media must add up to one quota");
        assert_ne!(hash, OwnerHash::of(&[1; 32], &bob), "two owners must not share a quota");
        assert_ne!(hash, OwnerHash::of(&[2; 32], &alice), "another store's salt gives another hash");
        let json = serde_json::to_string(&hash).expect("serializes");
        assert!(!json.contains("alice"), "the record must not carry the name");
        assert_eq!(serde_json::from_str::<OwnerHash>(&json).expect("parses"), hash, "records read back");
    }
}
