//! `isthmus-relay migrate-from-sled`: moves an older relay's sled database into the SQL store,
//! all of it in one transaction, and leaves the old folder untouched (delete it once the new
//! relay runs). The relay refuses to start on a data folder whose sled database was not moved.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};

use super::{runtime, StoreArgs};
use crate::store::{sled_legacy, Access};

#[derive(clap::Args, Debug)]
pub struct MigrateArgs {
    /// The old relay's data folder (holding db/), or its sled database folder itself.
    #[arg(long)]
    from: PathBuf,
    /// Where to move it; without one, the SQLite database in the --from folder.
    #[command(flatten)]
    store: StoreArgs,
}

/// The sled database folder `from` names.
fn sled_folder(from: &Path) -> anyhow::Result<PathBuf> {
    let inside = from.join(sled_legacy::DATABASE_DIR);
    if inside.join("conf").is_file() {
        return Ok(inside);
    }
    if from.join("conf").is_file() {
        return Ok(from.to_path_buf());
    }
    bail!("no sled database in {} (nor in its {}/ folder)", from.display(), sled_legacy::DATABASE_DIR)
}

pub fn migrate_from_sled(args: MigrateArgs) -> anyhow::Result<()> {
    let sled = sled_folder(&args.from)?;
    // The data folder around the sled folder: its SQLite database is the default target.
    let data_dir = sled.parent().filter(|_| sled.ends_with(sled_legacy::DATABASE_DIR)).map(Path::to_path_buf);
    let place = args.store.place(data_dir)?;
    let counts = runtime()?.block_on(async {
        let records = sled_legacy::records(&sled).context("opening the sled database")?;
        let store = place.open(Access::ReadWrite).await?;
        let counts = store.import(records).await.context("moving the data");
        store.close().await;
        counts
    })?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "moved from {}:", sled.display())?;
    writeln!(stdout, "{}", serde_json::to_string_pretty(&counts)?)?;
    writeln!(stdout, "the sled folder is untouched; delete it once the relay runs on the new store")?;
    Ok(())
}
