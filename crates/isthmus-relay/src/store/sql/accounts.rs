//! Accounts and their prekeys.

use std::collections::{BTreeMap, HashSet};

use isthmus_proto::UserName;

use super::db::{query, Conn, Row};
use super::rows::{multi_row_insert, read_u32, read_u64, read_usize};
use super::{Engine, Result, StoreError};
use crate::store::{
    AccountRecord, IdentityKeys, KeyUpdate, NewAccount, PreKey, PreKeyCounts, SignedPreKey, StoredBundle,
};

macro_rules! account_columns {
    () => {
        "name, device, secret_hash, registration_id, identity_key, \
         signed_prekey_id, signed_prekey, signed_prekey_signature, \
         kyber_last_resort_id, kyber_last_resort, kyber_last_resort_signature, created_at_ms"
    };
}

const SELECT_ACCOUNT: &str = concat!("SELECT ", account_columns!(), " FROM accounts WHERE name = $1");
const INSERT_ACCOUNT: &str = concat!(
    "INSERT INTO accounts (",
    account_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (name) DO NOTHING"
);

/// Rows per multi-row insert: an upload's batch (at most 100 by default) in one statement.
const KEYS_PER_STATEMENT: usize = 100;

fn corrupt() -> StoreError {
    StoreError::Corrupt { what: "accounts" }
}

fn decode_account(row: &Row) -> Result<AccountRecord> {
    const WHAT: &str = "accounts";
    let name: String = row.try_get(0)?;
    let secret_hash: Vec<u8> = row.try_get(2)?;
    Ok(AccountRecord {
        name: UserName::parse(&name).map_err(|_| corrupt())?,
        device: read_u32(row.try_get(1)?, WHAT)?,
        secret_hash: secret_hash.try_into().map_err(|_| corrupt())?,
        registration_id: read_u32(row.try_get(3)?, WHAT)?,
        identity_key: row.try_get(4)?,
        signed_prekey: SignedPreKey {
            id: read_u32(row.try_get(5)?, WHAT)?,
            public_key: row.try_get(6)?,
            signature: row.try_get(7)?,
        },
        kyber_last_resort: SignedPreKey {
            id: read_u32(row.try_get(8)?, WHAT)?,
            public_key: row.try_get(9)?,
            signature: row.try_get(10)?,
        },
        created_at_ms: read_u64(row.try_get(11)?, WHAT)?,
    })
}

fn decode_prekey(row: &Row) -> Result<PreKey> {
    Ok(PreKey { id: read_u32(row.try_get(0)?, "prekeys")?, public_key: row.try_get(1)? })
}

fn decode_kyber(row: &Row) -> Result<SignedPreKey> {
    Ok(SignedPreKey {
        id: read_u32(row.try_get(0)?, "kyber_prekeys")?,
        public_key: row.try_get(1)?,
        signature: row.try_get(2)?,
    })
}

pub(super) async fn account(conn: &mut Conn<'_>, name: &str) -> Result<Option<AccountRecord>> {
    query(SELECT_ACCOUNT).bind(name).fetch_optional(conn).await?.as_ref().map(decode_account).transpose()
}

async fn exists(conn: &mut Conn<'_>, name: &str) -> Result<bool> {
    Ok(query("SELECT 1 FROM accounts WHERE name = $1").bind(name).fetch_optional(conn).await?.is_some())
}

/// The keys to write, one per id (the last one given wins, as a later upload replaces an
/// earlier one): PostgreSQL refuses one statement that would write a row twice.
fn one_per_id<K>(keys: &[K], id: impl Fn(&K) -> u32) -> Vec<&K> {
    let by_id: BTreeMap<u32, &K> = keys.iter().map(|key| (id(key), key)).collect();
    by_id.into_values().collect()
}

