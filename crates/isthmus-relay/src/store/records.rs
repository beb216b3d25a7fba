//! What the stores keep, independent of how they keep it.
//!
//! The serde forms are the JSON the sled relay wrote (read again by `migrate-from-sled`; byte
//! strings are base64) and the JSON of reports (`isthmus-relay reports --json`).

use isthmus_proto::{NetworkName, UserName};
use serde::{Deserialize, Serialize};

/// Names one device's queue: the account and the device id.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeviceKey {
    pub name: UserName,
    pub device: u32,
}

impl DeviceKey {
    pub fn new(name: UserName, device: u32) -> Self {
        Self { name, device }
    }

    /// `name 0x00 device(be)`: the 0x00 keeps `al` from being a prefix of `alice`'s keys.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.name.as_str().as_bytes().to_vec();
        bytes.push(0);
        bytes.extend_from_slice(&self.device.to_be_bytes());
        bytes
    }
}

/// A one-time EC prekey.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreKey {
    pub id: u32,
    #[serde(with = "base64_bytes")]
    pub public_key: Vec<u8>,
}

/// A signed EC prekey or a Kyber prekey (one-time or last resort).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedPreKey {
    pub id: u32,
    #[serde(with = "base64_bytes")]
    pub public_key: Vec<u8>,
    #[serde(with = "base64_bytes")]
    pub signature: Vec<u8>,
}

/// An account. The device secret is kept only as its SHA-256 hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRecord {
    pub name: UserName,
    pub device: u32,
    #[serde(with = "base64_array")]
    pub secret_hash: [u8; 32],
    pub registration_id: u32,
    #[serde(with = "base64_bytes")]
    pub identity_key: Vec<u8>,
    pub signed_prekey: SignedPreKey,
    pub kyber_last_resort: SignedPreKey,
    pub created_at_ms: u64,
}

/// An account with its first batch of one-time keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAccount {
    pub record: AccountRecord,
    pub prekeys: Vec<PreKey>,
    pub kyber_prekeys: Vec<SignedPreKey>,
}

/// A key upload: the signed and last-resort keys replace the stored ones, one-time keys add up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyUpdate {
    pub signed_prekey: Option<SignedPreKey>,
    pub kyber_last_resort: Option<SignedPreKey>,
    pub prekeys: Vec<PreKey>,
    pub kyber_prekeys: Vec<SignedPreKey>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreKeyCounts {
    pub prekeys: usize,
    pub kyber_prekeys: usize,
}

/// What a bundle fetch hands out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredBundle {
    pub name: UserName,
    pub device: u32,
    pub registration_id: u32,
    pub identity_key: Vec<u8>,
    pub signed_prekey: SignedPreKey,
    /// A one-time Kyber prekey, or the last-resort one when none is left.
    pub kyber_prekey: SignedPreKey,
    pub prekey: Option<PreKey>,
}

impl StoredBundle {
    pub(crate) fn assemble(account: AccountRecord, prekey: Option<PreKey>, kyber: Option<SignedPreKey>) -> Self {
        Self {
            name: account.name,
            device: account.device,
            registration_id: account.registration_id,
            identity_key: account.identity_key,
            signed_prekey: account.signed_prekey,
            kyber_prekey: kyber.unwrap_or(account.kyber_last_resort),
            prekey,
        }
    }
}

/// One queued envelope: its sequence number, its id and its protobuf encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueEntry {
    pub seq: u64,
    pub id: Vec<u8>,
    pub envelope: Vec<u8>,
}

/// The keys an identity reset installs: everything registration sets but the name and secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityKeys {
    pub registration_id: u32,
    pub identity_key: Vec<u8>,
    pub signed_prekey: SignedPreKey,
    pub kyber_last_resort: SignedPreKey,
    pub prekeys: Vec<PreKey>,
    pub kyber_prekeys: Vec<SignedPreKey>,
}

/// How an address stands with an account, as far as first contacts go. Blocking is kept apart:
/// a block wins over every standing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Has never delivered to the account, or its request was deleted since.
    Stranger,
    /// Has delivered a first contact that the account has neither accepted nor deleted.
    Requested,
    /// Accepted by the account (it accepted a request or wrote first).
    Contact,
}

/// Where an account stands with a group it was added to (no row: it is not in the group).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupMembership {
    /// In the group: its traffic reaches the account, whoever of the group sends it.
    Member,
    /// Added by someone its setting did not let add it: only that add reached it, and nothing
    /// else of the group does until it joins.
    Invited,
}

/// What a delivery to an account decides on, read at once: its device, whether it blocks the
/// sender, and the sender's standing with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeliveryFacts {
    pub device: u32,
    pub blocked: bool,
    pub standing: Standing,
}

pub use isthmus_proto::api::ReportReason;

/// A message the reporting user chose to include, in plain text: the one place the relay
/// stores message text, by the user's choice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedMessage {
    /// The envelope id, hex.
    pub id: String,
    pub sent_at: u64,
    pub body: String,
}

/// A report as stored on the reporter's relay (never forwarded).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRecord {
    /// 16 random bytes, hex.
    pub id: String,
    /// `name@network` of the reporting account.
    pub reporter: String,
    /// `name@network` of the reported address.
    pub address: String,
    pub reason: ReportReason,
    pub note: String,
    pub messages: Vec<ReportedMessage>,
    pub received_at_ms: u64,
}

/// The interop setting as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct InteropRecord {
    pub networks: Vec<NetworkName>,
}

pub(crate) use isthmus_proto::api::base64_bytes;

pub(crate) mod base64_array {
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8; 32], serializer: S) -> Result<S::Ok, S::Error> {
        super::base64_bytes::serialize(bytes, serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[u8; 32], D::Error> {
        let bytes = super::base64_bytes::deserialize(deserializer)?;
        bytes.try_into().map_err(|_| serde::de::Error::custom("expected 32 bytes"))
    }
}
