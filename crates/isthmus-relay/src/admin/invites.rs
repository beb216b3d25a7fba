//! `isthmus-relay invite create`: single-use invitations for a network whose registration policy
//! is `invite`. Printed once; the store keeps only their hashes. Works beside a running relay.

use std::io::Write as _;

use anyhow::Context as _;

use super::{runtime, StoreArgs};
use crate::clock::now_ms;
use crate::registration;
use crate::store::Access;

#[derive(clap::Subcommand, Debug)]
pub enum InviteCommand {
    /// Issue invitations and print their tokens, one per line.
    Create(CreateArgs),
}

#[derive(clap::Args, Debug)]
pub struct CreateArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// How many invitations.
    #[arg(long, default_value_t = 1)]
    count: u32,
    /// How many days each stays valid.
    #[arg(long, default_value_t = 7)]
    valid_days: u32,
    /// Print a JSON array of {"token", "expires_at_ms"} instead of bare tokens.
    #[arg(long)]
    json: bool,
}

pub fn invite(command: InviteCommand) -> anyhow::Result<()> {
    let InviteCommand::Create(args) = command;
    let place = args.store.place(None)?;
    let expires_at_ms = now_ms().saturating_add(u64::from(args.valid_days) * 24 * 60 * 60 * 1000);
    let tokens = runtime()?.block_on(async {
        let store = place.open(Access::ReadWrite).await?;
        let mut tokens = Vec::new();
        for _ in 0..args.count {
            tokens.push(registration::issue(&store, expires_at_ms).await.context("storing an invitation")?);
        }
        store.close().await;
        anyhow::Ok(tokens)
    })?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        let listed: Vec<_> =
            tokens.iter().map(|token| serde_json::json!({ "token": token, "expires_at_ms": expires_at_ms })).collect();
        serde_json::to_writer(&mut stdout, &listed)?;
        writeln!(stdout)?;
    } else {
        for token in &tokens {
            writeln!(stdout, "{token}")?;
        }
    }
    Ok(())
}
