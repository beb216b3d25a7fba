//! Sealing: every value encrypted under the profile's data key, bound to its tree and key.
//!
//! A stored value is `version (1 byte) || nonce (24 bytes) || ciphertext`. The nonce is random
//! (XChaCha20's 192-bit nonces make random choice safe for any number of writes). The associated
//! data is a domain label, the version, the tree name and the full key, each length-prefixed, so
//! a value copied to another key or tree fails to open instead of being read as something else.

use std::sync::Arc;

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use serde::de::DeserializeOwned;
use serde::Serialize;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::raw::{Batch, RawStore};
use super::{Error, Result, Tree};

/// The format of one sealed value. A change of cipher or layout takes a new number.
const SEAL_VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const AD_LABEL: &[u8] = b"isthmus/store/value";
const NAME_KEY_CONTEXT: &str = "isthmus 2025 store name-key v1";

/// The profile's 32-byte data key: random, never derived from the passphrase, wiped on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct DataKey([u8; 32]);

impl DataKey {
    pub fn random() -> DataKey {
        DataKey(rand::random())
    }

    pub fn from_bytes(bytes: [u8; 32]) -> DataKey {
        DataKey(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// The keys derived from one data key. Shared by a store and the batches it hands out.
struct Keys {
    cipher: XChaCha20Poly1305,
    name_key: NameKey,
}

/// The BLAKE3 key for [`SealedStore::name_key`], a subkey so the data key never keys a hash.
#[derive(Zeroize, ZeroizeOnDrop)]
struct NameKey([u8; 32]);

impl Keys {
    fn new(data_key: &DataKey) -> Keys {
        Keys {
            cipher: XChaCha20Poly1305::new(data_key.as_bytes().into()),
            name_key: NameKey(blake3::derive_key(NAME_KEY_CONTEXT, data_key.as_bytes())),
        }
    }

    fn seal(&self, tree: Tree, key: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
        self.seal_with_nonce(tree, key, plaintext, rand::random())
    }

    /// Sealing with a given nonce: only for [`Keys::seal`] and known-answer tests.
    fn seal_with_nonce(&self, tree: Tree, key: &[u8], plaintext: &[u8], nonce: [u8; NONCE_LEN]) -> Result<Vec<u8>> {
        let aad = associated_data(SEAL_VERSION, tree, key);
        let ciphertext = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: &aad })
            .map_err(|_| Error::Encoding("the value is too large to seal".into()))?;
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
        sealed.push(SEAL_VERSION);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    fn open(&self, tree: Tree, key: &[u8], sealed: &[u8]) -> Result<Vec<u8>> {
        let (&version, rest) = sealed.split_first().ok_or_else(|| corrupt(tree, "an empty record"))?;
        if version != SEAL_VERSION {
            return Err(Error::UnsupportedVersion { found: version.into(), supported: SEAL_VERSION.into() });
        }
        if rest.len() < NONCE_LEN {
            return Err(corrupt(tree, "a truncated record"));
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let aad = associated_data(version, tree, key);
        self.cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad: &aad })
            .map_err(|_| corrupt(tree, "a record that fails authentication"))
    }
}

/// Says which tree (a fixed, non-personal name) without any key or value.
fn corrupt(tree: Tree, what: &str) -> Error {
    Error::Corrupt(format!("{what} in the {} tree", tree.name()))
}

fn associated_data(version: u8, tree: Tree, key: &[u8]) -> Vec<u8> {
    let name = tree.name().as_bytes();
    let mut aad = Vec::with_capacity(AD_LABEL.len() + 1 + 16 + name.len() + key.len());
    aad.extend_from_slice(AD_LABEL);
    aad.push(version);
    aad.extend_from_slice(&(name.len() as u64).to_be_bytes());
    aad.extend_from_slice(name);
    aad.extend_from_slice(&(key.len() as u64).to_be_bytes());
    aad.extend_from_slice(key);
    aad
}

/// A [`RawStore`] seen through the data key: values go in as plaintext and land sealed.
pub struct SealedStore {
    raw: Arc<dyn RawStore>,
    keys: Arc<Keys>,
}

impl std::fmt::Debug for SealedStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedStore").finish_non_exhaustive()
    }
}

type Entries = Vec<(Vec<u8>, Vec<u8>)>;

impl SealedStore {
    pub(crate) fn new(raw: Arc<dyn RawStore>, data_key: &DataKey) -> SealedStore {
        SealedStore { raw, keys: Arc::new(Keys::new(data_key)) }
    }

