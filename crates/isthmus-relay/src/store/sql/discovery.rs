//! Which accounts only their contacts and correspondents may look up.

use sqlx::{Any, AnyConnection, Executor};

use super::Result;

pub(super) async fn contacts_only<'e, E>(executor: E, owner: &str) -> Result<bool>
where
    E: Executor<'e, Database = Any>,
{
    let row = sqlx::query("SELECT 1 FROM contacts_only_discovery WHERE owner = $1")
        .bind(owner)
        .fetch_optional(executor)
        .await?;
    Ok(row.is_some())
}

pub(super) async fn set_contacts_only(conn: &mut AnyConnection, owner: &str, only: bool) -> Result<()> {
    let statement = if only {
        "INSERT INTO contacts_only_discovery (owner) VALUES ($1) ON CONFLICT (owner) DO NOTHING"
    } else {
        "DELETE FROM contacts_only_discovery WHERE owner = $1"
    };
    sqlx::query(statement).bind(owner).execute(conn).await?;
    Ok(())
}
