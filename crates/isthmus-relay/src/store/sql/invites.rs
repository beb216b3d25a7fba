//! Invitations to register: single-use, by the hash of their token.

use super::db::{query, Conn};
use super::rows::{read_u64, stored_u64};
use super::Result;

pub(super) async fn add(conn: &mut Conn<'_>, token_hash: &str, expires_at_ms: u64) -> Result<()> {
    query(
        "INSERT INTO invites (token_hash, expires_at_ms) VALUES ($1, $2) \
         ON CONFLICT (token_hash) DO UPDATE SET expires_at_ms = excluded.expires_at_ms",
    )
    .bind(token_hash)
    .bind(stored_u64(expires_at_ms))
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes the invitation if it is valid at `now_ms` and returns its expiry; deletes an expired
/// one too, and answers `None` for it as for a token never issued.
pub(super) async fn take(conn: &mut Conn<'_>, token_hash: &str, now_ms: u64) -> Result<Option<u64>> {
    let row = query("DELETE FROM invites WHERE token_hash = $1 RETURNING expires_at_ms")
        .bind(token_hash)
        .fetch_optional(conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let expires = read_u64(row.try_get(0)?, "invites")?;
    Ok((expires >= now_ms).then_some(expires))
}