    /// The engine underneath, for tests that inspect what actually lands on disk.
    pub fn raw(&self) -> &Arc<dyn RawStore> {
        &self.raw
    }

    /// A keyed hash for a key that names a person or conversation, so no plaintext identifier is
    /// ever a key. Stable for one profile, unrelated across profiles. `domain` separates kinds
    /// of names (e.g. "account", "conversation") so equal strings of different kinds differ.
    pub fn name_key(&self, domain: &str, value: &[u8]) -> [u8; 32] {
        let mut hasher = blake3::Hasher::new_keyed(&self.keys.name_key.0);
        hasher.update(&(domain.len() as u64).to_be_bytes());
        hasher.update(domain.as_bytes());
        hasher.update(&(value.len() as u64).to_be_bytes());
        hasher.update(value);
        *hasher.finalize().as_bytes()
    }

    pub fn get(&self, tree: Tree, key: &[u8]) -> Result<Option<Vec<u8>>> {
        match self.raw.get(tree, key)? {
            Some(sealed) => Ok(Some(self.keys.open(tree, key, &sealed)?)),
            None => Ok(None),
        }
    }

    /// Reads a JSON value. A record that opens but does not decode is [`Error::Corrupt`].
    pub fn get_json<T: DeserializeOwned>(&self, tree: Tree, key: &[u8]) -> Result<Option<T>> {
        match self.get(tree, key)? {
            Some(plaintext) => Ok(Some(decode(tree, &plaintext)?)),
            None => Ok(None),
        }
    }

    pub fn put(&self, tree: Tree, key: &[u8], value: &[u8]) -> Result<()> {
        let mut batch = self.batch();
        batch.put(tree, key, value)?;
        self.apply(batch)
    }

    pub fn put_json<T: Serialize + ?Sized>(&self, tree: Tree, key: &[u8], value: &T) -> Result<()> {
        let mut batch = self.batch();
        batch.put_json(tree, key, value)?;
        self.apply(batch)
    }

    pub fn remove(&self, tree: Tree, key: &[u8]) -> Result<()> {
        let mut batch = self.batch();
        batch.remove(tree, key);
        self.apply(batch)
    }

    /// Like [`RawStore::scan_prefix`], with values opened.
    pub fn scan_prefix(&self, tree: Tree, prefix: &[u8]) -> Result<Entries> {
        self.open_all(tree, self.raw.scan_prefix(tree, prefix)?)
    }

    /// Like [`RawStore::scan_page`], with values opened.
    pub fn scan_page(
        &self,
        tree: Tree,
        prefix: &[u8],
        after: Option<&[u8]>,
        limit: usize,
        reverse: bool,
    ) -> Result<Entries> {
        self.open_all(tree, self.raw.scan_page(tree, prefix, after, limit, reverse)?)
    }

    /// The last key under `prefix`, opening no value: keys are not sealed (those that would name
    /// someone are keyed hashes), so a caller that needs only the key pays no decryption.
    pub fn last_key(&self, tree: Tree, prefix: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.raw.scan_page(tree, prefix, None, 1, true)?.into_iter().next().map(|(key, _)| key))
    }

    /// [`SealedStore::scan_prefix`] with every value decoded from JSON.
    pub fn scan_prefix_json<T: DeserializeOwned>(&self, tree: Tree, prefix: &[u8]) -> Result<Vec<(Vec<u8>, T)>> {
        decode_all(tree, self.scan_prefix(tree, prefix)?)
    }

    /// [`SealedStore::scan_page`] with every value decoded from JSON.
    pub fn scan_page_json<T: DeserializeOwned>(
        &self,
        tree: Tree,
        prefix: &[u8],
        after: Option<&[u8]>,
        limit: usize,
        reverse: bool,
    ) -> Result<Vec<(Vec<u8>, T)>> {
        decode_all(tree, self.scan_page(tree, prefix, after, limit, reverse)?)
    }

    /// An empty batch whose values are sealed for this store as they are added.
    pub fn batch(&self) -> SealedBatch {
        SealedBatch { keys: Arc::clone(&self.keys), batch: Batch::default() }
    }

    /// Applies every change of `batch` or none. A batch from another store is refused: its values
    /// are sealed under another key and could never be read here.
    pub fn apply(&self, batch: SealedBatch) -> Result<()> {
        if !Arc::ptr_eq(&self.keys, &batch.keys) {
            return Err(Error::Encoding("the batch was sealed for another store".into()));
        }
        self.raw.apply(batch.batch)
    }

    pub fn flush(&self) -> Result<()> {
        self.raw.flush()
    }

    fn open_all(&self, tree: Tree, entries: Entries) -> Result<Entries> {
        entries
            .into_iter()
            .map(|(key, sealed)| {
                let plaintext = self.keys.open(tree, &key, &sealed)?;
                Ok((key, plaintext))
            })
            .collect()
    }
}