/// Adds one-time EC prekeys, replacing those with the same id.
async fn put_prekeys(conn: &mut Conn<'_>, name: &str, keys: &[PreKey]) -> Result<()> {
    for chunk in one_per_id(keys, |key| key.id).chunks(KEYS_PER_STATEMENT) {
        let sql = multi_row_insert(
            "INSERT INTO prekeys (name, id, public_key)",
            3,
            chunk.len(),
            "ON CONFLICT (name, id) DO UPDATE SET public_key = excluded.public_key",
        );
        let mut query = query(&sql);
        for key in chunk {
            query = query.bind(name).bind(i64::from(key.id)).bind(key.public_key.as_slice());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Adds one-time Kyber prekeys, replacing those with the same id.
async fn put_kyber_prekeys(conn: &mut Conn<'_>, name: &str, keys: &[SignedPreKey]) -> Result<()> {
    for chunk in one_per_id(keys, |key| key.id).chunks(KEYS_PER_STATEMENT) {
        let sql = multi_row_insert(
            "INSERT INTO kyber_prekeys (name, id, public_key, signature)",
            4,
            chunk.len(),
            "ON CONFLICT (name, id) DO UPDATE SET public_key = excluded.public_key, signature = excluded.signature",
        );
        let mut query = query(&sql);
        for key in chunk {
            query =
                query.bind(name).bind(i64::from(key.id)).bind(key.public_key.as_slice()).bind(key.signature.as_slice());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Inserts an account record; `false` when the name is taken.
pub(super) async fn insert_account(conn: &mut Conn<'_>, record: &AccountRecord) -> Result<bool> {
    let inserted = query(INSERT_ACCOUNT)
        .bind(record.name.as_str())
        .bind(i64::from(record.device))
        .bind(record.secret_hash.as_slice())
        .bind(i64::from(record.registration_id))
        .bind(record.identity_key.as_slice())
        .bind(i64::from(record.signed_prekey.id))
        .bind(record.signed_prekey.public_key.as_slice())
        .bind(record.signed_prekey.signature.as_slice())
        .bind(i64::from(record.kyber_last_resort.id))
        .bind(record.kyber_last_resort.public_key.as_slice())
        .bind(record.kyber_last_resort.signature.as_slice())
        .bind(super::rows::stored_u64(record.created_at_ms))
        .execute(conn)
        .await?
        .rows_affected();
    Ok(inserted == 1)
}

pub(super) async fn create_account(conn: &mut Conn<'_>, account: &NewAccount) -> Result<()> {
    // The insert is the check: a taken name inserts nothing.
    if !insert_account(conn, &account.record).await? {
        return Err(StoreError::NameTaken);
    }
    let name = account.record.name.as_str();
    put_prekeys(conn, name, &account.prekeys).await?;
    put_kyber_prekeys(conn, name, &account.kyber_prekeys).await
}

/// The ids of the account's one-time keys in `table`.
async fn stored_ids(conn: &mut Conn<'_>, table: Table, name: &str) -> Result<HashSet<i64>> {
    let rows = query(table.ids()).bind(name).fetch_all(conn).await?;
    rows.iter().map(|row| row.try_get::<i64>(0)).collect()
}

#[derive(Clone, Copy)]
enum Table {
    PreKeys,
    KyberPreKeys,
}

impl Table {
    fn ids(self) -> &'static str {
        match self {
            Table::PreKeys => "SELECT id FROM prekeys WHERE name = $1",
            Table::KyberPreKeys => "SELECT id FROM kyber_prekeys WHERE name = $1",
        }
    }
}

/// How many one-time keys the account would hold with `upload` added.
async fn total_after(
    conn: &mut Conn<'_>,
    table: Table,
    name: &str,
    upload: impl Iterator<Item = u32>,
) -> Result<usize> {
    let mut ids = stored_ids(conn, table, name).await?;
    ids.extend(upload.map(i64::from));
    Ok(ids.len())
}

pub(super) async fn update_keys(
    conn: &mut Conn<'_>,
    engine: Engine,
    name: &str,
    update: &KeyUpdate,
    max_stored: usize,
) -> Result<()> {
    engine.lock_owner(conn, name).await?;
    if !exists(conn, name).await? {
        return Err(StoreError::UnknownAccount);
    }
    let ec_total = total_after(conn, Table::PreKeys, name, update.prekeys.iter().map(|key| key.id)).await?;
    let kyber_total =
        total_after(conn, Table::KyberPreKeys, name, update.kyber_prekeys.iter().map(|key| key.id)).await?;
    if ec_total > max_stored || kyber_total > max_stored {
        return Err(StoreError::TooManyPreKeys);
    }
    if let Some(key) = &update.signed_prekey {
        query(
            "UPDATE accounts SET signed_prekey_id = $2, signed_prekey = $3, signed_prekey_signature = $4 \
             WHERE name = $1",
        )
        .bind(name)
        .bind(i64::from(key.id))
        .bind(key.public_key.as_slice())
        .bind(key.signature.as_slice())
        .execute(&mut *conn)
        .await?;
    }
    if let Some(key) = &update.kyber_last_resort {
        query(
            "UPDATE accounts SET kyber_last_resort_id = $2, kyber_last_resort = $3, \
             kyber_last_resort_signature = $4 WHERE name = $1",
        )
        .bind(name)
        .bind(i64::from(key.id))
        .bind(key.public_key.as_slice())
        .bind(key.signature.as_slice())
        .execute(&mut *conn)
        .await?;
    }
    put_prekeys(conn, name, &update.prekeys).await?;
    put_kyber_prekeys(conn, name, &update.kyber_prekeys).await
}

pub(super) async fn prekey_counts(conn: &mut Conn<'_>, name: &str) -> Result<PreKeyCounts> {
    let row = query(
        "SELECT (SELECT COUNT(*) FROM prekeys WHERE name = $1), (SELECT COUNT(*) FROM kyber_prekeys WHERE name = $1)",
    )
    .bind(name)
    .fetch_one(conn)
    .await?;
    Ok(PreKeyCounts {
        prekeys: read_usize(row.try_get(0)?, "prekeys")?,
        kyber_prekeys: read_usize(row.try_get(1)?, "kyber_prekeys")?,
    })
}

pub(super) async fn take_bundle(conn: &mut Conn<'_>, engine: Engine, name: &str) -> Result<Option<StoredBundle>> {
    let Some(account) = account(&mut *conn, name).await? else {
        return Ok(None);
    };
    let prekey = query(engine.take_prekey())
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(decode_prekey)
        .transpose()?;
    let kyber = query(engine.take_kyber_prekey())
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?
        .as_ref()
        .map(decode_kyber)
        .transpose()?;
    Ok(Some(StoredBundle::assemble(account, prekey, kyber)))
}

pub(super) async fn replace_identity(
    conn: &mut Conn<'_>,
    engine: Engine,
    name: &str,
    keys: &IdentityKeys,
) -> Result<()> {
    engine.lock_owner(conn, name).await?;
    let updated = query(
        "UPDATE accounts SET registration_id = $2, identity_key = $3, \
         signed_prekey_id = $4, signed_prekey = $5, signed_prekey_signature = $6, \
         kyber_last_resort_id = $7, kyber_last_resort = $8, kyber_last_resort_signature = $9 \
         WHERE name = $1",
    )
    .bind(name)
    .bind(i64::from(keys.registration_id))
    .bind(keys.identity_key.as_slice())
    .bind(i64::from(keys.signed_prekey.id))
    .bind(keys.signed_prekey.public_key.as_slice())
    .bind(keys.signed_prekey.signature.as_slice())
    .bind(i64::from(keys.kyber_last_resort.id))
    .bind(keys.kyber_last_resort.public_key.as_slice())
    .bind(keys.kyber_last_resort.signature.as_slice())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    // The update is the check: an unknown account updates nothing.
    if updated == 0 {
        return Err(StoreError::UnknownAccount);
    }
    query("DELETE FROM prekeys WHERE name = $1").bind(name).execute(&mut *conn).await?;
    query("DELETE FROM kyber_prekeys WHERE name = $1").bind(name).execute(&mut *conn).await?;
    put_prekeys(conn, name, &keys.prekeys).await?;
    put_kyber_prekeys(conn, name, &keys.kyber_prekeys).await
}

/// For the sled migration: one-time keys of an account inserted already.
pub(super) async fn import_prekey(conn: &mut Conn<'_>, name: &str, key: &PreKey) -> Result<()> {
    put_prekeys(conn, name, std::slice::from_ref(key)).await
}

pub(super) async fn import_kyber_prekey(conn: &mut Conn<'_>, name: &str, key: &SignedPreKey) -> Result<()> {
    put_kyber_prekeys(conn, name, std::slice::from_ref(key)).await
}
