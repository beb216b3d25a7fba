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
        let nonce: [u8; NONCE_LEN] = rand::random();
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
        let (&version, rest) =
            sealed.split_first().ok_or_else(|| corrupt(tree, "an empty record"))?;
        if version != SEAL_VERSION {
            return Err(Error::UnsupportedVersion {
                found: version.into(),
                supported: SEAL_VERSION.into(),
            });
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

    /// [`SealedStore::scan_prefix`] with every value decoded from JSON.
    pub fn scan_prefix_json<T: DeserializeOwned>(
        &self,
        tree: Tree,
        prefix: &[u8],
    ) -> Result<Vec<(Vec<u8>, T)>> {
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

    pub fn put_json<T: Serialize + ?Sized>(
        &mut self,
        tree: Tree,
        key: &[u8],
        value: &T,
    ) -> Result<()> {
        let mut plaintext =
            serde_json::to_vec(value).map_err(|error| Error::Encoding(error.to_string()))?;
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
