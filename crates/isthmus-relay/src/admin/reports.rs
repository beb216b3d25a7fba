//! `isthmus-relay reports`: the reports users filed, newest first, read beside a running relay
//! (SQLite's write-ahead log lets a reader in while the relay writes; PostgreSQL always does).

use std::io::Write as _;

use anyhow::Context as _;

use super::{runtime, StoreArgs};
use crate::store::{Access, RelayStore as _};

#[derive(clap::Args, Debug)]
pub struct ReportsArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// Print a JSON array instead of text.
    #[arg(long)]
    json: bool,
}

pub fn reports(args: ReportsArgs) -> anyhow::Result<()> {
    let place = args.store.place(None)?;
    let reports = runtime()?.block_on(async {
        let store = place.open(Access::ReadOnly).await?;
        let reports = store.reports(usize::MAX).await.context("reading the reports");
        store.close().await;
        reports
    })?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &reports)?;
        writeln!(stdout)?;
        return Ok(());
    }
    if reports.is_empty() {
        writeln!(stdout, "no reports")?;
    }
    for report in &reports {
        writeln!(stdout, "report {} received_at_ms={}", report.id, report.received_at_ms)?;
        writeln!(stdout, "  reporter: {}", report.reporter)?;
        writeln!(stdout, "  reported: {}", report.address)?;
        writeln!(stdout, "  reason:   {}", report.reason.as_str())?;
        writeln!(stdout, "  note:     {:?}", report.note)?;
        for message in &report.messages {
            writeln!(stdout, "  message {} sent_at={}: {:?}", message.id, message.sent_at, message.body)?;
        }
    }
    Ok(())
}
