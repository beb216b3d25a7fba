//! Which accounts only their contacts and correspondents may look up.

use super::db::{query, Conn};
use super::Result;

pub(super) async fn contacts_only(conn: &mut Conn<'_>, owner: &str) -> Result<bool> {
    let row = query("SELECT 1 FROM contacts_only_discovery WHERE owner = $1").bind(owner).fetch_optional(conn).await?;
    Ok(row.is_some())
}

pub(super) async fn set_contacts_only(conn: &mut Conn<'_>, owner: &str, only: bool) -> Result<()> {
    let statement = if only {
        "INSERT INTO contacts_only_discovery (owner) VALUES ($1) ON CONFLICT (owner) DO NOTHING"
    } else {
        "DELETE FROM contacts_only_discovery WHERE owner = $1"
    };
    query(statement).bind(owner).execute(conn).await?;
    Ok(())
}
