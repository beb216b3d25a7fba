//! isthmus-cli: a headless Isthmus client for people, scripts and testers.
#![deny(unsafe_code)]

mod args;
mod bench;
mod commands;
mod consent_commands;
mod context;
mod group_commands;
mod matrix_commands;
mod media_commands;
mod passphrase;
mod sandbox;
mod scenario;
mod search_command;

use std::process::ExitCode;

use clap::Parser;

/// The relay's allocator (see isthmus-relay's main.rs): the sandbox and `bench relay` run relays
/// in this process.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    tracing_subscriber::fmt().with_env_filter(log_filter()).with_writer(std::io::stderr).init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let json = cli.json;
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(error) => {
            let user = match error.downcast_ref::<isthmus_core::Error>() {
                Some(core) => isthmus_core::UserError::from(core),
                None => {
                    isthmus_core::UserError { code: isthmus_core::ErrorCode::Internal, message: format!("{error:#}") }
                }
            };
            if json {
                let line = serde_json::json!({ "error": user }).to_string();
                eprintln!("{}", isthmus_core::untrusted_text::json_for_terminal(&line));
            } else {
                eprintln!("error: {}", isthmus_core::untrusted_text::for_terminal(&user.message, false));
            }
            ExitCode::FAILURE
        }
    }
}

/// ISTHMUS_LOG (default "warn"), with libsignal's own logging always off: it names the
/// addresses it works with, and no user data goes into logs.
fn log_filter() -> tracing_subscriber::EnvFilter {
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("ISTHMUS_LOG").unwrap_or_else(|_| "warn".into());
    // matrix-sdk's own lines name rooms and people (and warn about key backups Isthmus does not
    // use): only its errors are shown.
    let quiet = ["libsignal_protocol_syft=off", "libsignal_core_syft=off", "spqr_syft=off", "matrix_sdk=error"];
    let quiet =
        quiet.into_iter().chain(["matrix_sdk_crypto=error", "matrix_sdk_base=error", "matrix_sdk_sqlite=error"]);
    for quiet in quiet {
        if let Ok(directive) = quiet.parse() {
            filter = filter.add_directive(directive);
        }
    }
    filter
}
