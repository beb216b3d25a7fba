//! Accounts: a profile holds several, each on its own network's relay.

use isthmus_proto::{Address, NetworkName};
use serde::{Deserialize, Serialize};

use crate::store::{SealedStore, Tree};
use crate::tx::{decode_json, Tx};
use crate::Result;

/// One account of the profile, as stored (sealed) in `Tree::Accounts`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccountRecord {
    pub address: Address,
    /// The base URL of this account's own relay, e.g. `https://meadow.example`.
    pub relay_url: String,
    /// The device secret the relay issued at registration; the relay keeps only its hash.
    pub secret: String,
    pub registration_id: u32,
    pub created_at: u64,
    /// The networks allowed to reach this account (mirrors the relay's setting).
    pub interop: Vec<NetworkName>,
    /// The next ids to use when generating one-time prekeys.
    pub next_prekey_id: u32,
    pub next_kyber_prekey_id: u32,
    /// How this device trusts the relay (a private CA, plain HTTP allowed by name). Absent in
    /// records from before TLS: those trust the usual roots.
    #[serde(default)]
    pub trust: crate::relay_client::RelayTrust,
}

/// What the UI and scripts see of an account (no secrets).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize)]
pub struct AccountInfo {
    pub address: String,
    pub network: String,
    pub relay_url: String,
    pub interop: Vec<String>,
    /// Whether the relay is trusted through a CA certificate the user added.
    pub private_ca: bool,
}

impl From<&AccountRecord> for AccountInfo {
    fn from(record: &AccountRecord) -> Self {
        AccountInfo {
            address: record.address.to_string(),
            network: record.address.network.to_string(),
            relay_url: record.relay_url.clone(),
            interop: record.interop.iter().map(ToString::to_string).collect(),
            private_ca: record.trust.ca_pem.is_some(),
        }
    }
}

/// The store key that names an account without revealing it: a keyed hash of `name@network`.
/// Every per-account record (keys, sessions, conversations) is prefixed with it.
pub fn account_key(store: &SealedStore, address: &Address) -> [u8; 32] {
    store.name_key("account", address.account().as_bytes())
}

/// A keyed hash of a remote address, used inside an account's prefix.
pub fn peer_key(store: &SealedStore, peer: &Address) -> [u8; 32] {
    peer_account_key(store, &peer.account())
}

/// `peer_key` from the remote account's `name@network` as libsignal names it.
fn peer_account_key(store: &SealedStore, peer_account: &str) -> [u8; 32] {
    store.name_key("peer", peer_account.as_bytes())
}

/// The one key of a remote device's Signal records (its session, its identity) under an account:
/// the account's key, the peer's keyed hash, the device id.
pub fn peer_device_key(store: &SealedStore, account_key: &[u8], peer_account: &str, device: u32) -> Vec<u8> {
    let mut key = Vec::with_capacity(account_key.len() + 32 + 4);
    key.extend_from_slice(account_key);
    key.extend_from_slice(&peer_account_key(store, peer_account));
    key.extend_from_slice(&device.to_be_bytes());
    key
}

pub fn load(store: &SealedStore, address: &Address) -> Result<Option<AccountRecord>> {
    match store.get(Tree::Accounts, &account_key(store, address))? {
        Some(bytes) => Ok(Some(decode_json(&bytes)?)),
        None => Ok(None),
    }
}

pub fn load_all(store: &SealedStore) -> Result<Vec<AccountRecord>> {
    let mut accounts = store
        .scan_prefix(Tree::Accounts, &[])?
        .into_iter()
        .map(|(_, bytes)| decode_json::<AccountRecord>(&bytes))
        .collect::<Result<Vec<_>>>()?;
    accounts.sort_by_key(|a| a.created_at);
    Ok(accounts)
}

pub fn save(tx: &mut Tx, record: &AccountRecord) -> Result<()> {
    let key = account_key(tx.store(), &record.address);
    tx.put_json(Tree::Accounts, key.to_vec(), record)
}
