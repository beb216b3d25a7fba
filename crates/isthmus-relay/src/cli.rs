//! The `isthmus-relay` command line: `run` serves a network, `key` prints the relay's public key,
//! `reports` lists the reports users filed.
//!
//! It lives in the library so that end-to-end tests can build the very same command as a binary
//! of their own package and start it as a process (to kill it the hard way).

use std::io::{IsTerminal as _, Write as _};
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::{relay_key, ConfigFile, Peer, RelayConfig};
use anyhow::{bail, Context as _};
use clap::{Parser, Subcommand};
use isthmus_proto::NetworkName;

/// Where the relay listens when neither the configuration nor a flag says.
const DEFAULT_LISTEN: &str = "127.0.0.1:7070";

#[derive(Parser)]
#[command(name = "isthmus-relay", version, about = "An Isthmus network's relay")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve a network. Flags override the configuration file.
    Run(RunArgs),
    /// Create the relay key in the data folder if it is missing and print its public key (base64),
    /// for operators to exchange when they peer.
    Key {
        #[arg(long, env = "ISTHMUS_RELAY_DATA_DIR")]
        data_dir: PathBuf,
    },
    /// List the reports users filed, newest first. They include the message text the reporting
    /// users chose to share. Reads the database, so the relay must be stopped.
    Reports {
        #[arg(long, env = "ISTHMUS_RELAY_DATA_DIR")]
        data_dir: PathBuf,
        /// Print a JSON array instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(clap::Args)]
struct RunArgs {
    /// A TOML configuration file (domain, listen, data_dir, peers_file, [limits]).
    #[arg(long, env = "ISTHMUS_RELAY_CONFIG")]
    config: Option<PathBuf>,
    /// The network's name, such as meadow.example.
    #[arg(long)]
    domain: Option<String>,
    /// The address to listen on (default 127.0.0.1:7070).
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// The folder for the database and the relay key.
    #[arg(long, env = "ISTHMUS_RELAY_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// The peers file: [[peer]] domain, url, public_key.
    #[arg(long)]
    peers: Option<PathBuf>,
    /// Keep everything in memory (nothing survives a restart). Without a data folder this is required.
    #[arg(long)]
    ephemeral: bool,
    /// Exit (code 70) when the relay's async runtime has made no progress for this many seconds,
    /// so that a supervisor restarts it; 0 turns this off. See `watchdog`.
    #[arg(long, default_value_t = 60)]
    stall_exit_secs: u64,
}

/// Runs the command line and maps errors to a message on stderr and a failing exit code.
pub fn main() -> std::process::ExitCode {
    match run_cli() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run_cli() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Key { data_dir } => {
            let key = relay_key::load_or_create(&data_dir).context("loading the relay key")?;
            println!("{}", relay_key::public_key_base64(&key));
            Ok(())
        }
        Command::Reports { data_dir, json } => print_reports(&data_dir, json),
        Command::Run(args) => {
            init_tracing();
            let stall_limit = (args.stall_exit_secs > 0).then(|| std::time::Duration::from_secs(args.stall_exit_secs));
            let config = build_config(args)?;
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?
                .block_on(run(config, stall_limit))
        }
    }
}

fn print_reports(data_dir: &std::path::Path, json: bool) -> anyhow::Result<()> {
    let path = data_dir.join(crate::DATABASE_DIR);
    if !path.is_dir() {
        bail!("no relay database in {}", data_dir.display());
    }
    let store = match crate::store::SledStore::open(&path) {
        Err(crate::store::StoreError::Backend(message)) if message.to_lowercase().contains("lock") => {
            bail!("the database is in use, probably by a running relay: stop it first")
        }
        other => other.context("opening the relay database")?,
    };
    let reports = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("starting the async runtime")?
        .block_on(crate::store::RelayStore::reports(&store, usize::MAX))
        .context("reading the reports")?;
    let mut stdout = std::io::stdout().lock();
    if json {
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

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

fn build_config(args: RunArgs) -> anyhow::Result<RelayConfig> {
    let file = match &args.config {
        Some(path) => ConfigFile::load(path)?,
        None => ConfigFile::default(),
    };
    let Some(domain) = args.domain.or(file.domain) else {
        bail!("the network's domain is missing: pass --domain or set `domain` in the configuration");
    };
    let domain = NetworkName::parse(&domain).with_context(|| format!("domain {domain:?}"))?;
    let listen = match args.listen.or(file.listen) {
        Some(listen) => listen,
        None => DEFAULT_LISTEN.parse().context("the default listen address")?,
    };
    let data_dir = args.data_dir.or(file.data_dir);
    if data_dir.is_none() && !args.ephemeral {
        bail!("no data folder: pass --data-dir (or --ephemeral to keep everything in memory)");
    }
    let peers = match args.peers.or(file.peers_file) {
        Some(path) => Peer::load_file(&path)?,
        None => Vec::new(),
    };
    let mut config = RelayConfig::new(domain);
    config.listen = listen;
    config.data_dir = data_dir;
    config.peers = peers;
    config.limits = file.limits;
    Ok(config)
}

/// The exit code of a relay the watchdog stopped (EX_SOFTWARE): a supervisor restarts it.
const STALLED_EXIT_CODE: i32 = 70;

async fn run(config: RelayConfig, stall_limit: Option<std::time::Duration>) -> anyhow::Result<()> {
    let relay = crate::start(config).await.context("starting the relay")?;
    let _watchdog = stall_limit.map(|limit| {
        crate::watchdog::start(limit, |silent| {
            tracing::error!(
                silent_secs = silent.as_secs(),
                "the relay stopped making progress; exiting to be restarted"
            );
            eprintln!("isthmus-relay: no progress for {}s; exiting so that it can be restarted", silent.as_secs());
            std::process::exit(STALLED_EXIT_CODE);
        })
    });
    {
        let mut stdout = std::io::stdout().lock();
        writeln!(
            stdout,
            "isthmus-relay listening on {} network={} public_key={}",
            relay.url(),
            relay.domain(),
            relay.public_key_base64()
        )?;
        stdout.flush()?;
    }
    wait_for_signal().await?;
    tracing::info!("shutting down");
    relay.shutdown().await;
    Ok(())
}

async fn wait_for_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.context("listening for Ctrl-C")?,
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await.context("listening for Ctrl-C")?;
    Ok(())
}
