//! Bulk writes for `migrate-from-sled`: the records an older relay kept, written as they were
//! (times included), in one transaction: a migration that fails half-way leaves nothing behind
//! and can simply run again.

use isthmus_proto::{Address, NetworkName, UserName};
use serde::Serialize;

use super::db::{query, Conn};
use super::members::Imported;
use super::{accounts, interop, members, nonces, queue, reports, Result, SqlStore, StoreError};
use crate::clock::now_ms;
use crate::store::{AccountRecord, DeviceKey, PreKey, ReportRecord, SignedPreKey};

/// The `meta` key that says the data came over from a sled relay, and when (ms).
const MIGRATED_FROM_SLED: &str = "migrated_from_sled_at_ms";

/// One record of an older relay. An account comes before its keys and interop setting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportRecord {
    Account(AccountRecord),
    PreKey {
        name: UserName,
        key: PreKey,
    },
    KyberPreKey {
        name: UserName,
        key: SignedPreKey,
    },
    Interop {
        name: UserName,
        networks: Vec<NetworkName>,
    },
    /// Envelopes of one device come in their queue's order.
    Queued {
        device: DeviceKey,
        id: Vec<u8>,
        envelope: Vec<u8>,
    },
    Nonce {
        origin: NetworkName,
        nonce: String,
        expires_at_ms: u64,
    },
    Block {
        owner: UserName,
        address: Address,
        since_ms: u64,
    },
    Contact {
        owner: UserName,
        address: Address,
        since_ms: u64,
    },
    Request {
        owner: UserName,
        address: Address,
        at_ms: u64,
    },
    Correspondent {
        owner: UserName,
        address: Address,
    },
    /// Reports come oldest first.
    Report(ReportRecord),
}

/// How many records of each kind were written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    pub accounts: usize,
    pub prekeys: usize,
    pub kyber_prekeys: usize,
    pub interop_settings: usize,
    pub queued: usize,
    pub nonces: usize,
    pub blocks: usize,
    pub contacts: usize,
    pub requests: usize,
    pub correspondents: usize,
    pub reports: usize,
}

async fn is_empty(conn: &mut Conn<'_>) -> Result<bool> {
    let row = query(
        "SELECT (SELECT COUNT(*) FROM accounts) + (SELECT COUNT(*) FROM queue) + (SELECT COUNT(*) FROM reports) \
              + (SELECT COUNT(*) FROM meta WHERE key = $1)",
    )
    .bind(MIGRATED_FROM_SLED)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get::<i64>(0)? == 0)
}

async fn write_one(conn: &mut Conn<'_>, record: ImportRecord, counts: &mut ImportCounts) -> Result<()> {
    match record {
        ImportRecord::Account(account) => {
            if !accounts::insert_account(conn, &account).await? {
                return Err(StoreError::Backend(format!("account {} comes twice", account.name)));
            }
            counts.accounts += 1;
        }
        ImportRecord::PreKey { name, key } => {
            accounts::import_prekey(conn, name.as_str(), &key).await?;
            counts.prekeys += 1;
        }
        ImportRecord::KyberPreKey { name, key } => {
            accounts::import_kyber_prekey(conn, name.as_str(), &key).await?;
            counts.kyber_prekeys += 1;
        }
        ImportRecord::Interop { name, networks } => {
            for network in &networks {
                interop::add(conn, name.as_str(), network).await?;
            }
            counts.interop_settings += 1;
        }
        ImportRecord::Queued { device, id, envelope } => {
            queue::import(conn, &device, &id, &envelope).await?;
            counts.queued += 1;
        }
        ImportRecord::Nonce { origin, nonce, expires_at_ms } => {
            nonces::remember(conn, origin.as_str(), &nonce, expires_at_ms).await?;
            counts.nonces += 1;
        }
        ImportRecord::Block { owner, address, since_ms } => {
            members::import(conn, Imported::Block, owner.as_str(), &address.account(), since_ms).await?;
            counts.blocks += 1;
        }
        ImportRecord::Contact { owner, address, since_ms } => {
            members::import(conn, Imported::Contact, owner.as_str(), &address.account(), since_ms).await?;
            counts.contacts += 1;
        }
        ImportRecord::Request { owner, address, at_ms } => {
            members::import(conn, Imported::Request, owner.as_str(), &address.account(), at_ms).await?;
            counts.requests += 1;
        }
        ImportRecord::Correspondent { owner, address } => {
            members::add_correspondent(conn, owner.as_str(), &address.account()).await?;
            counts.correspondents += 1;
        }
        ImportRecord::Report(report) => {
            reports::add(conn, &report).await?;
            counts.reports += 1;
        }
    }
    Ok(())
}

impl SqlStore {
    /// Writes what `records` yields, in order, in one transaction, and marks the store as
    /// migrated from sled. Refuses (`NotEmpty`) a store that holds data already: merging two
    /// relays' data is not a migration. An error from `records` rolls everything back.
    pub async fn import<I>(&self, records: I) -> Result<ImportCounts>
    where
        I: Iterator<Item = Result<ImportRecord>> + Send + 'static,
    {
        self.write(move |conn| {
            Box::pin(async move {
                if !is_empty(conn).await? {
                    return Err(StoreError::NotEmpty);
                }
                let mut counts = ImportCounts::default();
                for record in records {
                    // A record the old database cannot give is a failure like the database's own.
                    let record =
                        record.map_err(|error| StoreError::Backend(format!("reading the old database: {error}")))?;
                    write_one(conn, record, &mut counts).await?;
                }
                query("INSERT INTO meta (key, value) VALUES ($1, $2)")
                    .bind(MIGRATED_FROM_SLED)
                    .bind(now_ms().to_string())
                    .execute(&mut *conn)
                    .await?;
                Ok(counts)
            })
        })
        .await
    }

    /// Whether this store's data came over from a sled relay (`migrate-from-sled`).
    pub async fn migrated_from_sled(&self) -> Result<bool> {
        let row = query("SELECT 1 FROM meta WHERE key = $1")
            .bind(MIGRATED_FROM_SLED)
            .fetch_optional(&mut self.reader().await?.conn())
            .await?;
        Ok(row.is_some())
    }
}