fn decode<T: DeserializeOwned>(tree: Tree, plaintext: &[u8]) -> Result<T> {
    serde_json::from_slice(plaintext).map_err(|_| corrupt(tree, "an undecodable record"))
}

fn decode_all<T: DeserializeOwned>(tree: Tree, entries: Entries) -> Result<Vec<(Vec<u8>, T)>> {
    entries.into_iter().map(|(key, plaintext)| Ok((key, decode(tree, &plaintext)?))).collect()
}

/// Changes across trees that land together; each value is sealed when it is added, so the
/// batch never holds plaintext longer than the caller does.
pub struct SealedBatch {
    keys: Arc<Keys>,
    batch: Batch,
}

impl std::fmt::Debug for SealedBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedBatch").field("ops", &self.batch.ops.len()).finish()
    }
}

impl SealedBatch {
    pub fn put(&mut self, tree: Tree, key: &[u8], value: &[u8]) -> Result<()> {
        let sealed = self.keys.seal(tree, key, value)?;
        self.batch.put(tree, key, sealed);
        Ok(())
    }

    pub fn put_json<T: Serialize + ?Sized>(&mut self, tree: Tree, key: &[u8], value: &T) -> Result<()> {
        let mut plaintext = serde_json::to_vec(value).map_err(|error| Error::Encoding(error.to_string()))?;
        let outcome = self.put(tree, key, &plaintext);
        plaintext.zeroize();
        outcome
    }

    pub fn remove(&mut self, tree: Tree, key: &[u8]) {
        self.batch.remove(tree, key);
    }

    pub fn is_empty(&self) -> bool {
        self.batch.is_empty()
    }

