//! The key bodies of the shared contract (`isthmus_proto::api`), checked and turned into store
//! records. Base64 is decoded by serde; what is left to check is each key's shape and how many
//! come at once.

use isthmus_proto::api;

use crate::error_code::ApiError;
use crate::key_shapes;
use crate::store::{IdentityKeys, PreKey, SignedPreKey};

pub fn prekey(key: &api::PreKey, field: &str) -> Result<PreKey, ApiError> {
    key_shapes::check_ec_public_key(field, &key.public_key)?;
    Ok(PreKey { id: key.id, public_key: key.public_key.clone() })
}

/// A signed EC prekey (33-byte Curve25519 key).
pub fn signed_ec(key: &api::SignedPreKey, field: &str) -> Result<SignedPreKey, ApiError> {
    key_shapes::check_ec_public_key(field, &key.public_key)?;
    key_shapes::check_signature(field, &key.signature)?;
    Ok(SignedPreKey { id: key.id, public_key: key.public_key.clone(), signature: key.signature.clone() })
}

/// A signed Kyber1024 prekey.
pub fn kyber(key: &api::KyberPreKey, field: &str) -> Result<SignedPreKey, ApiError> {
    key_shapes::check_kyber_public_key(field, &key.public_key)?;
    key_shapes::check_signature(field, &key.signature)?;
    Ok(SignedPreKey { id: key.id, public_key: key.public_key.clone(), signature: key.signature.clone() })
}

/// Decodes a batch of one-time keys, refusing batches over `max`.
pub fn batch<J, K>(
    field: &str,
    batch: &[J],
    max: usize,
    decode: impl Fn(&J, &str) -> Result<K, ApiError>,
) -> Result<Vec<K>, ApiError> {
    if batch.len() > max {
        return Err(ApiError::too_large(format!("{field}: at most {max} keys per upload")));
    }
    batch.iter().map(|key| decode(key, field)).collect()
}

/// A whole identity (registration, or its replacement), with at most `max` one-time keys of
/// each kind.
pub fn identity(keys: &api::IdentityKeys, max: usize) -> Result<IdentityKeys, ApiError> {
    key_shapes::check_ec_public_key("identity_key", &keys.identity_key)?;
    Ok(IdentityKeys {
        registration_id: keys.registration_id,
        identity_key: keys.identity_key.clone(),
        signed_prekey: signed_ec(&keys.signed_prekey, "signed_prekey")?,
        kyber_last_resort: kyber(&keys.kyber_last_resort, "kyber_last_resort")?,
        prekeys: batch("prekeys", &keys.prekeys, max, prekey)?,
        kyber_prekeys: batch("kyber_prekeys", &keys.kyber_prekeys, max, kyber)?,
    })
}
