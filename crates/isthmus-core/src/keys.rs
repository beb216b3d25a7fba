//! Key generation: the identity, signed and last-resort prekeys, and one-time prekey batches.
//!
//! Private halves are staged in the account's `SignalStore` (so they commit with whatever
//! else the caller writes); public halves come back in the relay's upload format.

use libsignal_protocol::{
    kem, GenericSignedPreKey, IdentityKeyPair, KeyPair, KyberPreKeyRecord, PreKeyRecord, SignedPreKeyRecord, Timestamp,
};
use rand::Rng;

use crate::signal_store::{LocalIdentity, SignalStore};
use crate::time::now_ms;
use crate::Result;
use isthmus_proto::api::{KyberPreKey, PreKey, SignedPreKey};

/// How many one-time prekeys of each kind an account uploads at registration and on top-up.
pub const PREKEY_BATCH: u32 = 50;
/// Below this many one-time prekeys on the relay, the client uploads a new batch.
pub const PREKEY_LOW_WATER: u32 = 15;

/// The ids of the signed EC prekey and the Kyber last-resort prekey made at registration.
pub const SIGNED_PREKEY_ID: u32 = 1;
pub const KYBER_LAST_RESORT_ID: u32 = 1;
/// One-time prekey ids start here, after the fixed ones.
pub const FIRST_ONE_TIME_ID: u32 = 100;

pub fn new_identity() -> LocalIdentity {
    let mut rng = rand::rng();
    let pair = IdentityKeyPair::generate(&mut rng);
    // Registration ids are 14 bits in the Signal protocol.
    let registration_id = rng.random_range(1..16380);
    LocalIdentity { key_pair: pair.serialize().to_vec(), registration_id }
}

pub fn signed_prekey(store: &SignalStore, id: u32) -> Result<SignedPreKey> {
    let mut rng = rand::rng();
    let pair = KeyPair::generate(&mut rng);
    let public = pair.public_key.serialize();
    let signature =
        store.identity().private_key().calculate_signature(&public, &mut rng).map_err(crate::error::crypto)?;
    let record = SignedPreKeyRecord::new(id.into(), Timestamp::from_epoch_millis(now_ms()), &pair, &signature);
    store.put_signed_prekey(id, &record)?;
    Ok(SignedPreKey { id, public_key: public.to_vec(), signature: signature.to_vec() })
}

pub fn kyber_prekey(store: &SignalStore, id: u32, last_resort: bool) -> Result<KyberPreKey> {
    let record = KyberPreKeyRecord::generate(kem::KeyType::Kyber1024, id.into(), store.identity().private_key())?;
    store.put_kyber(id, &record, last_resort)?;
    Ok(KyberPreKey { id, public_key: record.public_key()?.serialize().to_vec(), signature: record.signature()? })
}

pub fn one_time_prekeys(store: &SignalStore, first_id: u32, count: u32) -> Result<Vec<PreKey>> {
    let mut rng = rand::rng();
    (first_id..first_id + count)
        .map(|id| {
            let pair = KeyPair::generate(&mut rng);
            store.put_prekey(id, &PreKeyRecord::new(id.into(), &pair))?;
            Ok(PreKey { id, public_key: pair.public_key.serialize().to_vec() })
        })
        .collect()
}

pub fn one_time_kyber_prekeys(store: &SignalStore, first_id: u32, count: u32) -> Result<Vec<KyberPreKey>> {
    (first_id..first_id + count).map(|id| kyber_prekey(store, id, false)).collect()
}
