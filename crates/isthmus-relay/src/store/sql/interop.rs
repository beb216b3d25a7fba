//! Which other networks may reach an account.

use std::collections::BTreeSet;

use isthmus_proto::NetworkName;

use super::db::{query, Conn};
use super::{Engine, Result, StoreError};

pub(super) async fn interop(conn: &mut Conn<'_>, name: &str) -> Result<BTreeSet<NetworkName>> {
    let rows = query("SELECT network FROM interop WHERE name = $1").bind(name).fetch_all(conn).await?;
    rows.iter()
        .map(|row| {
            let network: String = row.try_get(0)?;
            NetworkName::parse(&network).map_err(|_| StoreError::Corrupt { what: "interop" })
        })
        .collect()
}

/// Replaces the set as a whole.
pub(super) async fn set_interop(
    conn: &mut Conn<'_>,
    engine: Engine,
    name: &str,
    networks: &BTreeSet<NetworkName>,
) -> Result<()> {
    // Two replacements at once must not mix into a union of both.
    engine.lock_owner(conn, name).await?;
    let known = query("SELECT 1 FROM accounts WHERE name = $1").bind(name).fetch_optional(&mut *conn).await?;
    if known.is_none() {
        return Err(StoreError::UnknownAccount);
    }
    query("DELETE FROM interop WHERE name = $1").bind(name).execute(&mut *conn).await?;
    for network in networks {
        add(conn, name, network).await?;
    }
    Ok(())
}

/// Adds one network to an account's set.
pub(super) async fn add(conn: &mut Conn<'_>, name: &str, network: &NetworkName) -> Result<()> {
    query("INSERT INTO interop (name, network) VALUES ($1, $2) ON CONFLICT (name, network) DO NOTHING")
        .bind(name)
        .bind(network.as_str())
        .execute(conn)
        .await?;
    Ok(())
}
