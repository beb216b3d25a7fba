//! The baseline: bare libsignal over its own in-memory stores (`InMemSignalProtocolStore`),
//! with nothing of Isthmus around it: no content encoding, no sealing, no disk.
//!
//! The message pattern mirrors the pipelines' (`bench_support::Chat`): a first message from a
//! bundle, an answer, then one-way traffic, so both sides encrypt and decrypt the same kind of
//! message (a whisper message on an acknowledged session).

use std::time::SystemTime;

use libsignal_protocol::{
    kem, message_decrypt, message_encrypt, process_prekey_bundle, CiphertextMessage, DeviceId, GenericSignedPreKey,
    IdentityKeyPair, IdentityKeyStore, InMemSignalProtocolStore, KeyPair, KyberPreKeyRecord, KyberPreKeyStore,
    PreKeyBundle, PreKeyRecord, PreKeyStore, ProtocolAddress, SignedPreKeyRecord, SignedPreKeyStore, Timestamp,
};
use rand::Rng;

/// The size of the pipelines' padded content for a short text (a multiple of 64 bytes).
pub const PLAINTEXT_LEN: usize = 64;

fn address(name: &str) -> ProtocolAddress {
    ProtocolAddress::new(name.to_owned(), DeviceId::new(1).expect("1 is a valid device id"))
}

fn store() -> InMemSignalProtocolStore {
    let mut rng = rand::rng();
    let identity = IdentityKeyPair::generate(&mut rng);
    InMemSignalProtocolStore::new(identity, rng.random_range(1..16380)).expect("an in-memory store")
}

/// Everything needed to encrypt to and decrypt at one side.
pub struct Party {
    pub store: InMemSignalProtocolStore,
    pub address: ProtocolAddress,
}

/// A fresh party whose bundle (identity, signed prekey, Kyber prekey, one-time prekey) is
/// stored, as an Isthmus account's is at registration.
pub async fn party_with_bundle(name: &str) -> (Party, PreKeyBundle) {
    let mut rng = rand::rng();
    let mut store = store();
    let identity = store.get_identity_key_pair().await.expect("own identity");
    let (prekey, signed) = (KeyPair::generate(&mut rng), KeyPair::generate(&mut rng));
    let signature =
        identity.private_key().calculate_signature(&signed.public_key.serialize(), &mut rng).expect("signature");
    let kyber = KyberPreKeyRecord::generate(kem::KeyType::Kyber1024, 100.into(), identity.private_key())
        .expect("a Kyber prekey");
    store.save_pre_key(100.into(), &PreKeyRecord::new(100.into(), &prekey)).await.expect("save prekey");
    let signed_record = SignedPreKeyRecord::new(1.into(), Timestamp::from_epoch_millis(0), &signed, &signature);
    store.save_signed_pre_key(1.into(), &signed_record).await.expect("save signed prekey");
    store.save_kyber_pre_key(100.into(), &kyber).await.expect("save Kyber prekey");
    let registration_id = store.get_local_registration_id().await.expect("registration id");
    let bundle = PreKeyBundle::new(
        registration_id,
        DeviceId::new(1).expect("1 is a valid device id"),
        Some((100.into(), prekey.public_key)),
        1.into(),
        signed.public_key,
        signature.to_vec(),
        100.into(),
        kyber.public_key().expect("Kyber public key"),
        kyber.signature().expect("Kyber signature"),
        *identity.identity_key(),
    )
    .expect("a valid bundle");
    (Party { store, address: address(name) }, bundle)
}

pub async fn encrypt(from: &mut Party, to: &ProtocolAddress, plaintext: &[u8]) -> CiphertextMessage {
    let mut rng = rand::rng();
    let store = &mut from.store;
    message_encrypt(plaintext, to, &mut store.session_store, &mut store.identity_store, SystemTime::now(), &mut rng)
        .await
        .expect("encrypt")
}

/// Decrypts from its wire form, as a receiver parses it.
pub async fn decrypt(at: &mut Party, from: &ProtocolAddress, serialized: &[u8], prekey: bool) -> Vec<u8> {
    let mut rng = rand::rng();
    let ciphertext = if prekey {
        CiphertextMessage::PreKeySignalMessage(serialized.try_into().expect("a prekey message"))
    } else {
        CiphertextMessage::SignalMessage(serialized.try_into().expect("a whisper message"))
    };
    let store = &mut at.store;
    message_decrypt(
        &ciphertext,
        from,
        &mut store.session_store,
        &mut store.identity_store,
        &mut store.pre_key_store,
        &store.signed_pre_key_store,
        &mut store.kyber_pre_key_store,
        &mut rng,
    )
    .await
    .expect("decrypt")
}

fn is_prekey(message: &CiphertextMessage) -> bool {
    matches!(message, CiphertextMessage::PreKeySignalMessage(_))
}

/// A first message to a new party: bundle processed (PQXDH), first encrypt, first decrypt.
pub async fn first_contact(sender: &mut Party, peer: &mut Party, bundle: &PreKeyBundle) {
    let mut rng = rand::rng();
    let store = &mut sender.store;
    process_prekey_bundle(
        &peer.address,
        &mut store.session_store,
        &mut store.identity_store,
        bundle,
        SystemTime::now(),
        &mut rng,
    )
    .await
    .expect("process bundle");
    let message = encrypt(sender, &peer.address, &[0; PLAINTEXT_LEN]).await;
    decrypt(peer, &sender.address, message.serialize(), is_prekey(&message)).await;
}

/// Two parties with a session acknowledged both ways: what follows are whisper messages.
pub struct Pair {
    pub alice: Party,
    pub bob: Party,
}

impl Pair {
    pub async fn new() -> Pair {
        let (mut alice, _) = party_with_bundle("alice").await;
        let (mut bob, bundle) = party_with_bundle("bob").await;
        first_contact(&mut alice, &mut bob, &bundle).await;
        let answer = encrypt(&mut bob, &alice.address.clone(), &[0; PLAINTEXT_LEN]).await;
        decrypt(&mut alice, &bob.address, answer.serialize(), is_prekey(&answer)).await;
        Pair { alice, bob }
    }

    /// Alice encrypts one message for Bob; returns it serialized, as it travels.
    pub async fn encrypt(&mut self) -> Vec<u8> {
        let bob = self.bob.address.clone();
        let message = encrypt(&mut self.alice, &bob, &[0; PLAINTEXT_LEN]).await;
        assert!(!is_prekey(&message), "the session is acknowledged, so no prekey message");
        message.serialize().to_vec()
    }

    /// Bob decrypts one of Alice's serialized messages.
    pub async fn decrypt(&mut self, serialized: &[u8]) -> Vec<u8> {
        let alice = self.alice.address.clone();
        decrypt(&mut self.bob, &alice, serialized, false).await
    }
}
