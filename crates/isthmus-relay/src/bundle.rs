//! Prekey bundles in their two shapes: protobuf between relays, JSON for clients.

use base64::Engine as _;
use isthmus_proto::{wire, Address};

use crate::http::api_types::{BundleJson, PreKeyJson, SignedPreKeyJson};
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
pub fn to_json(address: &Address, bundle: &wire::PreKeyBundle) -> BundleJson {
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    BundleJson {
        address: address.to_string(),
        device: if bundle.device == 0 { address.device } else { bundle.device },
        registration_id: bundle.registration_id,
        identity_key: b64(&bundle.identity_key),
        signed_prekey: SignedPreKeyJson {
            id: bundle.signed_prekey_id,
            public_key: b64(&bundle.signed_prekey),
            signature: b64(&bundle.signed_prekey_signature),
        },
        kyber_prekey: SignedPreKeyJson {
            id: bundle.kyber_prekey_id,
            public_key: b64(&bundle.kyber_prekey),
            signature: b64(&bundle.kyber_prekey_signature),
        },
        prekey: bundle.prekey_id.map(|id| PreKeyJson { id, public_key: b64(&bundle.prekey) }),
    }
}
