//! The sled store as the relay ran it before the SQL stores, kept so that tests can write a
//! database exactly as that relay did and migrate it. Writes are flushed before they return.

use std::collections::BTreeSet;
use std::path::Path;

use async_trait::async_trait;
use isthmus_proto::api::GroupAdds;
use isthmus_proto::{Address, NetworkName, UserName};
use sled::transaction::{ConflictableTransactionError, TransactionError, Transactional as _};

use super::keys::{
    member_key, name_key, nonce_key, prekey_key, prekey_prefix, queue_id_key, queue_key, queue_value, report_key,
    split_queue_value,
};
use super::{backend, decode, read_u64, Tree, SCHEMA_VERSION, SCHEMA_VERSION_KEY};
use crate::store::records::InteropRecord;
use crate::store::{
    AccountRecord, DeviceKey, GroupMembership, IdentityKeys, KeyUpdate, NewAccount, PreKey, PreKeyCounts, QueueEntry,
    RelayStore, ReportRecord, Result, SignedPreKey, Standing, StoreError, StoredBundle,
};

pub struct SledStore {
    db: sled::Db,
    meta: sled::Tree,
    accounts: sled::Tree,
    interop: sled::Tree,
    prekeys: sled::Tree,
    kyber_prekeys: sled::Tree,
    queue: sled::Tree,
    queue_ids: sled::Tree,
    queue_counts: sled::Tree,
    nonces: sled::Tree,
    blocks: sled::Tree,
    contacts: sled::Tree,
    requests: sled::Tree,
    correspondents: sled::Tree,
    reports: sled::Tree,
    /// Makes "count, check the cap, write" one step for prekeys and for the consent sets, which
    /// sled transactions cannot do (they cannot scan).
    count_then_write: std::sync::Mutex<()>,
    /// Makes "take a sequence number and commit" one step, so envelopes become visible in
    /// sequence order. Without it a socket could read seq 11, move its cursor past 10, and only
    /// then see 10 commit, leaving it unpushed until the next connection.
    enqueue_order: std::sync::Mutex<()>,
}

fn from_transaction(error: TransactionError<StoreError>) -> StoreError {
    match error {
        TransactionError::Abort(error) => error,
        TransactionError::Storage(error) => backend(error),
    }
}

fn encode<T: serde::Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|error| StoreError::Backend(error.to_string()))
}

impl SledStore {
    /// Opens (or creates) the database in `path`, checking and migrating its schema version.
    pub fn open(path: &Path) -> Result<Self> {
        let db = sled::Config::new().path(path).open().map_err(backend)?;
        let open = |tree: Tree| db.open_tree(tree.name()).map_err(backend);
        let store = Self {
            meta: open(Tree::Meta)?,
            accounts: open(Tree::Accounts)?,
            interop: open(Tree::Interop)?,
            prekeys: open(Tree::PreKeys)?,
            kyber_prekeys: open(Tree::KyberPreKeys)?,
            queue: open(Tree::Queue)?,
            queue_ids: open(Tree::QueueIds)?,
            queue_counts: open(Tree::QueueCounts)?,
            nonces: open(Tree::Nonces)?,
            blocks: open(Tree::Blocks)?,
            contacts: open(Tree::Contacts)?,
            requests: open(Tree::Requests)?,
            correspondents: open(Tree::Correspondents)?,
            reports: open(Tree::Reports)?,
            count_then_write: std::sync::Mutex::new(()),
            enqueue_order: std::sync::Mutex::new(()),
            db,
        };
        store.migrate()?;
        Ok(store)
    }

