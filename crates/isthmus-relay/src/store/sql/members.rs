//! The people an account has a standing with: blocked, contacts, pending message requests, and
//! correspondents. Addresses are kept as `name@network`: these are about people, not devices.

use isthmus_proto::Address;

use super::db::{query, Conn};
use super::rows::{read_u32, read_u64, read_usize, stored_u64, stored_usize};
use super::{Engine, Result, StoreError};
use crate::store::{DeliveryFacts, Standing};

/// The sets with a cap per account.
#[derive(Clone, Copy, Debug)]
pub(super) enum Capped {
    Blocks,
    Contacts,
}

impl Capped {
    /// How many members the owner has, and whether `$2` is one of them.
    fn count(self) -> &'static str {
        match self {
            Capped::Blocks => {
                "SELECT COUNT(*), COALESCE(MAX(CASE WHEN address = $2 THEN 1 ELSE 0 END), 0) \
                 FROM blocks WHERE owner = $1"
            }
            Capped::Contacts => {
                "SELECT COUNT(*), COALESCE(MAX(CASE WHEN address = $2 THEN 1 ELSE 0 END), 0) \
                 FROM contacts WHERE owner = $1"
            }
        }
    }

    fn insert(self) -> &'static str {
        match self {
            Capped::Blocks => {
                "INSERT INTO blocks (owner, address, since_ms) VALUES ($1, $2, $3) \
                 ON CONFLICT (owner, address) DO NOTHING"
            }
            Capped::Contacts => {
                "INSERT INTO contacts (owner, address, since_ms) VALUES ($1, $2, $3) \
                 ON CONFLICT (owner, address) DO NOTHING"
            }
        }
    }

    fn full(self) -> StoreError {
        match self {
            Capped::Blocks => StoreError::TooManyBlocks,
            Capped::Contacts => StoreError::TooManyContacts,
        }
    }
}

/// Adds `address` to the owner's blocks or contacts (idempotent) and ends its pending request;
/// refuses a new member past `max`.
pub(super) async fn add_capped(
    conn: &mut Conn<'_>,
    engine: Engine,
    set: Capped,
    owner: &str,
    address: &str,
    max: usize,
    since_ms: u64,
) -> Result<()> {
    engine.lock_owner(conn, owner).await?;
    let row = query(set.count()).bind(owner).bind(address).fetch_one(&mut *conn).await?;
    let (count, present): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
    if present == 0 && count >= stored_usize(max) {
        return Err(set.full());
    }
    query(set.insert()).bind(owner).bind(address).bind(stored_u64(since_ms)).execute(&mut *conn).await?;
    delete_request(conn, owner, address).await
}

pub(super) async fn unblock(conn: &mut Conn<'_>, owner: &str, address: &str) -> Result<()> {
    query("DELETE FROM blocks WHERE owner = $1 AND address = $2").bind(owner).bind(address).execute(conn).await?;
    Ok(())
}

