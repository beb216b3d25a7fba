//! The JSON bodies of the relay's control plane (docs/relay-api.md), client side. Error bodies
//! and reports are already the shared contract (`isthmus_proto::api`); the key bodies follow.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SignedKey {
    pub id: u32,
    #[serde(with = "crate::serde_bytes_b64")]
    pub public_key: Vec<u8>,
    #[serde(with = "crate::serde_bytes_b64")]
    pub signature: Vec<u8>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OneTimeKey {
    pub id: u32,
    #[serde(with = "crate::serde_bytes_b64")]
    pub public_key: Vec<u8>,
}

/// A full set of public keys: what registration and an identity replacement upload.
#[derive(Clone, Debug, Serialize)]
pub struct IdentityKeys {
    pub registration_id: u32,
    #[serde(with = "crate::serde_bytes_b64")]
    pub identity_key: Vec<u8>,
    pub signed_prekey: SignedKey,
    pub kyber_last_resort: SignedKey,
    pub prekeys: Vec<OneTimeKey>,
    pub kyber_prekeys: Vec<SignedKey>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RegisterRequest {
    pub name: String,
    /// An invitation token, for a network whose registration policy is `invite`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite: Option<String>,
    #[serde(flatten)]
    pub keys: IdentityKeys,
}

#[derive(Clone, Debug, Deserialize)]
pub struct RegisterResponse {
    pub address: String,
    pub device: u32,
    pub secret: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct KeyUpload {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signed_prekey: Option<SignedKey>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kyber_last_resort: Option<SignedKey>,
    pub prekeys: Vec<OneTimeKey>,
    pub kyber_prekeys: Vec<SignedKey>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
pub struct KeyCount {
    pub prekeys: u32,
    pub kyber_prekeys: u32,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Bundle {
    pub address: String,
    pub device: u32,
    pub registration_id: u32,
    #[serde(with = "crate::serde_bytes_b64")]
    pub identity_key: Vec<u8>,
    pub signed_prekey: SignedKey,
    pub kyber_prekey: SignedKey,
    pub prekey: Option<OneTimeKey>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct DirectoryEntry {
    pub address: String,
    #[serde(with = "crate::serde_bytes_b64")]
    pub identity_key: Vec<u8>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Interop {
    pub networks: Vec<String>,
}

/// A new identity key with fresh prekeys, replacing the old ones at the relay.
pub type IdentityReplacement = IdentityKeys;
