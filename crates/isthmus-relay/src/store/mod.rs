//! Relay state behind one trait, with SQL implementations (SQLite, the embedded default, and
//! PostgreSQL for networks whose relays share a database) and an in-memory one. All of them
//! pass one conformance suite (`conformance`, behind the `testing` feature).
//!
//! Every write a client is told succeeded is durable when the method returns: the SQL stores
//! commit before they answer, so a killed process loses nothing that was acknowledged. Acks are
//! the one exception: losing an ack only means a redelivery, which clients drop by envelope id.

#[cfg(feature = "testing")]
pub mod conformance;
mod memory;
mod open;
mod records;
pub mod sled_legacy;
pub mod sql;

use std::collections::BTreeSet;

use async_trait::async_trait;
use isthmus_proto::api::GroupAdds;
use isthmus_proto::{Address, NetworkName, UserName};

pub use memory::MemoryStore;
pub use open::open;
pub use records::{
    AccountRecord, DeliveryFacts, DeviceKey, GroupMembership, IdentityKeys, KeyUpdate, NewAccount, PreKey,
    PreKeyCounts, QueueEntry, ReportReason, ReportRecord, ReportedMessage, SignedPreKey, Standing, StoredBundle,
};
pub use sql::{Access, ImportCounts, ImportRecord, SqlStore};

