//! The JSON bodies of the control plane (docs/relay-api.md). Byte strings are standard base64.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::error_code::ApiError;
use crate::key_shapes;
use crate::store::{PreKey, SignedPreKey};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedPreKeyJson {
    pub id: u32,
    pub public_key: String,
    pub signature: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreKeyJson {
    pub id: u32,
    pub public_key: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRequest {
    pub name: String,
    /// An invitation token, on a network whose registration policy is `invite`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite: Option<String>,
    pub registration_id: u32,
    pub identity_key: String,
    pub signed_prekey: SignedPreKeyJson,
    pub kyber_last_resort: SignedPreKeyJson,
    #[serde(default)]
    pub prekeys: Vec<PreKeyJson>,
    #[serde(default)]
    pub kyber_prekeys: Vec<SignedPreKeyJson>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterResponse {
    pub address: String,
    pub device: u32,
    /// The device secret for `Authorization: Bearer <name>/<device>/<secret>`. Shown once.
    pub secret: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeysUpload {
    #[serde(default)]
    pub signed_prekey: Option<SignedPreKeyJson>,
    #[serde(default)]
    pub kyber_last_resort: Option<SignedPreKeyJson>,
    #[serde(default)]
    pub prekeys: Vec<PreKeyJson>,
    #[serde(default)]
    pub kyber_prekeys: Vec<SignedPreKeyJson>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreKeyCountsJson {
    pub prekeys: usize,
    pub kyber_prekeys: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleJson {
    pub address: String,
    pub device: u32,
    pub registration_id: u32,
    pub identity_key: String,
    pub signed_prekey: SignedPreKeyJson,
    pub kyber_prekey: SignedPreKeyJson,
    pub prekey: Option<PreKeyJson>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryEntryJson {
    pub address: String,
    pub identity_key: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InteropJson {
    pub networks: Vec<String>,
}

/// `PUT /v1/account/identity`: a registration without the name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityResetRequest {
    pub registration_id: u32,
    pub identity_key: String,
    pub signed_prekey: SignedPreKeyJson,
    pub kyber_last_resort: SignedPreKeyJson,
    #[serde(default)]
    pub prekeys: Vec<PreKeyJson>,
    #[serde(default)]
    pub kyber_prekeys: Vec<SignedPreKeyJson>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlocksJson {
    pub addresses: Vec<String>,
}

pub use isthmus_proto::api::{ReportCreated, ReportRequest};

/// `201` to `POST /v1/media`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaCreated {
    /// 32 lowercase hex characters, random: holding it is what lets someone fetch the medium.
    pub id: String,
    pub size: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthJson {
    pub status: String,
    pub network: String,
    pub protocol: u32,
}

pub fn decode_base64(field: &str, text: &str) -> Result<Vec<u8>, ApiError> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| ApiError::bad_request(format!("{field} is not standard base64")))
}

impl PreKeyJson {
    pub fn to_prekey(&self, field: &str) -> Result<PreKey, ApiError> {
        let public_key = decode_base64(field, &self.public_key)?;
        key_shapes::check_ec_public_key(field, &public_key)?;
        Ok(PreKey { id: self.id, public_key })
    }
}

impl SignedPreKeyJson {
    fn decode(&self, field: &str) -> Result<SignedPreKey, ApiError> {
        let public_key = decode_base64(field, &self.public_key)?;
        let signature = decode_base64(field, &self.signature)?;
        key_shapes::check_signature(field, &signature)?;
        Ok(SignedPreKey { id: self.id, public_key, signature })
    }

    /// A signed EC prekey (33-byte Curve25519 key).
    pub fn to_signed_ec(&self, field: &str) -> Result<SignedPreKey, ApiError> {
        let key = self.decode(field)?;
        key_shapes::check_ec_public_key(field, &key.public_key)?;
        Ok(key)
    }

    /// A signed Kyber1024 prekey.
    pub fn to_kyber(&self, field: &str) -> Result<SignedPreKey, ApiError> {
        let key = self.decode(field)?;
        key_shapes::check_kyber_public_key(field, &key.public_key)?;
        Ok(key)
    }
}

/// Decodes a batch of one-time keys, refusing batches over `max`.
pub fn decode_batch<J, K>(
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
