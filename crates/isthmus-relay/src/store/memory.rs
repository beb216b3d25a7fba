//! The in-memory store: the reference implementation, used by tests and ephemeral relays.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;

use async_trait::async_trait;
use isthmus_proto::api::GroupAdds;
use isthmus_proto::{Address, NetworkName, UserName, DEFAULT_DEVICE};

use super::{
    AccountRecord, DeviceKey, GroupMembership, IdentityKeys, KeyUpdate, NewAccount, PreKey, PreKeyCounts, QueueEntry,
    RelayStore, ReportRecord, Result, SignedPreKey, Standing, StoreError, StoredBundle,
};

/// Addresses are kept per account, without the device: a block or a contact is about a person.
fn account_of(address: &Address) -> Address {
    Address { device: DEFAULT_DEVICE, ..address.clone() }
}

#[derive(Default)]
struct Queue {
    entries: BTreeMap<u64, (Vec<u8>, Vec<u8>)>,
    ids: HashMap<Vec<u8>, u64>,
}

#[derive(Default)]
struct State {
    accounts: HashMap<UserName, AccountRecord>,
    prekeys: HashMap<UserName, BTreeMap<u32, PreKey>>,
    kyber_prekeys: HashMap<UserName, BTreeMap<u32, SignedPreKey>>,
    interop: HashMap<UserName, BTreeSet<NetworkName>>,
    queues: HashMap<DeviceKey, Queue>,
    next_seq: u64,
    nonces: HashMap<(NetworkName, String), u64>,
    blocks: HashMap<UserName, BTreeSet<Address>>,
    contacts: HashMap<UserName, BTreeSet<Address>>,
    requests: HashMap<UserName, BTreeMap<Address, u64>>,
    correspondents: HashMap<UserName, BTreeSet<Address>>,
    reports: Vec<ReportRecord>,
    invites: HashMap<String, u64>,
    contacts_only_discovery: std::collections::HashSet<UserName>,
    group_adds: HashMap<UserName, GroupAdds>,
    group_networks: HashMap<UserName, BTreeSet<NetworkName>>,
    groups: HashMap<UserName, HashMap<Vec<u8>, GroupMembership>>,
}

/// Everything in one map behind one lock: simple, and every operation is trivially atomic.
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("the memory store lock is never poisoned")
    }
}

#[async_trait]
impl RelayStore for MemoryStore {
    async fn create_account(&self, account: NewAccount) -> Result<()> {
        let mut state = self.state();
        let name = account.record.name.clone();
        if state.accounts.contains_key(&name) {
            return Err(StoreError::NameTaken);
        }
        state.accounts.insert(name.clone(), account.record);
        state.prekeys.insert(name.clone(), account.prekeys.into_iter().map(|key| (key.id, key)).collect());
        state.kyber_prekeys.insert(name, account.kyber_prekeys.into_iter().map(|key| (key.id, key)).collect());
        Ok(())
    }

    async fn account(&self, name: &UserName) -> Result<Option<AccountRecord>> {
        Ok(self.state().accounts.get(name).cloned())
    }

    async fn update_keys(&self, name: &UserName, update: KeyUpdate, max_stored: usize) -> Result<()> {
        let mut state = self.state();
        if !state.accounts.contains_key(name) {
            return Err(StoreError::UnknownAccount);
        }
        let ec = state.prekeys.entry(name.clone()).or_default();
        let new_ec = update.prekeys.iter().filter(|key| !ec.contains_key(&key.id)).count();
        let ec_total = ec.len() + new_ec;
        let kyber = state.kyber_prekeys.entry(name.clone()).or_default();
        let new_kyber = update.kyber_prekeys.iter().filter(|key| !kyber.contains_key(&key.id)).count();
        if ec_total > max_stored || kyber.len() + new_kyber > max_stored {
            return Err(StoreError::TooManyPreKeys);
        }
        kyber.extend(update.kyber_prekeys.into_iter().map(|key| (key.id, key)));
        state.prekeys.entry(name.clone()).or_default().extend(update.prekeys.into_iter().map(|key| (key.id, key)));
        let account = state.accounts.get_mut(name).expect("checked above under the same lock");
        if let Some(key) = update.signed_prekey {
            account.signed_prekey = key;
        }
        if let Some(key) = update.kyber_last_resort {
            account.kyber_last_resort = key;
        }
        Ok(())
    }

