//! The groups an account is in or invited to, and who may add it to one. The relay keeps only
//! group ids against its own accounts: nothing of a group's name or its other members.

use std::collections::BTreeSet;

use isthmus_proto::api::GroupAdds;
use isthmus_proto::NetworkName;

use super::db::{query, Conn};
use super::rows::stored_usize;
use super::{Engine, Result, StoreError};
use crate::store::GroupMembership;

pub(super) async fn adds(conn: &mut Conn<'_>, owner: &str) -> Result<GroupAdds> {
    let row = query("SELECT who FROM group_adds WHERE owner = $1").bind(owner).fetch_optional(conn).await?;
    let Some(row) = row else { return Ok(GroupAdds::default()) };
    let who: String = row.try_get(0)?;
    who.parse().map_err(|_| StoreError::Corrupt { what: "group_adds" })
}

pub(super) async fn set_adds(conn: &mut Conn<'_>, owner: &str, adds: GroupAdds) -> Result<()> {
    query("INSERT INTO group_adds (owner, who) VALUES ($1, $2) ON CONFLICT (owner) DO UPDATE SET who = $2")
        .bind(owner)
        .bind(adds.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

pub(super) async fn networks(conn: &mut Conn<'_>, owner: &str) -> Result<BTreeSet<NetworkName>> {
    let rows = query("SELECT network FROM group_networks WHERE owner = $1").bind(owner).fetch_all(conn).await?;
    rows.iter()
        .map(|row| {
            let network: String = row.try_get(0)?;
            NetworkName::parse(&network).map_err(|_| StoreError::Corrupt { what: "group_networks" })
        })
        .collect()
}

/// Replaces the set as a whole.
pub(super) async fn set_networks(
    conn: &mut Conn<'_>,
    engine: Engine,
    owner: &str,
    networks: &BTreeSet<NetworkName>,
) -> Result<()> {
    // Two replacements at once must not mix into a union of both.
    engine.lock_owner(conn, owner).await?;
    query("DELETE FROM group_networks WHERE owner = $1").bind(owner).execute(&mut *conn).await?;
    for network in networks {
        query("INSERT INTO group_networks (owner, network) VALUES ($1, $2)")
            .bind(owner)
            .bind(network.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub(super) async fn membership(conn: &mut Conn<'_>, owner: &str, group_id: &[u8]) -> Result<Option<GroupMembership>> {
    let row = query("SELECT invited FROM group_memberships WHERE owner = $1 AND group_id = $2")
        .bind(owner)
        .bind(group_id)
        .fetch_optional(conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let invited: bool = row.try_get(0)?;
    Ok(Some(if invited { GroupMembership::Invited } else { GroupMembership::Member }))
}

/// Records the membership, refusing a group new to `owner` once it has `max`.
pub(super) async fn set_membership(
    conn: &mut Conn<'_>,
    engine: Engine,
    owner: &str,
    group_id: &[u8],
    membership: GroupMembership,
    max: usize,
) -> Result<()> {
    engine.lock_owner(conn, owner).await?;
    let row = query(
        "SELECT COUNT(*), COALESCE(MAX(CASE WHEN group_id = $2 THEN 1 ELSE 0 END), 0) \
         FROM group_memberships WHERE owner = $1",
    )
    .bind(owner)
    .bind(group_id)
    .fetch_one(&mut *conn)
    .await?;
    let (count, present): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
    if present == 0 && count >= stored_usize(max) {
        return Err(StoreError::TooManyGroups);
    }
    // `$3 <> 0`: a boolean on PostgreSQL, 0 or 1 on SQLite, from the one integer both bind.
    query(
        "INSERT INTO group_memberships (owner, group_id, invited) VALUES ($1, $2, $3 <> 0) \
         ON CONFLICT (owner, group_id) DO UPDATE SET invited = excluded.invited",
    )
    .bind(owner)
    .bind(group_id)
    .bind(i64::from(membership == GroupMembership::Invited))
    .execute(conn)
    .await?;
    Ok(())
}

/// `true` when there was a membership to forget.
pub(super) async fn remove_membership(conn: &mut Conn<'_>, owner: &str, group_id: &[u8]) -> Result<bool> {
    let removed = query("DELETE FROM group_memberships WHERE owner = $1 AND group_id = $2")
        .bind(owner)
        .bind(group_id)
        .execute(conn)
        .await?;
    Ok(removed.rows_affected() > 0)
}