    /// Brings an older database up to [`SCHEMA_VERSION`], one ordered step at a time; a new
    /// version adds its step to the `match` below.
    fn migrate(&self) -> Result<()> {
        let found = match self.meta.get(SCHEMA_VERSION_KEY).map_err(backend)? {
            Some(bytes) => {
                let array: [u8; 4] =
                    bytes.as_ref().try_into().map_err(|_| StoreError::Corrupt { what: Tree::Meta.name() })?;
                u32::from_be_bytes(array)
            }
            None => SCHEMA_VERSION,
        };
        if found > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew { found: i64::from(found), known: i64::from(SCHEMA_VERSION) });
        }
        let mut version = found;
        while version < SCHEMA_VERSION {
            version = match version {
                // The consent trees and reports are new and start empty: nothing to convert.
                1 => 2,
                other => return Err(StoreError::Backend(format!("no migration from schema {other}"))),
            };
        }
        self.meta.insert(SCHEMA_VERSION_KEY, &version.to_be_bytes()).map_err(backend)?;
        self.db.flush().map_err(backend)?;
        Ok(())
    }

    /// Makes every write so far durable. The flush runs on tokio's blocking pool: sled's own
    /// `flush_async` runs on its small IO pool, where concurrent flushes could hang.
    async fn durable(&self) -> Result<()> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || db.flush())
            .await
            .map_err(|error| StoreError::Backend(format!("the flush task failed: {error}")))?
            .map_err(backend)?;
        Ok(())
    }

    fn count_prefix(tree: &sled::Tree, prefix: &[u8]) -> Result<usize> {
        let mut count = 0;
        for entry in tree.scan_prefix(prefix).keys() {
            entry.map_err(backend)?;
            count += 1;
        }
        Ok(count)
    }

    /// Removes and returns the lowest-numbered key under `prefix`. `remove` is atomic, so when a
    /// concurrent fetch took a key first, this one moves on to the next.
    fn take_first<T: serde::de::DeserializeOwned>(tree: &sled::Tree, which: Tree, prefix: &[u8]) -> Result<Option<T>> {
        for entry in tree.scan_prefix(prefix).keys() {
            let key = entry.map_err(backend)?;
            if let Some(value) = tree.remove(&key).map_err(backend)? {
                return Ok(Some(decode(which, &value)?));
            }
        }
        Ok(None)
    }

    fn new_keys_count(tree: &sled::Tree, name: &UserName, ids: impl Iterator<Item = u32>) -> Result<usize> {
        let mut count = 0;
        for id in ids {
            if !tree.contains_key(prekey_key(name, id)).map_err(backend)? {
                count += 1;
            }
        }
        Ok(count)
    }
}

#[async_trait]
impl RelayStore for SledStore {
    async fn create_account(&self, account: NewAccount) -> Result<()> {
        let name = account.record.name.clone();
        let record = encode(&account.record)?;
        let prekeys = account
            .prekeys
            .iter()
            .map(|key| Ok((prekey_key(&name, key.id), encode(key)?)))
            .collect::<Result<Vec<_>>>()?;
        let kyber = account
            .kyber_prekeys
            .iter()
            .map(|key| Ok((prekey_key(&name, key.id), encode(key)?)))
            .collect::<Result<Vec<_>>>()?;
        (&self.accounts, &self.prekeys, &self.kyber_prekeys)
            .transaction(|(accounts, prekey_tree, kyber_tree)| {
                if accounts.get(name_key(&name))?.is_some() {
                    return Err(ConflictableTransactionError::Abort(StoreError::NameTaken));
                }
                accounts.insert(name_key(&name), record.clone())?;
                for (key, value) in &prekeys {
                    prekey_tree.insert(key.clone(), value.clone())?;
                }
                for (key, value) in &kyber {
                    kyber_tree.insert(key.clone(), value.clone())?;
                }
                Ok(())
            })
            .map_err(from_transaction)?;
        self.durable().await
    }

    async fn account(&self, name: &UserName) -> Result<Option<AccountRecord>> {
        self.accounts.get(name_key(name)).map_err(backend)?.map(|bytes| decode(Tree::Accounts, &bytes)).transpose()
    }

    async fn update_keys(&self, name: &UserName, update: KeyUpdate, max_stored: usize) -> Result<()> {
        if self.account(name).await?.is_none() {
            return Err(StoreError::UnknownAccount);
        }
        let order = self.count_then_write.lock().expect("the count lock is never poisoned");
        let prefix = prekey_prefix(name);
        let ec_total = Self::count_prefix(&self.prekeys, &prefix)?
            + Self::new_keys_count(&self.prekeys, name, update.prekeys.iter().map(|key| key.id))?;
        let kyber_total = Self::count_prefix(&self.kyber_prekeys, &prefix)?
            + Self::new_keys_count(&self.kyber_prekeys, name, update.kyber_prekeys.iter().map(|key| key.id))?;
        if ec_total > max_stored || kyber_total > max_stored {
            return Err(StoreError::TooManyPreKeys);
        }
        let prekeys = update
            .prekeys
            .iter()
            .map(|key| Ok((prekey_key(name, key.id), encode(key)?)))
            .collect::<Result<Vec<_>>>()?;
        let kyber = update
            .kyber_prekeys
            .iter()
            .map(|key| Ok((prekey_key(name, key.id), encode(key)?)))
            .collect::<Result<Vec<_>>>()?;
        (&self.accounts, &self.prekeys, &self.kyber_prekeys)
            .transaction(|(accounts, prekey_tree, kyber_tree)| {
                let Some(bytes) = accounts.get(name_key(name))? else {
                    return Err(ConflictableTransactionError::Abort(StoreError::UnknownAccount));
                };
                let mut record: AccountRecord =
                    decode(Tree::Accounts, &bytes).map_err(ConflictableTransactionError::Abort)?;
                if let Some(key) = &update.signed_prekey {
                    record.signed_prekey = key.clone();
                }
                if let Some(key) = &update.kyber_last_resort {
                    record.kyber_last_resort = key.clone();
                }
                let encoded = encode(&record).map_err(ConflictableTransactionError::Abort)?;
                accounts.insert(name_key(name), encoded)?;
                for (key, value) in &prekeys {
                    prekey_tree.insert(key.clone(), value.clone())?;
                }
                for (key, value) in &kyber {
                    kyber_tree.insert(key.clone(), value.clone())?;
                }
                Ok(())
            })
            .map_err(from_transaction)?;
        drop(order);
        self.durable().await
    }

