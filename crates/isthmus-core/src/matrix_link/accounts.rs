//! Matrix accounts of the profile, sealed in `Tree::LinkedAccounts`.

use isthmus_proto::{Address, NetworkName, UserName};
use serde::{Deserialize, Serialize};

use crate::store::{SealedStore, Tree};
use crate::tx::{decode_json, Tx};
use crate::{Error, Result};

/// One Matrix account, as stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MatrixAccount {
    /// `@name:server`.
    pub user_id: String,
    /// The homeserver's base URL the client talks to (discovered or given).
    pub homeserver: String,
    pub device_id: String,
    /// Whether the user turned Matrix on for this account (under `disclosure_version`).
    pub enabled: bool,
    pub disclosure_version: Option<String>,
    pub added_at: u64,
    /// The client's session (access token and the like), opaque to the engine. Never leaves
    /// the profile: not in `MatrixAccountInfo`, not in logs.
    #[serde(default)]
    pub session: serde_json::Value,
}

impl MatrixAccount {
    pub fn address(&self) -> Result<Address> {
        matrix_address(&self.user_id)
    }
}

/// What the UI and scripts see of a Matrix account (no session).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MatrixAccountInfo {
    /// `@name:server`.
    pub user_id: String,
    /// The same id written as an address (`name@server`): the `account` of its chats.
    pub address: String,
    pub homeserver: String,
    pub device_id: String,
    pub enabled: bool,
}

impl From<&MatrixAccount> for MatrixAccountInfo {
    fn from(account: &MatrixAccount) -> Self {
        MatrixAccountInfo {
            user_id: account.user_id.clone(),
            address: account.address().map(|a| a.account()).unwrap_or_default(),
            homeserver: account.homeserver.clone(),
            device_id: account.device_id.clone(),
            enabled: account.enabled,
        }
    }
}

/// A Matrix id `@name:server` written as the address its chats carry, `name@server`. Ids that
/// an address cannot hold (a server name with a port, an upper-case or over-long historical
/// name) are refused with the reason, rather than shown as someone else.
pub fn matrix_address(user_id: &str) -> Result<Address> {
    let invalid = |why: &str| Error::InvalidMatrixId(format!("{user_id}: {why}"));
    let rest = user_id.strip_prefix('@').ok_or_else(|| invalid("a Matrix id starts with '@'"))?;
    let (name, server) = rest.split_once(':').ok_or_else(|| invalid("a Matrix id is @name:server"))?;
    let name = UserName::parse(name).map_err(|e| invalid(&e.to_string()))?;
    let server = NetworkName::parse(server).map_err(|e| invalid(&e.to_string()))?;
    Ok(Address::new(name, server))
}

fn key(store: &SealedStore, user_id: &str) -> [u8; 32] {
    store.name_key("matrix-account", user_id.as_bytes())
}

pub fn load(store: &SealedStore, user_id: &str) -> Result<Option<MatrixAccount>> {
    store.get_json(Tree::LinkedAccounts, &key(store, user_id)).map_err(Into::into)
}

/// The Matrix account whose chats carry `address`, if there is one.
pub fn by_address(store: &SealedStore, address: &Address) -> Result<Option<MatrixAccount>> {
    Ok(load_all(store)?.into_iter().find(|account| account.address().is_ok_and(|a| a == *address)))
}

pub fn load_all(store: &SealedStore) -> Result<Vec<MatrixAccount>> {
    let mut accounts = store
        .scan_prefix(Tree::LinkedAccounts, &[])?
        .into_iter()
        .map(|(_, bytes)| decode_json::<MatrixAccount>(&bytes))
        .collect::<Result<Vec<_>>>()?;
    accounts.sort_by_key(|a| a.added_at);
    Ok(accounts)
}

pub fn save(tx: &mut Tx, account: &MatrixAccount) -> Result<()> {
    tx.put_json(Tree::LinkedAccounts, key(tx.store(), &account.user_id).to_vec(), account)
}

pub fn remove(tx: &mut Tx, user_id: &str) {
    let key = key(tx.store(), user_id);
    tx.remove(Tree::LinkedAccounts, key.to_vec());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_matrix_id_becomes_the_address_of_its_chats() {
        assert_eq!(matrix_address("@alice:example.org").expect("valid").account(), "alice@example.org");
    }

    #[test]
    fn ids_an_address_cannot_hold_are_refused_with_the_reason() {
        for (id, why) in [
            ("alice:example.org", "starts with '@'"),
            ("@alice", "@name:server"),
            ("@Alice:example.org", "lower-case"),
            ("@alice:localhost:8448", "only a-z"),
        ] {
            let error = matrix_address(id).expect_err(id).to_string();
            assert!(error.contains(id) && error.contains(why), "{id}: {error}");
        }
    }
}
