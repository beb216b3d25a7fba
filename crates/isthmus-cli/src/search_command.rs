//! `isthmus-cli search`: the engine's search over every account and chat of the profile.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use isthmus_core::{SearchHit, SearchResults};

use crate::context::{address, shown, CliContext};

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// Words to look for: each must start a word of the message (case and accents ignored).
    pub query: String,
    /// Only the chat of this account with `--peer`.
    #[arg(long, requires = "peer")]
    pub account: Option<String>,
    #[arg(long, requires = "account")]
    pub peer: Option<String>,
    /// Results per page (at most 100).
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// The `next_cursor` of a previous page.
    #[arg(long)]
    pub cursor: Option<String>,
    /// Build the index afresh from every stored message first.
    #[arg(long)]
    pub rebuild: bool,
}

pub async fn search(context: &CliContext, args: SearchArgs) -> Result<ExitCode> {
    let engine = context.engine()?;
    // A profile from before search (or from another index version) is indexed first: the app
    // does it in the background when it starts, and a script must not get partial answers.
    if args.rebuild || !engine.search_index_is_current()? {
        let indexed = engine.rebuild_search_index().await?;
        if !context.json {
            eprintln!("indexed {indexed} messages");
        }
    }
    let within = match (&args.account, &args.peer) {
        (Some(account), Some(peer)) => Some(engine.conversation_id(&address(account)?, &address(peer)?)),
        _ => None,
    };
    let results = engine.search(&args.query, within, args.cursor, args.limit).await?;
    context.print(&results, || human(&results));
    Ok(ExitCode::SUCCESS)
}

fn human(results: &SearchResults) -> String {
    let mut lines: Vec<String> = results.hits.iter().map(line).collect();
    lines.push(match &results.next_cursor {
        Some(cursor) => format!("{} of {} shown; more with --cursor {cursor}", results.hits.len(), results.total),
        None => format!("{} found", results.total),
    });
    lines.join("\n")
}

/// `conversation #seq  author: snippet`, with the matched words in [brackets].
fn line(hit: &SearchHit) -> String {
    let snippet: String =
        hit.snippet.iter().map(|part| if part.hit { format!("[{}]", part.text) } else { part.text.clone() }).collect();
    format!("{} #{}  {}: {}", hit.conversation, hit.seq, hit.author, shown(&snippet))
}