    async fn prekey_counts(&self, name: &UserName) -> Result<PreKeyCounts> {
        let prefix = prekey_prefix(name);
        Ok(PreKeyCounts {
            prekeys: Self::count_prefix(&self.prekeys, &prefix)?,
            kyber_prekeys: Self::count_prefix(&self.kyber_prekeys, &prefix)?,
        })
    }

    async fn take_bundle(&self, name: &UserName) -> Result<Option<StoredBundle>> {
        let Some(account) = self.account(name).await? else {
            return Ok(None);
        };
        let prefix = prekey_prefix(name);
        let prekey: Option<PreKey> = Self::take_first(&self.prekeys, Tree::PreKeys, &prefix)?;
        let kyber: Option<SignedPreKey> = Self::take_first(&self.kyber_prekeys, Tree::KyberPreKeys, &prefix)?;
        if prekey.is_some() || kyber.is_some() {
            // A one-time key handed out must stay gone after a crash, or it could be handed out twice.
            self.durable().await?;
        }
        Ok(Some(StoredBundle::assemble(account, prekey, kyber)))
    }

    async fn interop(&self, name: &UserName) -> Result<BTreeSet<NetworkName>> {
        let Some(bytes) = self.interop.get(name_key(name)).map_err(backend)? else {
            return Ok(BTreeSet::new());
        };
        let record: InteropRecord = decode(Tree::Interop, &bytes)?;
        Ok(record.networks.into_iter().collect())
    }

    async fn set_interop(&self, name: &UserName, networks: BTreeSet<NetworkName>) -> Result<()> {
        if self.account(name).await?.is_none() {
            return Err(StoreError::UnknownAccount);
        }
        let record = InteropRecord { networks: networks.into_iter().collect() };
        self.interop.insert(name_key(name), encode(&record)?).map_err(backend)?;
        self.durable().await
    }

    async fn enqueue(&self, device: &DeviceKey, id: &[u8], envelope: &[u8], max_len: usize) -> Result<u64> {
        let value = queue_value(id, envelope)?;
        let count_key = device.to_bytes();
        let id_key = queue_id_key(device, id);
        let order = self.enqueue_order.lock().expect("the enqueue lock is never poisoned");
        // `generate_id` is monotonic across restarts, so queue keys sort in arrival order.
        let seq = self.db.generate_id().map_err(backend)?;
        let entry_key = queue_key(device, seq);
        let seq = (&self.queue, &self.queue_ids, &self.queue_counts)
            .transaction(|(queue, ids, counts)| {
                if let Some(existing) = ids.get(&id_key)? {
                    return read_u64(Tree::QueueIds, &existing).map_err(ConflictableTransactionError::Abort);
                }
                let count = match counts.get(&count_key)? {
                    Some(bytes) => read_u64(Tree::QueueCounts, &bytes).map_err(ConflictableTransactionError::Abort)?,
                    None => 0,
                };
                if count >= max_len as u64 {
                    return Err(ConflictableTransactionError::Abort(StoreError::QueueFull));
                }
                queue.insert(entry_key.clone(), value.clone())?;
                ids.insert(id_key.clone(), &seq.to_be_bytes())?;
                counts.insert(count_key.clone(), &(count + 1).to_be_bytes())?;
                Ok(seq)
            })
            .map_err(from_transaction)?;
        drop(order);
        self.durable().await?;
        Ok(seq)
    }

