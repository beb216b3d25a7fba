//! `isthmus-relay invite create`: single-use invitations for a network whose registration policy
//! is `invite`. Printed once; the store keeps only their hashes. Works beside a running relay.

use std::io::Write as _;

use anyhow::Context as _;

use super::{runtime, StoreArgs};
use crate::clock::now_ms;
use crate::registration::{new_token, token_hash};
use crate::store::{Access, RelayStore as _};

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
    let tokens: Vec<String> = (0..args.count).map(|_| new_token()).collect();
    runtime()?.block_on(async {
        let store = place.open(Access::ReadWrite).await?;
        for token in &tokens {
            store.add_invite(&token_hash(token), expires_at_ms).await.context("storing an invitation")?;
        }
        store.close().await;
        anyhow::Ok(())
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