    async fn prekey_counts(&self, name: &UserName) -> Result<PreKeyCounts> {
        let state = self.state();
        Ok(PreKeyCounts {
            prekeys: state.prekeys.get(name).map_or(0, BTreeMap::len),
            kyber_prekeys: state.kyber_prekeys.get(name).map_or(0, BTreeMap::len),
        })
    }

    async fn take_bundle(&self, name: &UserName) -> Result<Option<StoredBundle>> {
        let mut state = self.state();
        let Some(account) = state.accounts.get(name).cloned() else {
            return Ok(None);
        };
        let prekey = state.prekeys.get_mut(name).and_then(|keys| keys.pop_first()).map(|(_, key)| key);
        let kyber = state.kyber_prekeys.get_mut(name).and_then(|keys| keys.pop_first()).map(|(_, key)| key);
        Ok(Some(StoredBundle::assemble(account, prekey, kyber)))
    }

    async fn interop(&self, name: &UserName) -> Result<BTreeSet<NetworkName>> {
        Ok(self.state().interop.get(name).cloned().unwrap_or_default())
    }

    async fn set_interop(&self, name: &UserName, networks: BTreeSet<NetworkName>) -> Result<()> {
        let mut state = self.state();
        if !state.accounts.contains_key(name) {
            return Err(StoreError::UnknownAccount);
        }
        state.interop.insert(name.clone(), networks);
        Ok(())
    }

    async fn enqueue(&self, device: &DeviceKey, id: &[u8], envelope: &[u8], max_len: usize) -> Result<u64> {
        let mut state = self.state();
        state.next_seq += 1;
        let seq = state.next_seq;
        let queue = state.queues.entry(device.clone()).or_default();
        if let Some(existing) = queue.ids.get(id) {
            return Ok(*existing);
        }
        if queue.entries.len() >= max_len {
            return Err(StoreError::QueueFull);
        }
        queue.entries.insert(seq, (id.to_vec(), envelope.to_vec()));
        queue.ids.insert(id.to_vec(), seq);
        Ok(seq)
    }

    async fn queued(&self, device: &DeviceKey, after: Option<u64>, limit: usize) -> Result<Vec<QueueEntry>> {
        let state = self.state();
        let Some(queue) = state.queues.get(device) else {
            return Ok(Vec::new());
        };
        let start = after.map_or(0, |seq| seq.saturating_add(1));
        Ok(queue
            .entries
            .range(start..)
            .take(limit)
            .map(|(seq, (id, envelope))| QueueEntry { seq: *seq, id: id.clone(), envelope: envelope.clone() })
            .collect())
    }

    async fn ack(&self, device: &DeviceKey, ids: &[Vec<u8>]) -> Result<usize> {
        let mut state = self.state();
        let Some(queue) = state.queues.get_mut(device) else {
            return Ok(0);
        };
        let mut removed = 0;
        for id in ids {
            if let Some(seq) = queue.ids.remove(id) {
                queue.entries.remove(&seq);
                removed += 1;
            }
        }
        if queue.entries.is_empty() {
            state.queues.remove(device);
        }
        Ok(removed)
    }

    async fn queue_len(&self, device: &DeviceKey) -> Result<usize> {
        Ok(self.state().queues.get(device).map_or(0, |queue| queue.entries.len()))
    }

    async fn queue_depth(&self) -> Result<u64> {
        let total: usize = self.state().queues.values().map(|queue| queue.entries.len()).sum();
        Ok(u64::try_from(total).unwrap_or(u64::MAX))
    }

    async fn remember_nonce(&self, origin: &NetworkName, nonce: &str, expires_at_ms: u64) -> Result<bool> {
        let mut state = self.state();
        let key = (origin.clone(), nonce.to_owned());
        if state.nonces.contains_key(&key) {
            return Ok(false);
        }
        state.nonces.insert(key, expires_at_ms);
        Ok(true)
    }