    async fn queued(&self, device: &DeviceKey, after: Option<u64>, limit: usize) -> Result<Vec<QueueEntry>> {
        let prefix = device.to_bytes();
        let start = match after {
            Some(u64::MAX) => return Ok(Vec::new()),
            Some(seq) => queue_key(device, seq + 1),
            None => prefix.clone(),
        };
        let mut entries = Vec::new();
        for item in self.queue.range(start..) {
            if entries.len() >= limit {
                break;
            }
            let (key, value) = item.map_err(backend)?;
            if !key.starts_with(&prefix) {
                break;
            }
            let seq = read_u64(Tree::Queue, &key[prefix.len()..])?;
            let (id, envelope) = split_queue_value(&value)?;
            entries.push(QueueEntry { seq, id, envelope });
        }
        Ok(entries)
    }

    async fn ack(&self, device: &DeviceKey, ids: &[Vec<u8>]) -> Result<usize> {
        let count_key = device.to_bytes();
        (&self.queue, &self.queue_ids, &self.queue_counts)
            .transaction(|(queue, id_tree, counts)| {
                let mut removed = 0u64;
                for id in ids {
                    if let Some(seq) = id_tree.remove(queue_id_key(device, id))? {
                        let seq = read_u64(Tree::QueueIds, &seq).map_err(ConflictableTransactionError::Abort)?;
                        queue.remove(queue_key(device, seq))?;
                        removed += 1;
                    }
                }
                if removed > 0 {
                    let count = match counts.get(&count_key)? {
                        Some(bytes) => {
                            read_u64(Tree::QueueCounts, &bytes).map_err(ConflictableTransactionError::Abort)?
                        }
                        None => 0,
                    };
                    let left = count.saturating_sub(removed);
                    if left == 0 {
                        counts.remove(count_key.clone())?;
                    } else {
                        counts.insert(count_key.clone(), &left.to_be_bytes())?;
                    }
                }
                Ok(usize::try_from(removed).unwrap_or(usize::MAX))
            })
            .map_err(from_transaction)
    }

    async fn queue_len(&self, device: &DeviceKey) -> Result<usize> {
        match self.queue_counts.get(device.to_bytes()).map_err(backend)? {
            Some(bytes) => Ok(usize::try_from(read_u64(Tree::QueueCounts, &bytes)?).unwrap_or(usize::MAX)),
            None => Ok(0),
        }
    }

    async fn queue_depth(&self) -> Result<u64> {
        let mut total: u64 = 0;
        for entry in self.queue_counts.iter() {
            let (_, bytes) = entry.map_err(backend)?;
            total = total.saturating_add(read_u64(Tree::QueueCounts, &bytes)?);
        }
        Ok(total)
    }

    async fn remember_nonce(&self, origin: &NetworkName, nonce: &str, expires_at_ms: u64) -> Result<bool> {
        let fresh = self
            .nonces
            .compare_and_swap(nonce_key(origin, nonce), None as Option<&[u8]>, Some(&expires_at_ms.to_be_bytes()))
            .map_err(backend)?
            .is_ok();
        if fresh {
            self.durable().await?;
        }
        Ok(fresh)
    }

    async fn prune_nonces(&self, now_ms: u64) -> Result<usize> {
        let mut pruned = 0;
        for item in self.nonces.iter() {
            let (key, value) = item.map_err(backend)?;
            if read_u64(Tree::Nonces, &value)? < now_ms {
                self.nonces.remove(key).map_err(backend)?;
                pruned += 1;
            }
        }
        Ok(pruned)
    }

    async fn flush(&self) -> Result<()> {
        self.durable().await
    }

