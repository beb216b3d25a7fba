//! `/v1/accounts`, `/v1/keys` and `/v1/account/identity`: the public keys a device uploads and
//! the bundles others fetch. Byte strings are standard base64.
//!
//! The shapes are libsignal's: identity keys and EC prekeys are 33-byte Curve25519 keys with the
//! type byte 0x05, Kyber prekeys 1569-byte Kyber1024 keys with the type byte 0x08, signatures 64
//! bytes. The relay checks these shapes (not the signatures, which need libsignal); the patterns
//! below say the same to anyone reading the OpenAPI document. EC and Kyber keys are different
//! types so that neither end can put one where the other belongs.

use serde::{Deserialize, Serialize};

/// Base64 of a 33-byte Curve25519 public key whose first byte is 0x05.
pub const EC_PUBLIC_KEY_PATTERN: &str = "^B[Q-Za-f][A-Za-z0-9+/]{42}$";
/// Base64 of a 1569-byte Kyber1024 public key whose first byte is 0x08.
pub const KYBER_PUBLIC_KEY_PATTERN: &str = "^C[A-P][A-Za-z0-9+/]{2090}$";
/// Base64 of a 64-byte signature.
pub const SIGNATURE_PATTERN: &str = "^[A-Za-z0-9+/]{85}[AQgw]==$";
/// Most one-time keys of each kind one upload carries (the relay's default limit).
pub const MAX_PREKEYS_PER_UPLOAD: usize = 100;

/// A one-time EC prekey.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreKey {
    #[serde(deserialize_with = "super::integers::u32")]
    #[cfg_attr(feature = "openapi", schema(value_type = u64, maximum = 4294967295_u64))]
    pub id: u32,
    #[serde(with = "super::base64_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^B[Q-Za-f][A-Za-z0-9+/]{42}$"))]
    pub public_key: Vec<u8>,
}

/// A signed EC prekey: the medium-term key of a bundle.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedPreKey {
    #[serde(deserialize_with = "super::integers::u32")]
    #[cfg_attr(feature = "openapi", schema(value_type = u64, maximum = 4294967295_u64))]
    pub id: u32,
    #[serde(with = "super::base64_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^B[Q-Za-f][A-Za-z0-9+/]{42}$"))]
    pub public_key: Vec<u8>,
    /// XEdDSA signature by the identity key, checked by the clients that fetch it.
    #[serde(with = "super::base64_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[A-Za-z0-9+/]{85}[AQgw]==$"))]
    pub signature: Vec<u8>,
}

/// A signed Kyber1024 prekey: one-time, or the last-resort key used when those run out.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KyberPreKey {
    #[serde(deserialize_with = "super::integers::u32")]
    #[cfg_attr(feature = "openapi", schema(value_type = u64, maximum = 4294967295_u64))]
    pub id: u32,
    #[serde(with = "super::base64_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^C[A-P][A-Za-z0-9+/]{2090}$"))]
    pub public_key: Vec<u8>,
    #[serde(with = "super::base64_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[A-Za-z0-9+/]{85}[AQgw]==$"))]
    pub signature: Vec<u8>,
}

/// A full set of public keys: what registration uploads, and all that `PUT
/// /v1/account/identity` takes when a device replaces its identity.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityKeys {
    #[serde(deserialize_with = "super::integers::u32")]
    #[cfg_attr(feature = "openapi", schema(value_type = u64, maximum = 4294967295_u64))]
    pub registration_id: u32,
    #[serde(with = "super::base64_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^B[Q-Za-f][A-Za-z0-9+/]{42}$"))]
    pub identity_key: Vec<u8>,
    pub signed_prekey: SignedPreKey,
    pub kyber_last_resort: KyberPreKey,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub prekeys: Vec<PreKey>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub kyber_prekeys: Vec<KyberPreKey>,
}

/// `POST /v1/accounts`: a name and the first device's keys.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRequest {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[a-z][a-z0-9._-]{0,31}$"))]
    pub name: String,
    /// A single-use invitation token, on a network whose registration policy is `invite`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite: Option<String>,
    #[serde(flatten)]
    pub keys: IdentityKeys,
}

/// `201` to `POST /v1/accounts`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterResponse {
    /// `name@network`.
    pub address: String,
    pub device: u32,
    /// The device secret for `Authorization: Bearer <name>/<device>/<secret>`, shown once: the
    /// relay keeps only its hash.
    pub secret: String,
}

/// `PUT /v1/keys`: one-time keys are added, the signed and last-resort keys replace the stored ones.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeysUpload {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_prekey: Option<SignedPreKey>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kyber_last_resort: Option<KyberPreKey>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub prekeys: Vec<PreKey>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub kyber_prekeys: Vec<KyberPreKey>,
}

