//! Which store a relay runs on: PostgreSQL when a database URL is configured, else SQLite in the
//! data folder, else memory (tests, the sandbox).

use std::path::Path;
use std::sync::Arc;

use super::sql::{Access, SqlStore};
use super::{sled_legacy, MemoryStore, RelayStore, Result, StoreError, SQLITE_FILE};

/// Opens the relay's store. A data folder that still holds the sled database of an older relay
/// is refused until that database was migrated (`isthmus-relay migrate-from-sled`): the relay
/// would otherwise start empty, with every user's name free for anyone to take.
pub async fn open(data_dir: Option<&Path>, database_url: Option<&str>) -> Result<Arc<dyn RelayStore>> {
    let sled = data_dir.map(|dir| dir.join(sled_legacy::DATABASE_DIR)).filter(|sled| sled.is_dir());
    let store = match (database_url, data_dir) {
        (Some(url), _) => SqlStore::open_postgres(url, Access::ReadWrite).await?,
        (None, Some(dir)) => {
            let path = dir.join(SQLITE_FILE);
            if let Some(sled) = &sled {
                if !path.exists() {
                    return Err(StoreError::UnmigratedSled(sled.clone()));
                }
            }
            SqlStore::open_sqlite(&path, Access::ReadWrite).await?
        }
        (None, None) => return Ok(Arc::new(MemoryStore::new())),
    };
    if let Some(sled) = sled {
        if !store.migrated_from_sled().await? {
            return Err(StoreError::UnmigratedSled(sled));
        }
    }
    Ok(Arc::new(store))
}