    pub fn len(&self) -> usize {
        self.batch.ops.len()
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::store::MemoryStore;

    fn store_with(key: &DataKey) -> SealedStore {
        SealedStore::new(Arc::new(MemoryStore::new()), key)
    }

    fn new_store() -> SealedStore {
        store_with(&DataKey::random())
    }

    /// Copies a raw (sealed) record from one place to another, as an attacker with the disk could.
    fn copy_raw(store: &SealedStore, from: (Tree, &[u8]), to: (Tree, &[u8])) {
        let sealed = store.raw().get(from.0, from.1).expect("raw get").expect("the record exists");
        let mut batch = Batch::default();
        batch.put(to.0, to.1, sealed);
        store.raw().apply(batch).expect("raw put");
    }

    fn overwrite_raw(store: &SealedStore, tree: Tree, key: &[u8], bytes: Vec<u8>) {
        let mut batch = Batch::default();
        batch.put(tree, key, bytes);
        store.raw().apply(batch).expect("raw put");
    }

    #[test]
    fn the_last_key_is_found_without_opening_a_value() {
        let store = new_store();
        assert_eq!(store.last_key(Tree::Outbox, b"a").expect("scan"), None);
        for key in [&b"a1"[..], b"a2", b"b1"] {
            store.put(Tree::Outbox, key, b"entry").expect("put");
        }
        // A value that does not open: a scan of values fails on it, the key alone does not.
        overwrite_raw(&store, Tree::Outbox, b"a2", vec![SEAL_VERSION; 64]);
        assert!(store.scan_page(Tree::Outbox, b"a", None, 1, true).is_err(), "opening the value fails");
        assert_eq!(store.last_key(Tree::Outbox, b"a").expect("scan"), Some(b"a2".to_vec()));
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Record {
        text: String,
        n: u64,
    }

    #[test]
    fn values_round_trip_and_are_sealed_underneath() {
        let store = new_store();
        store.put(Tree::Messages, b"k", b"hello there").expect("put");
        assert_eq!(
            store.get(Tree::Messages, b"k").expect("get"),
            Some(b"hello there".to_vec()),
            "what is put is what is read back"
        );
        let raw = store.raw().get(Tree::Messages, b"k").expect("raw get").expect("stored");
        assert_eq!(raw[0], SEAL_VERSION, "every sealed value starts with its format version");
        assert_eq!(
            raw.len(),
            1 + NONCE_LEN + b"hello there".len() + 16,
            "version, nonce, ciphertext and a 16-byte tag: nothing else is stored"
        );
        assert!(!raw.windows(5).any(|window| window == b"hello"), "the engine underneath never sees the plaintext");

        let record = Record { text: "hi".into(), n: 7 };
        store.put_json(Tree::Conversations, b"c", &record).expect("put_json");
        assert_eq!(
            store.get_json::<Record>(Tree::Conversations, b"c").expect("get_json"),
            Some(record),
            "JSON values round-trip"
        );
        assert_eq!(store.get(Tree::Messages, b"absent").expect("get"), None, "absent stays absent");
        store.remove(Tree::Messages, b"k").expect("remove");
        assert_eq!(store.get(Tree::Messages, b"k").expect("get"), None, "remove deletes");
    }

    #[test]
    fn equal_values_seal_differently() {
        let store = new_store();
        store.put(Tree::Messages, b"a", b"same").expect("put");
        store.put(Tree::Messages, b"b", b"same").expect("put");
        let a = store.raw().get(Tree::Messages, b"a").expect("raw get").expect("stored");
        let b = store.raw().get(Tree::Messages, b"b").expect("raw get").expect("stored");
        assert_ne!(a[1..1 + NONCE_LEN], b[1..1 + NONCE_LEN], "every seal draws a fresh nonce");
        assert_ne!(a, b, "equal plaintexts must not be recognisable on disk");
    }

    #[test]
    fn scans_and_batches_open_every_value() {
        let store = new_store();
        let mut batch = store.batch();
        for n in 0u8..5 {
            batch.put_json(Tree::Messages, &[b'm', n], &(u32::from(n) * 10)).expect("seal");
        }
        batch.put(Tree::Sessions, b"s", b"session").expect("seal");
        assert_eq!(batch.len(), 6, "every op is kept");
        store.apply(batch).expect("apply");

        let all = store.scan_prefix_json::<u32>(Tree::Messages, b"m").expect("scan_prefix_json");
        assert_eq!(
            all.iter().map(|(_, value)| *value).collect::<Vec<_>>(),
            vec![0, 10, 20, 30, 40],
            "scan_prefix opens every value, in key order"
        );
        let page = store.scan_page(Tree::Messages, b"m", Some(&[b'm', 3]), 2, true).expect("page");
        assert_eq!(
            page.into_iter().map(|(key, _)| key[1]).collect::<Vec<_>>(),
            vec![2, 1],
            "scan_page keeps the engine's cursor and order semantics"
        );
        assert_eq!(
            store.get(Tree::Sessions, b"s").expect("get"),
            Some(b"session".to_vec()),
            "a batch lands in every tree it names"
        );
    }

    #[test]
    fn a_value_moved_to_another_key_or_tree_is_corrupt() {
        let store = new_store();
        store.put(Tree::Sessions, b"alice", b"alice's session").expect("put");
        copy_raw(&store, (Tree::Sessions, b"alice"), (Tree::Sessions, b"bob"));
        let moved = store.get(Tree::Sessions, b"bob");
        assert!(
            matches!(moved, Err(Error::Corrupt(_))),
            "the key is bound into the seal, so a swapped record must not open: {moved:?}"
        );
        copy_raw(&store, (Tree::Sessions, b"alice"), (Tree::RemoteIdentities, b"alice"));
        let moved = store.get(Tree::RemoteIdentities, b"alice");
        assert!(
            matches!(moved, Err(Error::Corrupt(_))),
            "the tree is bound into the seal, so a record moved across trees must not open: {moved:?}"
        );
        copy_raw(&store, (Tree::Sessions, b"alice"), (Tree::Sessions, b"alice2"));
        assert!(
            matches!(store.get(Tree::Sessions, b"alice2"), Err(Error::Corrupt(_))),
            "a key that extends the original key is a different key"
        );
        assert!(
            matches!(store.scan_prefix(Tree::Sessions, b""), Err(Error::Corrupt(_))),
            "a scan fails on a bad record instead of silently skipping it"
        );
    }

    #[test]
    fn every_tampered_byte_is_detected() {
        let store = new_store();
        store.put(Tree::Messages, b"k", b"do not touch").expect("put");
        let original = store.raw().get(Tree::Messages, b"k").expect("raw get").expect("stored");
        for position in 1..original.len() {
            let mut tampered = original.clone();
            tampered[position] ^= 0x01;
            overwrite_raw(&store, Tree::Messages, b"k", tampered);
            let opened = store.get(Tree::Messages, b"k");
            assert!(
                matches!(opened, Err(Error::Corrupt(_))),
                "a flipped bit at byte {position} (nonce, ciphertext or tag) must fail the AEAD check"
            );
        }
        let mut tampered = original.clone();
        tampered[0] = 9;
        overwrite_raw(&store, Tree::Messages, b"k", tampered);
        assert!(
            matches!(store.get(Tree::Messages, b"k"), Err(Error::UnsupportedVersion { found: 9, supported: 1 })),
            "an unknown format byte is reported as such, not misread"
        );
        overwrite_raw(&store, Tree::Messages, b"k", original[..10].to_vec());
        assert!(matches!(store.get(Tree::Messages, b"k"), Err(Error::Corrupt(_))), "a truncated record is corrupt");
        overwrite_raw(&store, Tree::Messages, b"k", Vec::new());
        assert!(matches!(store.get(Tree::Messages, b"k"), Err(Error::Corrupt(_))), "an empty record is corrupt");
    }

    #[test]
    fn another_data_key_cannot_open_a_value() {
        let raw: Arc<dyn RawStore> = Arc::new(MemoryStore::new());
        let writer = SealedStore::new(Arc::clone(&raw), &DataKey::random());
        writer.put(Tree::Messages, b"k", b"secret").expect("put");
        let reader = SealedStore::new(raw, &DataKey::random());
        assert!(
            matches!(reader.get(Tree::Messages, b"k"), Err(Error::Corrupt(_))),
            "only the data key that sealed a value opens it"
        );
    }

    #[test]
    fn undecodable_json_is_corrupt() {
        let store = new_store();
        store.put(Tree::Accounts, b"a", b"not json").expect("put");
        assert!(
            matches!(store.get_json::<Record>(Tree::Accounts, b"a"), Err(Error::Corrupt(_))),
            "a record that opens but does not decode is damage, never a silent None"
        );
    }

    #[test]
    fn a_batch_from_another_store_is_refused() {
        let one = new_store();
        let other = new_store();
        let mut batch = other.batch();
        batch.put(Tree::Meta, b"k", b"v").expect("seal");
        assert!(
            matches!(one.apply(batch), Err(Error::Encoding(_))),
            "values sealed under another key would be unreadable here, so they never land"
        );
        assert_eq!(one.raw().get(Tree::Meta, b"k").expect("raw get"), None, "nothing landed");
    }

    #[test]
    fn name_key_is_stable_per_data_key_and_unrelated_across_profiles() {
        let key = DataKey::random();
        let store = store_with(&key);
        let same_key_again = store_with(&key);
        let other_profile = new_store();
        let name = b"alice@meadow.example";
        assert_eq!(
            store.name_key("account", name),
            store.name_key("account", name),
            "the same name must always find the same record"
        );
        assert_eq!(
            store.name_key("account", name),
            same_key_again.name_key("account", name),
            "the hash depends only on the data key, so it survives a restart"
        );
        assert_ne!(
            store.name_key("account", name),
            other_profile.name_key("account", name),
            "another profile's hashes must not link the same person across profiles"
        );
        assert_ne!(
            store.name_key("account", name),
            store.name_key("conversation", name),
            "domains separate kinds of names"
        );
        assert_ne!(
            store.name_key("ab", b"c"),
            store.name_key("a", b"bc"),
            "domain and value are length-prefixed, so they cannot run into each other"
        );
        assert_ne!(
            store.name_key("account", name),
            *blake3::hash(name).as_bytes(),
            "an unkeyed hash could be computed by anyone who guesses the name"
        );
    }

    /// The on-disk format is frozen: a change to the associated data, the layout or the name-key
    /// derivation would make every existing profile unreadable, so it must fail here first (and
    /// come with a new version byte and a migration).
    #[test]
    fn the_sealed_format_and_name_keys_are_frozen() {
        let store = store_with(&DataKey::from_bytes([7; 32]));
        let sealed = store.keys.seal_with_nonce(Tree::Messages, b"key", b"hello", [9; NONCE_LEN]).expect("seal");
        assert_eq!(
            hex::encode(&sealed),
            "01090909090909090909090909090909090909090909090909d6178ee613c4d022a9a88a0ab4f23671f287f92a2f",
            "sealing a fixed input must give the same bytes forever"
        );
        assert_eq!(store.get(Tree::Messages, b"key").expect("get"), None, "sealing alone writes nothing");
        assert_eq!(
            hex::encode(store.name_key("account", b"alice@meadow.example")),
            "db4a05faba240d3f5dd974faee60d66f875e10eada88b65a6cc46aaa76c58c2d",
            "name keys find existing records only if they never change"
        );
    }
}