/// `200` to `GET /v1/keys/count`: what is left, which drives replenishment.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreKeyCounts {
    pub prekeys: u32,
    pub kyber_prekeys: u32,
}

/// `200` to `GET /v1/keys/{address}`: what a first message needs. Fetching it consumes one
/// one-time EC prekey (if any) and one one-time Kyber prekey (else the last-resort one is given).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bundle {
    pub address: String,
    pub device: u32,
    pub registration_id: u32,
    #[serde(with = "super::base64_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub identity_key: Vec<u8>,
    pub signed_prekey: SignedPreKey,
    pub kyber_prekey: KyberPreKey,
    pub prekey: Option<PreKey>,
}

/// `200` to `GET /v1/directory/{address}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryEntry {
    pub address: String,
    #[serde(with = "super::base64_bytes")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub identity_key: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    fn matches(pattern: &str, text: &str) -> bool {
        regex::Regex::new(pattern).unwrap().is_match(text)
    }

    #[test]
    fn the_patterns_accept_exactly_the_shapes_the_relay_accepts() {
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
        for second in [0u8, 0x7f, 0xff] {
            let mut ec = vec![0x05, second];
            ec.resize(33, 0xab);
            assert!(matches(EC_PUBLIC_KEY_PATTERN, &b64(&ec)));
            ec[0] = 0x06;
            assert!(!matches(EC_PUBLIC_KEY_PATTERN, &b64(&ec)));
            let mut kyber = vec![0x08, second];
            kyber.resize(1569, 0xcd);
            assert!(matches(KYBER_PUBLIC_KEY_PATTERN, &b64(&kyber)));
            kyber[0] = 0x09;
            assert!(!matches(KYBER_PUBLIC_KEY_PATTERN, &b64(&kyber)));
        }
        for last in [0u8, 0x3f, 0xff] {
            let mut signature = vec![0x11; 63];
            signature.push(last);
            assert!(matches(SIGNATURE_PATTERN, &b64(&signature)));
        }
        assert!(!matches(SIGNATURE_PATTERN, &b64(&[0; 63])));
        assert!(!matches(EC_PUBLIC_KEY_PATTERN, &b64(&[0x05; 32])));
    }

    /// The OpenAPI document says what the constants say (attributes take only literals).
    #[cfg(feature = "openapi")]
    #[test]
    fn the_schemas_carry_the_same_patterns() {
        let schemas = [
            serde_json::to_string(&<PreKey as utoipa::PartialSchema>::schema()).unwrap(),
            serde_json::to_string(&<SignedPreKey as utoipa::PartialSchema>::schema()).unwrap(),
            serde_json::to_string(&<KyberPreKey as utoipa::PartialSchema>::schema()).unwrap(),
            serde_json::to_string(&<IdentityKeys as utoipa::PartialSchema>::schema()).unwrap(),
        ];
        let quoted = |pattern: &str| serde_json::to_string(pattern).unwrap();
        assert!(schemas[0].contains(&quoted(EC_PUBLIC_KEY_PATTERN)));
        assert!(schemas[1].contains(&quoted(EC_PUBLIC_KEY_PATTERN)) && schemas[1].contains(&quoted(SIGNATURE_PATTERN)));
        assert!(schemas[2].contains(&quoted(KYBER_PUBLIC_KEY_PATTERN)));
        assert!(schemas[3].contains(&format!("\"maxItems\":{MAX_PREKEYS_PER_UPLOAD}")));
    }

    #[test]
    fn a_registration_is_flat_json_with_base64_bytes() {
        let keys = IdentityKeys {
            registration_id: 7,
            identity_key: vec![5; 33],
            signed_prekey: SignedPreKey { id: 1, public_key: vec![5; 33], signature: vec![0; 64] },
            kyber_last_resort: KyberPreKey { id: 2, public_key: vec![8; 1569], signature: vec![0; 64] },
            prekeys: vec![],
            kyber_prekeys: vec![],
        };
        let request = RegisterRequest { name: "ada".into(), invite: None, keys: keys.clone() };
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(json["registration_id"], 7);
        assert!(json.get("invite").is_none());
        assert_eq!(serde_json::from_value::<RegisterRequest>(json).unwrap(), request);
        let bad = serde_json::json!({ "id": 1, "public_key": "not base64!" });
        let error = serde_json::from_value::<PreKey>(bad).unwrap_err().to_string();
        assert!(error.contains("standard base64"), "{error}");
    }
}