    async fn replace_identity(&self, name: &UserName, keys: IdentityKeys) -> Result<()> {
        let prekeys = keys.prekeys.iter().map(|key| Ok((key.id, encode(key)?))).collect::<Result<Vec<_>>>()?;
        let kyber = keys.kyber_prekeys.iter().map(|key| Ok((key.id, encode(key)?))).collect::<Result<Vec<_>>>()?;
        let order = self.count_then_write.lock().expect("the count lock is never poisoned");
        // The old one-time keys are listed outside the transaction (it cannot scan); the lock keeps
        // uploads out, and a key a concurrent bundle fetch takes first is simply already gone.
        let prefix = prekey_prefix(name);
        let old_prekeys = self.prekeys.scan_prefix(&prefix).keys().collect::<Result<Vec<_>, _>>().map_err(backend)?;
        let old_kyber =
            self.kyber_prekeys.scan_prefix(&prefix).keys().collect::<Result<Vec<_>, _>>().map_err(backend)?;
        (&self.accounts, &self.prekeys, &self.kyber_prekeys)
            .transaction(|(accounts, prekey_tree, kyber_tree)| {
                let Some(bytes) = accounts.get(name_key(name))? else {
                    return Err(ConflictableTransactionError::Abort(StoreError::UnknownAccount));
                };
                let mut record: AccountRecord =
                    decode(Tree::Accounts, &bytes).map_err(ConflictableTransactionError::Abort)?;
                record.registration_id = keys.registration_id;
                record.identity_key = keys.identity_key.clone();
                record.signed_prekey = keys.signed_prekey.clone();
                record.kyber_last_resort = keys.kyber_last_resort.clone();
                let encoded = encode(&record).map_err(ConflictableTransactionError::Abort)?;
                accounts.insert(name_key(name), encoded)?;
                for key in &old_prekeys {
                    prekey_tree.remove(key.clone())?;
                }
                for key in &old_kyber {
                    kyber_tree.remove(key.clone())?;
                }
                for (id, value) in &prekeys {
                    prekey_tree.insert(prekey_key(name, *id), value.clone())?;
                }
                for (id, value) in &kyber {
                    kyber_tree.insert(prekey_key(name, *id), value.clone())?;
                }
                Ok(())
            })
            .map_err(from_transaction)?;
        drop(order);
        self.durable().await
    }

    async fn block(&self, owner: &UserName, address: &Address, max: usize) -> Result<()> {
        let key = member_key(owner, address);
        let order = self.count_then_write.lock().expect("the count lock is never poisoned");
        if !self.blocks.contains_key(&key).map_err(backend)?
            && Self::count_prefix(&self.blocks, &prekey_prefix(owner))? >= max
        {
            return Err(StoreError::TooManyBlocks);
        }
        let since = crate::clock::now_ms().to_be_bytes();
        (&self.blocks, &self.requests)
            .transaction(|(blocks, requests)| {
                if blocks.get(&key)?.is_none() {
                    blocks.insert(key.clone(), &since)?;
                }
                requests.remove(key.clone())?;
                Ok(())
            })
            .map_err(from_transaction)?;
        drop(order);
        self.durable().await
    }

    async fn unblock(&self, owner: &UserName, address: &Address) -> Result<()> {
        if self.blocks.remove(member_key(owner, address)).map_err(backend)?.is_some() {
            self.durable().await?;
        }
        Ok(())
    }

    async fn is_blocked(&self, owner: &UserName, address: &Address) -> Result<bool> {
        self.blocks.contains_key(member_key(owner, address)).map_err(backend)
    }

    async fn blocks(&self, owner: &UserName) -> Result<Vec<Address>> {
        let prefix = prekey_prefix(owner);
        let mut blocked = Vec::new();
        for key in self.blocks.scan_prefix(&prefix).keys() {
            let key = key.map_err(backend)?;
            let address = std::str::from_utf8(&key[prefix.len()..])
                .ok()
                .and_then(|raw| raw.parse::<Address>().ok())
                .ok_or(StoreError::Corrupt { what: Tree::Blocks.name() })?;
            blocked.push(address);
        }
        blocked.sort();
        Ok(blocked)
    }

    async fn add_contact(&self, owner: &UserName, address: &Address, max: usize) -> Result<()> {
        let key = member_key(owner, address);
        let order = self.count_then_write.lock().expect("the count lock is never poisoned");
        if !self.contacts.contains_key(&key).map_err(backend)?
            && Self::count_prefix(&self.contacts, &prekey_prefix(owner))? >= max
        {
            return Err(StoreError::TooManyContacts);
        }
        let since = crate::clock::now_ms().to_be_bytes();
        (&self.contacts, &self.requests)
            .transaction(|(contacts, requests)| {
                if contacts.get(&key)?.is_none() {
                    contacts.insert(key.clone(), &since)?;
                }
                requests.remove(key.clone())?;
                Ok(())
            })
            .map_err(from_transaction)?;
        drop(order);
        self.durable().await
    }

    async fn standing(&self, owner: &UserName, address: &Address) -> Result<Standing> {
        let key = member_key(owner, address);
        if self.contacts.contains_key(&key).map_err(backend)? {
            return Ok(Standing::Contact);
        }
        if self.requests.contains_key(&key).map_err(backend)? {
            return Ok(Standing::Requested);
        }
        Ok(Standing::Stranger)
    }

