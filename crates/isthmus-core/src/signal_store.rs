//! libsignal's store traits over the sealed profile store, for one account.
//!
//! Writes go into a shared `Tx` rather than straight to disk, so that the session change a
//! decryption makes commits atomically with the message it produced. libsignal takes its stores
//! as separate `&mut dyn` arguments; `SignalStore` is cheap to clone (all clones share one `Tx`
//! through `Rc<RefCell<_>>`), which is fine because only the crypto worker thread uses it.

use std::cell::RefCell;
use std::rc::Rc;

use async_trait::async_trait;
use libsignal_protocol::{
    Direction, GenericSignedPreKey, IdentityChange, IdentityKey, IdentityKeyPair, IdentityKeyStore, KyberPreKeyId,
    KyberPreKeyRecord, KyberPreKeyStore, PreKeyId, PreKeyRecord, PreKeyStore, ProtocolAddress, PublicKey,
    SenderKeyRecord, SenderKeyStore, SessionRecord, SessionStore, SignalProtocolError, SignedPreKeyId,
    SignedPreKeyRecord, SignedPreKeyStore,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::store::Tree;
use crate::tx::Tx;

type SignalResult<T> = Result<T, SignalProtocolError>;

/// The account's own identity, stored in `Tree::LocalIdentity` under the account key.
#[derive(Clone, Serialize, Deserialize)]
pub struct LocalIdentity {
    #[serde(with = "crate::serde_bytes_b64")]
    pub key_pair: Vec<u8>,
    pub registration_id: u32,
}

/// A stored Kyber prekey; the last-resort one survives use, one-time ones do not.
#[derive(Serialize, Deserialize)]
struct StoredKyberPreKey {
    last_resort: bool,
    #[serde(with = "crate::serde_bytes_b64")]
    record: Vec<u8>,
}

#[derive(Clone)]
pub struct SignalStore {
    tx: Rc<RefCell<Tx>>,
    account: [u8; 32],
    identity: IdentityKeyPair,
    registration_id: u32,
    /// Addresses whose identity key changed during this transaction.
    key_changes: Rc<RefCell<Vec<String>>>,
}

fn storage_error(e: impl std::fmt::Display) -> SignalProtocolError {
    SignalProtocolError::InvalidState("isthmus store", e.to_string())
}

impl SignalStore {
    pub fn new(tx: Rc<RefCell<Tx>>, account: [u8; 32], local: &LocalIdentity) -> crate::Result<Self> {
        let identity = IdentityKeyPair::try_from(local.key_pair.as_slice())?;
        Ok(Self {
            tx,
            account,
            identity,
            registration_id: local.registration_id,
            key_changes: Rc::new(RefCell::new(Vec::new())),
        })
    }

    pub fn identity(&self) -> &IdentityKeyPair {
        &self.identity
    }

    /// Addresses (`name@network`) whose identity key was replaced since the last call.
    pub fn take_key_changes(&self) -> Vec<String> {
        std::mem::take(&mut self.key_changes.borrow_mut())
    }

    fn id_key(&self, id: u32) -> Vec<u8> {
        let mut key = self.account.to_vec();
        key.extend_from_slice(&id.to_be_bytes());
        key
    }

    fn peer_key(&self, address: &ProtocolAddress) -> Vec<u8> {
        let tx = self.tx.borrow();
        crate::account::peer_device_key(tx.store(), &self.account, address.name(), u32::from(address.device_id()))
    }

    fn get(&self, tree: Tree, key: &[u8]) -> SignalResult<Option<Vec<u8>>> {
        self.tx.borrow().get(tree, key).map_err(storage_error)
    }

    fn put(&self, tree: Tree, key: Vec<u8>, value: Vec<u8>) {
        self.tx.borrow_mut().put(tree, key, value);
    }

    /// Stages the private half of a Kyber prekey.
    pub fn put_kyber(&self, id: u32, record: &KyberPreKeyRecord, last_resort: bool) -> crate::Result<()> {
        let stored = StoredKyberPreKey { last_resort, record: record.serialize()? };
        self.tx.borrow_mut().put_json(Tree::KyberPreKeys, self.id_key(id), &stored)
    }

    pub fn put_prekey(&self, id: u32, record: &PreKeyRecord) -> crate::Result<()> {
        self.put(Tree::PreKeys, self.id_key(id), record.serialize()?);
        Ok(())
    }

    pub fn put_signed_prekey(&self, id: u32, record: &SignedPreKeyRecord) -> crate::Result<()> {
        self.put(Tree::SignedPreKeys, self.id_key(id), record.serialize()?);
        Ok(())
    }
}

#[async_trait(?Send)]
impl IdentityKeyStore for SignalStore {
    async fn get_identity_key_pair(&self) -> SignalResult<IdentityKeyPair> {
        Ok(self.identity)
    }

    async fn get_local_registration_id(&self) -> SignalResult<u32> {
        Ok(self.registration_id)
    }

    async fn save_identity(
        &mut self,
        address: &ProtocolAddress,
        identity: &IdentityKey,
    ) -> SignalResult<IdentityChange> {
        let key = self.peer_key(address);
        let previous = self.get(Tree::RemoteIdentities, &key)?;
        let serialized = identity.serialize();
        // libsignal saves the identity on every encrypt and decrypt; the same key again is not
        // written again (a sealed write saved per message).
        if previous.as_deref() == Some(&*serialized) {
            return Ok(IdentityChange::from_changed(false));
        }
        let changed = previous.is_some();
        if changed {
            self.key_changes.borrow_mut().push(address.name().to_owned());
        }
        self.put(Tree::RemoteIdentities, key, serialized.to_vec());
        Ok(IdentityChange::from_changed(changed))
    }

    /// Trust on first use. A changed key is accepted here and reported through
    /// `take_key_changes`, so the engine can tell the user.
    async fn is_trusted_identity(
        &self,
        _address: &ProtocolAddress,
        _identity: &IdentityKey,
        _direction: Direction,
    ) -> SignalResult<bool> {
        Ok(true)
    }

    async fn get_identity(&self, address: &ProtocolAddress) -> SignalResult<Option<IdentityKey>> {
        match self.get(Tree::RemoteIdentities, &self.peer_key(address))? {
            Some(bytes) => Ok(Some(IdentityKey::decode(&bytes)?)),
            None => Ok(None),
        }
    }
}

#[async_trait(?Send)]
impl PreKeyStore for SignalStore {
    async fn get_pre_key(&self, id: PreKeyId) -> SignalResult<PreKeyRecord> {
        match self.get(Tree::PreKeys, &self.id_key(id.into()))? {
            Some(bytes) => PreKeyRecord::deserialize(&bytes),
            None => Err(SignalProtocolError::InvalidPreKeyId),
        }
    }

    async fn save_pre_key(&mut self, id: PreKeyId, record: &PreKeyRecord) -> SignalResult<()> {
        self.put(Tree::PreKeys, self.id_key(id.into()), record.serialize()?);
        Ok(())
    }

    async fn remove_pre_key(&mut self, id: PreKeyId) -> SignalResult<()> {
        self.tx.borrow_mut().remove(Tree::PreKeys, self.id_key(id.into()));
        Ok(())
    }
}

#[async_trait(?Send)]
impl SignedPreKeyStore for SignalStore {
    async fn get_signed_pre_key(&self, id: SignedPreKeyId) -> SignalResult<SignedPreKeyRecord> {
        match self.get(Tree::SignedPreKeys, &self.id_key(id.into()))? {
            Some(bytes) => SignedPreKeyRecord::deserialize(&bytes),
            None => Err(SignalProtocolError::InvalidSignedPreKeyId),
        }
    }

    async fn save_signed_pre_key(&mut self, id: SignedPreKeyId, record: &SignedPreKeyRecord) -> SignalResult<()> {
        self.put(Tree::SignedPreKeys, self.id_key(id.into()), record.serialize()?);
        Ok(())
    }
}

#[async_trait(?Send)]
impl KyberPreKeyStore for SignalStore {
    async fn get_kyber_pre_key(&self, id: KyberPreKeyId) -> SignalResult<KyberPreKeyRecord> {
        let bytes =
            self.get(Tree::KyberPreKeys, &self.id_key(id.into()))?.ok_or(SignalProtocolError::InvalidKyberPreKeyId)?;
        let stored: StoredKyberPreKey = serde_json::from_slice(&bytes).map_err(storage_error)?;
        KyberPreKeyRecord::deserialize(&stored.record)
    }

    async fn save_kyber_pre_key(&mut self, id: KyberPreKeyId, record: &KyberPreKeyRecord) -> SignalResult<()> {
        self.put_kyber(id.into(), record, false).map_err(storage_error)
    }

    /// One-time Kyber prekeys are deleted after use; the last-resort key stays.
    async fn mark_kyber_pre_key_used(
        &mut self,
        id: KyberPreKeyId,
        _ec_prekey_id: SignedPreKeyId,
        _base_key: &PublicKey,
    ) -> SignalResult<()> {
        let key = self.id_key(id.into());
        if let Some(bytes) = self.get(Tree::KyberPreKeys, &key)? {
            let stored: StoredKyberPreKey = serde_json::from_slice(&bytes).map_err(storage_error)?;
            if !stored.last_resort {
                self.tx.borrow_mut().remove(Tree::KyberPreKeys, key);
            }
        }
        Ok(())
    }
}

#[async_trait(?Send)]
impl SessionStore for SignalStore {
    async fn load_session(&self, address: &ProtocolAddress) -> SignalResult<Option<SessionRecord>> {
        match self.get(Tree::Sessions, &self.peer_key(address))? {
            Some(bytes) => Ok(Some(SessionRecord::deserialize(&bytes)?)),
            None => Ok(None),
        }
    }

    async fn store_session(&mut self, address: &ProtocolAddress, record: &SessionRecord) -> SignalResult<()> {
        self.put(Tree::Sessions, self.peer_key(address), record.serialize()?);
        Ok(())
    }
}

/// Sender keys are keyed by the sender's device (as sessions are) and the distribution id, which
/// names one group's key of that sender: a new one after every removal from the group.
#[async_trait(?Send)]
impl SenderKeyStore for SignalStore {
    async fn store_sender_key(
        &mut self,
        sender: &ProtocolAddress,
        distribution_id: Uuid,
        record: &SenderKeyRecord,
    ) -> SignalResult<()> {
        let mut key = self.peer_key(sender);
        key.extend_from_slice(distribution_id.as_bytes());
        self.put(Tree::SenderKeys, key, record.serialize()?);
        Ok(())
    }

    async fn load_sender_key(
        &mut self,
        sender: &ProtocolAddress,
        distribution_id: Uuid,
    ) -> SignalResult<Option<SenderKeyRecord>> {
        let mut key = self.peer_key(sender);
        key.extend_from_slice(distribution_id.as_bytes());
        match self.get(Tree::SenderKeys, &key)? {
            Some(bytes) => Ok(Some(SenderKeyRecord::deserialize(&bytes)?)),
            None => Ok(None),
        }
    }
}

/// The address libsignal keys a remote device's session by.
pub fn protocol_address(address: &isthmus_proto::Address) -> crate::Result<ProtocolAddress> {
    let device = u8::try_from(address.device)
        .ok()
        .and_then(|d| libsignal_protocol::DeviceId::new(d).ok())
        .ok_or_else(|| crate::Error::Protocol("device id out of range".into()))?;
    Ok(ProtocolAddress::new(address.account(), device))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_same_identity_again_is_not_written_again_and_a_new_one_is_a_key_change() {
        let profile = crate::store::Profile::in_memory();
        let mut rng = rand::rng();
        let local =
            LocalIdentity { key_pair: IdentityKeyPair::generate(&mut rng).serialize().to_vec(), registration_id: 7 };
        let tx = Rc::new(RefCell::new(Tx::new(profile.store())));
        let mut store = SignalStore::new(tx.clone(), [1; 32], &local).expect("a store");
        let peer = ProtocolAddress::new("bob@meadow.test".into(), libsignal_protocol::DeviceId::new(1).expect("id"));
        let first = *IdentityKeyPair::generate(&mut rng).identity_key();
        assert!(matches!(store.save_identity(&peer, &first).await.expect("saved"), IdentityChange::NewOrUnchanged));
        tx.borrow_mut().commit().expect("commit");
        assert!(matches!(store.save_identity(&peer, &first).await.expect("saved"), IdentityChange::NewOrUnchanged));
        assert!(tx.borrow().is_empty(), "saving the known key stages no write");
        let second = *IdentityKeyPair::generate(&mut rng).identity_key();
        assert!(matches!(store.save_identity(&peer, &second).await.expect("saved"), IdentityChange::ReplacedExisting));
        assert_eq!(store.take_key_changes(), vec!["bob@meadow.test".to_owned()]);
    }
}
