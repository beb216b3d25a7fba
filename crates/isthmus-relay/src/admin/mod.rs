//! Operators' commands beside the relay: `reports`, `invite create` and `migrate-from-sled`. Both find the
//! relay's SQL store the way `run` does: `--database-url` (PostgreSQL), else the SQLite
//! database in `--data-dir`, either also read from `--config`.

mod invites;
mod migrate;
mod reports;

use std::path::PathBuf;

use anyhow::{bail, Context as _};

pub use invites::{invite, InviteCommand};
pub use migrate::{migrate_from_sled, MigrateArgs};
pub use reports::{reports, ReportsArgs};

use crate::store::{Access, SqlStore, SQLITE_FILE};
use crate::ConfigFile;

/// Where the relay's SQL store is.
#[derive(clap::Args, Debug)]
pub struct StoreArgs {
    /// The relay's data folder; its SQLite database is DATA_DIR/relay.sqlite3.
    #[arg(long, env = "ISTHMUS_RELAY_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// The relay's PostgreSQL database (postgres://...), when it runs on one.
    #[arg(long, env = "ISTHMUS_RELAY_DATABASE_URL")]
    database_url: Option<String>,
    /// The relay's configuration file, for `data_dir` and `database_url`.
    #[arg(long, env = "ISTHMUS_RELAY_CONFIG")]
    config: Option<PathBuf>,
}

/// A SQL store's place.
#[derive(Debug)]
enum Place {
    Sqlite(PathBuf),
    Postgres(String),
}

impl StoreArgs {
    /// The place the flags (then the configuration file) name, else `fallback_dir`'s SQLite.
    fn place(self, fallback_dir: Option<PathBuf>) -> anyhow::Result<Place> {
        let file = match &self.config {
            Some(path) => ConfigFile::load(path)?,
            None => ConfigFile::default(),
        };
        if let Some(url) = self.database_url.or(file.database_url) {
            return Ok(Place::Postgres(url));
        }
        match self.data_dir.or(file.data_dir).or(fallback_dir) {
            Some(dir) => Ok(Place::Sqlite(dir.join(SQLITE_FILE))),
            None => bail!("which relay? pass --data-dir, --database-url or --config"),
        }
    }
}

impl Place {
    async fn open(&self, access: Access) -> anyhow::Result<SqlStore> {
        match self {
            Place::Sqlite(path) => SqlStore::open_sqlite(path, access)
                .await
                .with_context(|| format!("opening the relay database {}", path.display())),
            Place::Postgres(url) => {
                SqlStore::open_postgres(url, access).await.context("opening the relay's PostgreSQL database")
            }
        }
    }
}

/// A runtime for one admin command.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().context("starting the async runtime")
}
