//! Federation nonces, remembered until they expire so that no signed request is taken twice.

use super::db::{query, Conn};
use super::rows::{read_usize, stored_u64};
use super::Result;

/// `false` when the nonce was recorded already: a replay.
pub(super) async fn remember(conn: &mut Conn<'_>, origin: &str, nonce: &str, expires_at_ms: u64) -> Result<bool> {
    let added = query(
        "INSERT INTO nonces (origin, nonce, expires_at_ms) VALUES ($1, $2, $3) ON CONFLICT (origin, nonce) DO NOTHING",
    )
    .bind(origin)
    .bind(nonce)
    .bind(stored_u64(expires_at_ms))
    .execute(conn)
    .await?
    .rows_affected();
    Ok(added == 1)
}

pub(super) async fn prune(conn: &mut Conn<'_>, now_ms: u64) -> Result<usize> {
    let pruned = query("DELETE FROM nonces WHERE expires_at_ms < $1")
        .bind(stored_u64(now_ms))
        .execute(conn)
        .await?
        .rows_affected();
    read_usize(i64::try_from(pruned).unwrap_or(i64::MAX), "nonces")
}
