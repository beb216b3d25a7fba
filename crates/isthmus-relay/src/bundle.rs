//! Prekey bundles in their two shapes: protobuf between relays, JSON for clients.

use isthmus_proto::{api, wire, Address};

use crate::store::StoredBundle;

impl From<&StoredBundle> for wire::PreKeyBundle {
    fn from(bundle: &StoredBundle) -> Self {
        wire::PreKeyBundle {
            registration_id: bundle.registration_id,
            device: bundle.device,
            identity_key: bundle.identity_key.clone(),
            signed_prekey_id: bundle.signed_prekey.id,
            signed_prekey: bundle.signed_prekey.public_key.clone(),
            signed_prekey_signature: bundle.signed_prekey.signature.clone(),
            kyber_prekey_id: bundle.kyber_prekey.id,
            kyber_prekey: bundle.kyber_prekey.public_key.clone(),
            kyber_prekey_signature: bundle.kyber_prekey.signature.clone(),
            prekey_id: bundle.prekey.as_ref().map(|key| key.id),
            prekey: bundle.prekey.as_ref().map(|key| key.public_key.clone()).unwrap_or_default(),
        }
    }
}

/// The JSON a client gets for `address`.
pub fn to_json(address: &Address, bundle: &wire::PreKeyBundle) -> api::Bundle {
    api::Bundle {
        address: address.to_string(),
        device: if bundle.device == 0 { address.device } else { bundle.device },
        registration_id: bundle.registration_id,
        identity_key: bundle.identity_key.clone(),
        signed_prekey: api::SignedPreKey {
            id: bundle.signed_prekey_id,
            public_key: bundle.signed_prekey.clone(),
            signature: bundle.signed_prekey_signature.clone(),
        },
        kyber_prekey: api::KyberPreKey {
            id: bundle.kyber_prekey_id,
            public_key: bundle.kyber_prekey.clone(),
            signature: bundle.kyber_prekey_signature.clone(),
        },
        prekey: bundle.prekey_id.map(|id| api::PreKey { id, public_key: bundle.prekey.clone() }),
    }
}
