//! Which other networks may reach an account.

use std::collections::BTreeSet;

use isthmus_proto::NetworkName;
use sqlx::{Any, AnyConnection, Executor, Row as _};

use super::{Engine, Result, StoreError};

pub(super) async fn interop<'e, E>(executor: E, name: &str) -> Result<BTreeSet<NetworkName>>
where
    E: Executor<'e, Database = Any>,
{
    let rows = sqlx::query("SELECT network FROM interop WHERE name = $1").bind(name).fetch_all(executor).await?;
    rows.iter()
        .map(|row| {
            let network: String = row.try_get(0)?;
            NetworkName::parse(&network).map_err(|_| StoreError::Corrupt { what: "interop" })
        })
        .collect()
}

/// Replaces the set as a whole.
pub(super) async fn set_interop(
    conn: &mut AnyConnection,
    engine: Engine,
    name: &str,
    networks: &BTreeSet<NetworkName>,
) -> Result<()> {
    // Two replacements at once must not mix into a union of both.
    engine.lock_owner(conn, name).await?;
    let known = sqlx::query("SELECT 1 FROM accounts WHERE name = $1").bind(name).fetch_optional(&mut *conn).await?;
    if known.is_none() {
        return Err(StoreError::UnknownAccount);
    }
    sqlx::query("DELETE FROM interop WHERE name = $1").bind(name).execute(&mut *conn).await?;
    for network in networks {
        add(conn, name, network).await?;
    }
    Ok(())
}

/// Adds one network to an account's set.
pub(super) async fn add(conn: &mut AnyConnection, name: &str, network: &NetworkName) -> Result<()> {
    sqlx::query("INSERT INTO interop (name, network) VALUES ($1, $2) ON CONFLICT (name, network) DO NOTHING")
        .bind(name)
        .bind(network.as_str())
        .execute(conn)
        .await?;
    Ok(())
}