    async fn prune_nonces(&self, now_ms: u64) -> Result<usize> {
        let mut state = self.state();
        let before = state.nonces.len();
        state.nonces.retain(|_, expires| *expires >= now_ms);
        Ok(before - state.nonces.len())
    }

    async fn flush(&self) -> Result<()> {
        Ok(())
    }

    async fn replace_identity(&self, name: &UserName, keys: IdentityKeys) -> Result<()> {
        let mut state = self.state();
        let account = state.accounts.get_mut(name).ok_or(StoreError::UnknownAccount)?;
        account.registration_id = keys.registration_id;
        account.identity_key = keys.identity_key;
        account.signed_prekey = keys.signed_prekey;
        account.kyber_last_resort = keys.kyber_last_resort;
        state.prekeys.insert(name.clone(), keys.prekeys.into_iter().map(|key| (key.id, key)).collect());
        state.kyber_prekeys.insert(name.clone(), keys.kyber_prekeys.into_iter().map(|key| (key.id, key)).collect());
        Ok(())
    }

    async fn block(&self, owner: &UserName, address: &Address, max: usize) -> Result<()> {
        let address = account_of(address);
        let mut state = self.state();
        let blocks = state.blocks.entry(owner.clone()).or_default();
        if !blocks.contains(&address) {
            if blocks.len() >= max {
                return Err(StoreError::TooManyBlocks);
            }
            blocks.insert(address.clone());
        }
        if let Some(requests) = state.requests.get_mut(owner) {
            requests.remove(&address);
        }
        Ok(())
    }

    async fn unblock(&self, owner: &UserName, address: &Address) -> Result<()> {
        if let Some(blocks) = self.state().blocks.get_mut(owner) {
            blocks.remove(&account_of(address));
        }
        Ok(())
    }

    async fn is_blocked(&self, owner: &UserName, address: &Address) -> Result<bool> {
        Ok(self.state().blocks.get(owner).is_some_and(|blocks| blocks.contains(&account_of(address))))
    }

    async fn blocks(&self, owner: &UserName) -> Result<Vec<Address>> {
        Ok(self.state().blocks.get(owner).map(|blocks| blocks.iter().cloned().collect()).unwrap_or_default())
    }

    async fn add_contact(&self, owner: &UserName, address: &Address, max: usize) -> Result<()> {
        let address = account_of(address);
        let mut state = self.state();
        let contacts = state.contacts.entry(owner.clone()).or_default();
        if !contacts.contains(&address) {
            if contacts.len() >= max {
                return Err(StoreError::TooManyContacts);
            }
            contacts.insert(address.clone());
        }
        if let Some(requests) = state.requests.get_mut(owner) {
            requests.remove(&address);
        }
        Ok(())
    }

    async fn standing(&self, owner: &UserName, address: &Address) -> Result<Standing> {
        let address = account_of(address);
        let state = self.state();
        if state.contacts.get(owner).is_some_and(|contacts| contacts.contains(&address)) {
            return Ok(Standing::Contact);
        }
        if state.requests.get(owner).is_some_and(|requests| requests.contains_key(&address)) {
            return Ok(Standing::Requested);
        }
        Ok(Standing::Stranger)
    }

    async fn add_request(&self, owner: &UserName, address: &Address, at_ms: u64) -> Result<()> {
        let address = account_of(address);
        let mut state = self.state();
        if state.contacts.get(owner).is_some_and(|contacts| contacts.contains(&address)) {
            return Ok(());
        }
        state.requests.entry(owner.clone()).or_default().entry(address).or_insert(at_ms);
        Ok(())
    }

    async fn delete_request(&self, owner: &UserName, address: &Address) -> Result<()> {
        if let Some(requests) = self.state().requests.get_mut(owner) {
            requests.remove(&account_of(address));
        }
        Ok(())
    }

    async fn request_count(&self, owner: &UserName) -> Result<usize> {
        Ok(self.state().requests.get(owner).map_or(0, BTreeMap::len))
    }

