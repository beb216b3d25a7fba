//! `isthmus-cli matrix`: Matrix accounts in the profile (sign in, turn on and off, sign out) and
//! direct chats with Matrix users. Sending, reading, requests and blocks then work with the
//! usual commands, the Matrix ids written as addresses (`@vic:example.org` is `vic@example.org`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use isthmus_core::RelayTrust;
use isthmus_matrix::SignIn;

use crate::context::CliContext;

#[derive(Subcommand, Debug)]
pub enum MatrixCommand {
    /// Sign in to a Matrix account and add it to the profile, off until `matrix enable`. The
    /// password comes from ISTHMUS_MATRIX_PASSWORD, else a prompt.
    SignIn(SignInArgs),
    /// The profile's Matrix accounts.
    List,
    /// What turning Matrix on means, with the version `enable` must name.
    Disclosure,
    /// Turn Matrix on for an account, under the disclosure version you were shown.
    Enable {
        #[arg(long)]
        user: String,
        #[arg(long)]
        disclosure_version: String,
    },
    /// Turn Matrix off for an account: its chats become read-only and nothing is synced.
    Disable {
        #[arg(long)]
        user: String,
    },
    /// Sign out: the homeserver forgets this device; the account's chats stay, read-only.
    SignOut {
        #[arg(long)]
        user: String,
    },
    /// Open a direct chat with a Matrix user (an encrypted room with them invited).
    Open {
        #[arg(long)]
        user: String,
        /// Their Matrix id, `@name:server`.
        #[arg(long)]
        peer: String,
    },
}

#[derive(Args, Debug)]
pub struct SignInArgs {
    /// The Matrix id, `@name:server`.
    #[arg(long)]
    pub user: String,
    /// The homeserver's URL; without it, it is discovered from the id's server.
    #[arg(long)]
    pub homeserver: Option<String>,
    /// A PEM CA certificate the homeserver's certificate chains to (a private deployment).
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Allow a plain http:// homeserver on another machine. INSECURE: the password and the
    /// session cross the network readable.
    #[arg(long)]
    pub allow_insecure_http: bool,
}

pub async fn run(context: &CliContext, command: MatrixCommand) -> Result<ExitCode> {
    let engine = context.engine()?;
    match command {
        MatrixCommand::SignIn(args) => {
            let password = crate::passphrase::read(None, "ISTHMUS_MATRIX_PASSWORD", false)?;
            let ca_pem = match &args.ca_file {
                Some(file) => {
                    Some(std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?)
                }
                None => None,
            };
            let mut request = SignIn::new(&args.user, password);
            request.homeserver = args.homeserver;
            request.trust = RelayTrust { ca_pem, allow_insecure_http: args.allow_insecure_http };
            let info = isthmus_matrix::sign_in(&engine, request).await?;
            context.print(&info, || {
                format!(
                    "signed in as {} on {} (device {}); Matrix is off for it until `isthmus-cli matrix enable`",
                    info.user_id, info.homeserver, info.device_id
                )
            });
        }
        MatrixCommand::List => {
            for info in engine.matrix_accounts()? {
                context.print(&info, || {
                    let state = if info.enabled { "on" } else { "off" };
                    format!("{} ({}) on {}: {state}", info.user_id, info.address, info.homeserver)
                });
            }
        }
        MatrixCommand::Disclosure => {
            let disclosure = engine.matrix_disclosure();
            context.print(&disclosure, || {
                let mut text = format!("{}\n", disclosure.title);
                for fact in &disclosure.facts {
                    text.push_str(&format!("- {fact}\n"));
                }
                text.push_str(&format!("(version {})", disclosure.version));
                text
            });
        }
        MatrixCommand::Enable { user, disclosure_version } => {
            let info = isthmus_matrix::set_enabled(&engine, &user, true, Some(&disclosure_version)).await?;
            context.print(&info, || format!("Matrix is on for {}", info.user_id));
        }
        MatrixCommand::Disable { user } => {
            let info = isthmus_matrix::set_enabled(&engine, &user, false, None).await?;
            context.print(&info, || format!("Matrix is off for {}: its chats are read-only", info.user_id));
        }
        MatrixCommand::SignOut { user } => {
            isthmus_matrix::sign_out(&engine, &user).await?;
            context.print(&serde_json::json!({ "signed_out": user }), || format!("signed out {user}"));
        }
        MatrixCommand::Open { user, peer } => {
            isthmus_matrix::start(&engine, &user).await?;
            let conversation = engine.open_matrix_chat(&user, &peer).await?;
            context.print(&conversation, || {
                format!("chat with {peer} open: send with --from {} --to {}", conversation.account, conversation.peer)
            });
        }
    }
    engine.shutdown().await?;
    Ok(ExitCode::SUCCESS)
}