pub(super) async fn is_blocked(conn: &mut Conn<'_>, owner: &str, address: &str) -> Result<bool> {
    let row = query("SELECT 1 FROM blocks WHERE owner = $1 AND address = $2")
        .bind(owner)
        .bind(address)
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

pub(super) async fn blocks(conn: &mut Conn<'_>, owner: &str) -> Result<Vec<Address>> {
    let rows = query("SELECT address FROM blocks WHERE owner = $1").bind(owner).fetch_all(conn).await?;
    let mut blocked = rows
        .iter()
        .map(|row| {
            let raw: String = row.try_get(0)?;
            raw.parse::<Address>().map_err(|_| StoreError::Corrupt { what: "blocks" })
        })
        .collect::<Result<Vec<_>>>()?;
    blocked.sort();
    Ok(blocked)
}

pub(super) async fn standing(conn: &mut Conn<'_>, owner: &str, address: &str) -> Result<Standing> {
    let row = query(
        "SELECT (SELECT 1 FROM contacts WHERE owner = $1 AND address = $2), \
                (SELECT 1 FROM requests WHERE owner = $1 AND address = $2)",
    )
    .bind(owner)
    .bind(address)
    .fetch_one(conn)
    .await?;
    let (contact, requested): (Option<i64>, Option<i64>) = (row.try_get(0)?, row.try_get(1)?);
    Ok(match (contact, requested) {
        (Some(_), _) => Standing::Contact,
        (None, Some(_)) => Standing::Requested,
        (None, None) => Standing::Stranger,
    })
}

/// Records a pending request unless the address is a contact or has one already.
/// `RelayStore::delivery_facts` in one statement.
pub(super) async fn delivery_facts(conn: &mut Conn<'_>, owner: &str, address: &str) -> Result<Option<DeliveryFacts>> {
    let row = query(
        "SELECT device, \
                EXISTS (SELECT 1 FROM blocks WHERE owner = $1 AND address = $2), \
                EXISTS (SELECT 1 FROM contacts WHERE owner = $1 AND address = $2), \
                EXISTS (SELECT 1 FROM requests WHERE owner = $1 AND address = $2) \
         FROM accounts WHERE name = $1",
    )
    .bind(owner)
    .bind(address)
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let (contact, requested): (bool, bool) = (row.try_get(2)?, row.try_get(3)?);
    Ok(Some(DeliveryFacts {
        device: read_u32(row.try_get(0)?, "accounts")?,
        blocked: row.try_get(1)?,
        standing: if contact {
            Standing::Contact
        } else if requested {
            Standing::Requested
        } else {
            Standing::Stranger
        },
    }))
}

pub(super) async fn add_request(conn: &mut Conn<'_>, owner: &str, address: &str, at_ms: u64) -> Result<()> {
    query(
        "INSERT INTO requests (owner, address, at_ms) SELECT $1, $2, $3 \
         WHERE NOT EXISTS (SELECT 1 FROM contacts WHERE owner = $1 AND address = $2) \
         ON CONFLICT (owner, address) DO NOTHING",
    )
    .bind(owner)
    .bind(address)
    .bind(stored_u64(at_ms))
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn delete_request(conn: &mut Conn<'_>, owner: &str, address: &str) -> Result<()> {
    query("DELETE FROM requests WHERE owner = $1 AND address = $2").bind(owner).bind(address).execute(conn).await?;
    Ok(())
}

pub(super) async fn request_count(conn: &mut Conn<'_>, owner: &str) -> Result<usize> {
    let row = query("SELECT COUNT(*) FROM requests WHERE owner = $1").bind(owner).fetch_one(conn).await?;
    read_usize(row.try_get(0)?, "requests")
}

pub(super) async fn requests(conn: &mut Conn<'_>, owner: &str) -> Result<Vec<(String, u64)>> {
    let rows = query("SELECT address, at_ms FROM requests WHERE owner = $1 ORDER BY at_ms, address")
        .bind(owner)
        .fetch_all(conn)
        .await?;
    rows.iter().map(|row| Ok((row.try_get(0)?, read_u64(row.try_get(1)?, "requests")?))).collect()
}

pub(super) async fn expire_requests(conn: &mut Conn<'_>, before_ms: u64) -> Result<usize> {
    let expired = query("DELETE FROM requests WHERE at_ms < $1").bind(stored_u64(before_ms)).execute(conn).await?;
    read_usize(i64::try_from(expired.rows_affected()).unwrap_or(i64::MAX), "requests")
}

/// `true` when the two had not corresponded before.
pub(super) async fn add_correspondent(conn: &mut Conn<'_>, owner: &str, address: &str) -> Result<bool> {
    let added =
        query("INSERT INTO correspondents (owner, address) VALUES ($1, $2) ON CONFLICT (owner, address) DO NOTHING")
            .bind(owner)
            .bind(address)
            .execute(conn)
            .await?
            .rows_affected();
    Ok(added == 1)
}

pub(super) async fn is_correspondent(conn: &mut Conn<'_>, owner: &str, address: &str) -> Result<bool> {
    let row = query("SELECT 1 FROM correspondents WHERE owner = $1 AND address = $2")
        .bind(owner)
        .bind(address)
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

/// For the sled migration: a member with the time it was recorded, as the old relay kept it.
pub(super) async fn import(conn: &mut Conn<'_>, set: Imported, owner: &str, address: &str, at_ms: u64) -> Result<()> {
    let sql = match set {
        Imported::Block => "INSERT INTO blocks (owner, address, since_ms) VALUES ($1, $2, $3)",
        Imported::Contact => "INSERT INTO contacts (owner, address, since_ms) VALUES ($1, $2, $3)",
        Imported::Request => "INSERT INTO requests (owner, address, at_ms) VALUES ($1, $2, $3)",
    };
    query(sql).bind(owner).bind(address).bind(stored_u64(at_ms)).execute(conn).await?;
    Ok(())
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Imported {
    Block,
    Contact,
    Request,
}