    async fn requests(&self, owner: &UserName) -> Result<Vec<(String, u64)>> {
        let state = self.state();
        let mut requests: Vec<(String, u64)> = state
            .requests
            .get(owner)
            .map(|requests| requests.iter().map(|(address, at)| (address.account(), *at)).collect())
            .unwrap_or_default();
        requests.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        Ok(requests)
    }

    async fn add_invite(&self, token_hash: &str, expires_at_ms: u64) -> Result<()> {
        self.state().invites.insert(token_hash.to_owned(), expires_at_ms);
        Ok(())
    }

    async fn take_invite(&self, token_hash: &str, now_ms: u64) -> Result<Option<u64>> {
        Ok(self.state().invites.remove(token_hash).filter(|expires| *expires >= now_ms))
    }

    async fn contacts_only_discovery(&self, name: &UserName) -> Result<bool> {
        Ok(self.state().contacts_only_discovery.contains(name))
    }

    async fn set_contacts_only_discovery(&self, name: &UserName, only: bool) -> Result<()> {
        let mut state = self.state();
        if only {
            state.contacts_only_discovery.insert(name.clone());
        } else {
            state.contacts_only_discovery.remove(name);
        }
        Ok(())
    }

    async fn group_adds(&self, name: &UserName) -> Result<GroupAdds> {
        Ok(self.state().group_adds.get(name).copied().unwrap_or_default())
    }

    async fn set_group_adds(&self, name: &UserName, adds: GroupAdds) -> Result<()> {
        self.state().group_adds.insert(name.clone(), adds);
        Ok(())
    }

    async fn group_networks(&self, name: &UserName) -> Result<BTreeSet<NetworkName>> {
        Ok(self.state().group_networks.get(name).cloned().unwrap_or_default())
    }

    async fn set_group_networks(&self, name: &UserName, networks: BTreeSet<NetworkName>) -> Result<()> {
        self.state().group_networks.insert(name.clone(), networks);
        Ok(())
    }

    async fn group_membership(&self, owner: &UserName, group_id: &[u8]) -> Result<Option<GroupMembership>> {
        Ok(self.state().groups.get(owner).and_then(|groups| groups.get(group_id)).copied())
    }

    async fn set_group_membership(
        &self,
        owner: &UserName,
        group_id: &[u8],
        membership: GroupMembership,
        max: usize,
    ) -> Result<()> {
        let mut state = self.state();
        let groups = state.groups.entry(owner.clone()).or_default();
        if !groups.contains_key(group_id) && groups.len() >= max {
            return Err(StoreError::TooManyGroups);
        }
        groups.insert(group_id.to_vec(), membership);
        Ok(())
    }

    async fn remove_group_membership(&self, owner: &UserName, group_id: &[u8]) -> Result<bool> {
        Ok(self.state().groups.get_mut(owner).is_some_and(|groups| groups.remove(group_id).is_some()))
    }

    async fn expire_requests(&self, before_ms: u64) -> Result<usize> {
        let mut state = self.state();
        let mut expired = 0;
        for requests in state.requests.values_mut() {
            let before = requests.len();
            requests.retain(|_, at| *at >= before_ms);
            expired += before - requests.len();
        }
        Ok(expired)
    }

    async fn add_correspondent(&self, owner: &UserName, address: &Address) -> Result<bool> {
        Ok(self.state().correspondents.entry(owner.clone()).or_default().insert(account_of(address)))
    }

    async fn is_correspondent(&self, owner: &UserName, address: &Address) -> Result<bool> {
        Ok(self.state().correspondents.get(owner).is_some_and(|known| known.contains(&account_of(address))))
    }

    async fn add_report(&self, report: ReportRecord) -> Result<()> {
        self.state().reports.push(report);
        Ok(())
    }

    async fn reports(&self, limit: usize) -> Result<Vec<ReportRecord>> {
        // Newest arrival first, then a stable sort by time: ties keep arrival order, newest first.
        let mut reports: Vec<ReportRecord> = self.state().reports.iter().rev().cloned().collect();
        reports.sort_by_key(|report| std::cmp::Reverse(report.received_at_ms));
        reports.truncate(limit);
        Ok(reports)
    }
}