    async fn add_request(&self, owner: &UserName, address: &Address, at_ms: u64) -> Result<()> {
        let key = member_key(owner, address);
        let added = (&self.contacts, &self.requests)
            .transaction(|(contacts, requests)| {
                if contacts.get(&key)?.is_some() || requests.get(&key)?.is_some() {
                    return Ok(false);
                }
                requests.insert(key.clone(), &at_ms.to_be_bytes())?;
                Ok(true)
            })
            .map_err(from_transaction)?;
        if added {
            self.durable().await?;
        }
        Ok(())
    }

    async fn delete_request(&self, owner: &UserName, address: &Address) -> Result<()> {
        if self.requests.remove(member_key(owner, address)).map_err(backend)?.is_some() {
            self.durable().await?;
        }
        Ok(())
    }

    async fn request_count(&self, owner: &UserName) -> Result<usize> {
        Self::count_prefix(&self.requests, &prekey_prefix(owner))
    }

    // The relays that wrote sled had neither: nothing old needs them.
    async fn requests(&self, _owner: &UserName) -> Result<Vec<(String, u64)>> {
        Err(StoreError::Backend("the legacy sled store does not list requests".into()))
    }

    async fn add_invite(&self, _token_hash: &str, _expires_at_ms: u64) -> Result<()> {
        Err(StoreError::Backend("the legacy sled store has no invitations".into()))
    }

    async fn take_invite(&self, _token_hash: &str, _now_ms: u64) -> Result<Option<u64>> {
        Err(StoreError::Backend("the legacy sled store has no invitations".into()))
    }

    async fn contacts_only_discovery(&self, _name: &UserName) -> Result<bool> {
        // The relays that wrote sled had no such setting: everyone was discoverable.
        Ok(false)
    }

    async fn set_contacts_only_discovery(&self, _name: &UserName, _only: bool) -> Result<()> {
        Err(StoreError::Backend("the legacy sled store has no discoverability setting".into()))
    }

    async fn group_adds(&self, _name: &UserName) -> Result<GroupAdds> {
        // The relays that wrote sled had no groups: anyone on an allowed network could reach.
        Ok(GroupAdds::Networks)
    }

    async fn set_group_adds(&self, _name: &UserName, _adds: GroupAdds) -> Result<()> {
        Err(StoreError::Backend("the legacy sled store has no group setting".into()))
    }

    async fn group_networks(&self, _name: &UserName) -> Result<BTreeSet<NetworkName>> {
        // The relays that wrote sled had no groups: nobody consented to them across networks.
        Ok(BTreeSet::new())
    }

    async fn set_group_networks(&self, _name: &UserName, _networks: BTreeSet<NetworkName>) -> Result<()> {
        Err(StoreError::Backend("the legacy sled store has no group setting".into()))
    }

    async fn group_membership(&self, _owner: &UserName, _group_id: &[u8]) -> Result<Option<GroupMembership>> {
        Ok(None)
    }

    async fn set_group_membership(
        &self,
        _owner: &UserName,
        _group_id: &[u8],
        _membership: GroupMembership,
        _max: usize,
    ) -> Result<()> {
        Err(StoreError::Backend("the legacy sled store has no groups".into()))
    }

    async fn remove_group_membership(&self, _owner: &UserName, _group_id: &[u8]) -> Result<bool> {
        Err(StoreError::Backend("the legacy sled store has no groups".into()))
    }

    async fn expire_requests(&self, _before_ms: u64) -> Result<usize> {
        Err(StoreError::Backend("the legacy sled store does not expire requests".into()))
    }

    async fn add_correspondent(&self, owner: &UserName, address: &Address) -> Result<bool> {
        let added = self.correspondents.insert(member_key(owner, address), &[]).map_err(backend)?.is_none();
        if added {
            self.durable().await?;
        }
        Ok(added)
    }

    async fn is_correspondent(&self, owner: &UserName, address: &Address) -> Result<bool> {
        self.correspondents.contains_key(member_key(owner, address)).map_err(backend)
    }

    async fn add_report(&self, report: ReportRecord) -> Result<()> {
        let seq = self.db.generate_id().map_err(backend)?;
        self.reports.insert(report_key(&report, seq), encode(&report)?).map_err(backend)?;
        self.durable().await
    }

    async fn reports(&self, limit: usize) -> Result<Vec<ReportRecord>> {
        self.reports
            .iter()
            .values()
            .rev()
            .take(limit)
            .map(|value| decode(Tree::Reports, &value.map_err(backend)?))
            .collect()
    }
}