/// The SQLite database's file inside a relay's data folder.
pub const SQLITE_FILE: &str = "relay.sqlite3";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the name is taken")]
    NameTaken,
    #[error("no such account")]
    UnknownAccount,
    #[error("the queue is full")]
    QueueFull,
    #[error("too many one-time prekeys")]
    TooManyPreKeys,
    #[error("too many blocked addresses")]
    TooManyBlocks,
    #[error("too many contacts")]
    TooManyContacts,
    #[error("too many groups")]
    TooManyGroups,
    #[error("the database is from a newer relay (schema {found}, this relay knows {known})")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("the database is from an older relay (schema {found}, this relay knows {known}): start the relay once to upgrade it")]
    SchemaTooOld { found: i64, known: i64 },
    #[error("corrupt record in {what}")]
    Corrupt { what: &'static str },
    #[error("the store was opened to read only")]
    ReadOnly,
    #[error("the store holds data already")]
    NotEmpty,
    #[error(
        "{} holds the database of an older relay: move it over with `isthmus-relay migrate-from-sled --from {}` \
         (or move the folder away to start empty)",
        .0.display(),
        .0.parent().unwrap_or(.0).display()
    )]
    UnmigratedSled(std::path::PathBuf),
    #[error("database: {0}")]
    Backend(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Everything the relay keeps.
#[async_trait]
pub trait RelayStore: Send + Sync + 'static {
    /// Creates an account with its first keys, all or nothing; `NameTaken` if the name exists.
    async fn create_account(&self, account: NewAccount) -> Result<()>;

    async fn account(&self, name: &UserName) -> Result<Option<AccountRecord>>;

    /// Replaces the signed and last-resort keys given and adds one-time keys to those stored.
    /// `TooManyPreKeys` (and nothing written) if the account would hold more than `max_stored`
    /// one-time keys of a kind.
    async fn update_keys(&self, name: &UserName, update: KeyUpdate, max_stored: usize) -> Result<()>;

    async fn prekey_counts(&self, name: &UserName) -> Result<PreKeyCounts>;

    /// A bundle for `name`, consuming one one-time EC prekey (if any) and one one-time Kyber prekey
    /// (else the last-resort one falls in). Two concurrent fetches never get the same one-time key.
    async fn take_bundle(&self, name: &UserName) -> Result<Option<StoredBundle>>;

    /// The other networks allowed to reach the account (empty for an unknown account).
    async fn interop(&self, name: &UserName) -> Result<BTreeSet<NetworkName>>;

    async fn set_interop(&self, name: &UserName, networks: BTreeSet<NetworkName>) -> Result<()>;

    /// Appends an encoded envelope to a device's queue and returns its sequence number, durably.
    /// Enqueuing an id that is already queued returns the existing sequence number and stores
    /// nothing, so a sender's retry is harmless. `QueueFull` when the queue holds `max_len`
    /// envelopes. Sequence numbers grow across restarts, and a queue's envelopes become visible
    /// in sequence order: a reader that has seen one has seen every earlier one.
    async fn enqueue(&self, device: &DeviceKey, id: &[u8], envelope: &[u8], max_len: usize) -> Result<u64>;

    /// Up to `limit` queued envelopes with sequence numbers above `after`, in order.
    async fn queued(&self, device: &DeviceKey, after: Option<u64>, limit: usize) -> Result<Vec<QueueEntry>>;

    /// Deletes the envelopes with these ids; returns how many were queued. The deletion may take
    /// effect a moment after the return (SQLite commits it with the next batch of writes, so a
    /// socket need not wait for an fsync per ack): until then a reader may still see the
    /// envelopes, and a crash may bring them back. Either only means a redelivery, which clients
    /// drop by envelope id. Writes that count the queue (`enqueue`'s limit) see it at once, and
    /// `flush` waits for it.
    async fn ack(&self, device: &DeviceKey, ids: &[Vec<u8>]) -> Result<usize>;

    async fn queue_len(&self, device: &DeviceKey) -> Result<usize>;

    /// Envelopes waiting in all queues together, for the operator's `queue_depth` gauge.
    async fn queue_depth(&self) -> Result<u64>;

    /// Records a federation nonce until `expires_at_ms`. `false` if it was already recorded: a
    /// replay. Durable, so a restart cannot reopen the replay window.
    async fn remember_nonce(&self, origin: &NetworkName, nonce: &str, expires_at_ms: u64) -> Result<bool>;

    /// Forgets nonces that expired before `now_ms`; returns how many.
    async fn prune_nonces(&self, now_ms: u64) -> Result<usize>;

    /// Returns once every write that has returned is on disk. The stores are durable at commit,
    /// so this only waits for writes still in flight, such as acks; the relay calls it when it
    /// shuts down.
    async fn flush(&self) -> Result<()>;

    /// Flushes, then closes the store's connections: the last call a relay makes when it shuts
    /// down, so that its files are settled (SQLite folds its write-ahead log into the database
    /// and deletes it) by the time `shutdown` returns. Nothing uses the store afterwards.
    async fn close(&self) -> Result<()> {
        self.flush().await
    }

    /// Replaces the account's registration id, identity key, signed and last-resort keys, and all
    /// its one-time keys (the old ones are deleted), all or nothing.
    async fn replace_identity(&self, name: &UserName, keys: IdentityKeys) -> Result<()>;

    /// Blocks `address` for `owner` (idempotent) and forgets its pending request. `TooManyBlocks`
    /// (and nothing written) when `owner` already blocks `max` other addresses.
    async fn block(&self, owner: &UserName, address: &Address, max: usize) -> Result<()>;

    /// Lifts a block (a no-op when there is none). The address is a stranger again.
    async fn unblock(&self, owner: &UserName, address: &Address) -> Result<()>;

    async fn is_blocked(&self, owner: &UserName, address: &Address) -> Result<bool>;

    /// The addresses `owner` blocks, sorted.
    async fn blocks(&self, owner: &UserName) -> Result<Vec<Address>>;

    /// Marks `address` as a contact of `owner` (idempotent), ending any pending request.
    /// `TooManyContacts` (and nothing written) when `owner` already has `max` contacts.
    async fn add_contact(&self, owner: &UserName, address: &Address, max: usize) -> Result<()>;

    async fn standing(&self, owner: &UserName, address: &Address) -> Result<Standing>;

    /// What a delivery from `sender` to `owner` decides on (`None`: no such account), as
    /// `account`, `is_blocked` and `standing` would answer. Every delivery asks, so the SQL
    /// stores answer in one statement.
    async fn delivery_facts(&self, owner: &UserName, sender: &Address) -> Result<Option<DeliveryFacts>> {
        let Some(account) = self.account(owner).await? else {
            return Ok(None);
        };
        Ok(Some(DeliveryFacts {
            device: account.device,
            blocked: self.is_blocked(owner, sender).await?,
            standing: self.standing(owner, sender).await?,
        }))
    }

    /// Records a pending request (a first contact) from `address`, unless it is a contact.
    async fn add_request(&self, owner: &UserName, address: &Address, at_ms: u64) -> Result<()>;

    /// Forgets a pending request (a no-op for contacts and strangers).
    async fn delete_request(&self, owner: &UserName, address: &Address) -> Result<()>;

    /// How many pending requests `owner` has.
    async fn request_count(&self, owner: &UserName) -> Result<usize>;

    /// The account's pending requests, oldest first: who (`name@network`) and since when (ms).
    async fn requests(&self, owner: &UserName) -> Result<Vec<(String, u64)>>;

    /// Ends every pending request that arrived before `before_ms`: its sender is a stranger again
    /// and its slot is free. Returns how many.
    async fn expire_requests(&self, before_ms: u64) -> Result<usize>;

    /// Stores an invitation to register: the SHA-256 (hex) of its token, valid until
    /// `expires_at_ms`.
    async fn add_invite(&self, token_hash: &str, expires_at_ms: u64) -> Result<()>;

    /// Uses up the invitation whose token hashes to `token_hash`: its expiry when it existed and
    /// was valid at `now_ms`, else `None` (an expired one is gone as well).
    async fn take_invite(&self, token_hash: &str, now_ms: u64) -> Result<Option<u64>>;

    /// Whether only the account's contacts and correspondents may look it up.
    async fn contacts_only_discovery(&self, name: &UserName) -> Result<bool>;

    /// Sets who may look the account up: `true` for its contacts and correspondents only.
    async fn set_contacts_only_discovery(&self, name: &UserName, only: bool) -> Result<()>;

    /// Who may add the account to a group (`Networks` when it never chose): the recipient's
    /// relay decides with it whether an add makes a member or only an invitation.
    async fn group_adds(&self, name: &UserName) -> Result<GroupAdds>;

    async fn set_group_adds(&self, name: &UserName, adds: GroupAdds) -> Result<()>;

    /// The other networks whose people may add the account to groups (empty when never set): it
    /// allowed them under a disclosure that says what groups do across networks.
    async fn group_networks(&self, name: &UserName) -> Result<BTreeSet<NetworkName>>;

    /// Replaces the set as a whole.
    async fn set_group_networks(&self, name: &UserName, networks: BTreeSet<NetworkName>) -> Result<()>;

    /// Where `owner` stands with the group `group_id` (`None`: not in it). Group traffic reaches
    /// an account only as a `Member`, so every group delivery asks.
    async fn group_membership(&self, owner: &UserName, group_id: &[u8]) -> Result<Option<GroupMembership>>;

    /// Records (or changes) `owner`'s standing with a group. `TooManyGroups` (and nothing written)
    /// when the group is new to `owner` and it already has `max` memberships: anyone may add
    /// anyone, so without a cap adds could grow an account's rows without bound. Changing an
    /// existing row never counts.
    async fn set_group_membership(
        &self,
        owner: &UserName,
        group_id: &[u8],
        membership: GroupMembership,
        max: usize,
    ) -> Result<()>;

    /// Forgets `owner`'s standing with a group (it left or declined); `true` if there was one.
    async fn remove_group_membership(&self, owner: &UserName, group_id: &[u8]) -> Result<bool>;

    /// Remembers that `owner` and `address` have exchanged a message (either way); `true` if new.
    async fn add_correspondent(&self, owner: &UserName, address: &Address) -> Result<bool>;

    async fn is_correspondent(&self, owner: &UserName, address: &Address) -> Result<bool>;

    /// Stores a report durably.
    async fn add_report(&self, report: ReportRecord) -> Result<()>;

    /// Up to `limit` reports, newest first.
    async fn reports(&self, limit: usize) -> Result<Vec<ReportRecord>>;

    /// Deletes from a device's queue every envelope whose encoding `doomed` picks, durably;
    /// returns how many. Built on `queued` and `ack`, then flushed: unlike an ack, a purge that a
    /// crash undid would hand back envelopes the account has refused.
    async fn purge(
        &self,
        device: &DeviceKey,
        doomed: &(dyn for<'a> Fn(&'a [u8]) -> bool + Send + Sync),
    ) -> Result<usize> {
        let mut ids = Vec::new();
        let mut cursor = None;
        loop {
            let page = self.queued(device, cursor, PURGE_PAGE).await?;
            let full = page.len() == PURGE_PAGE;
            for entry in page {
                cursor = Some(entry.seq);
                if doomed(&entry.envelope) {
                    ids.push(entry.id);
                }
            }
            if !full {
                break;
            }
        }
        if ids.is_empty() {
            return Ok(0);
        }
        let removed = self.ack(device, &ids).await?;
        self.flush().await?;
        Ok(removed)
    }
}

/// How many queued envelopes a purge reads at a time.
const PURGE_PAGE: usize = 500;
