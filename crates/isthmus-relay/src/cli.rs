//! The `isthmus-relay` command line: `run` serves a network, `check-config` validates what `run`
//! would read, `key` prints the relay's public key, `reports` lists the reports users filed,
//! `migrate-from-sled` moves an older relay's data into the SQL store (the last two in `admin`).
//!
//! It lives in the library so that end-to-end tests can build the very same command as a binary
//! of their own package and start it as a process (to kill it the hard way).

use std::io::{IsTerminal as _, Write as _};
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::net::client_addr::TrustedProxies;
use crate::net::tls::TlsFiles;
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
    /// Check a configuration (the file, the peers file, the TLS certificate and key) as `run`
    /// would read it, and exit non-zero with the reason when something is wrong.
    CheckConfig(RunArgs),
    /// Create the relay key in the data folder if it is missing and print its public key (base64),
    /// for operators to exchange when they peer.
    Key {
        #[arg(long, env = "ISTHMUS_RELAY_DATA_DIR")]
        data_dir: PathBuf,
    },
    /// List the reports users filed, newest first. They include the message text the reporting
    /// users chose to share. Reads the relay's database, also while the relay runs.
    Reports(crate::admin::ReportsArgs),
    /// Move an older relay's data (its sled database, DIR/db) into the SQL store: SQLite in the
    /// data folder (DIR unless --data-dir says otherwise), or PostgreSQL with --database-url.
    /// Run it before the new relay's first start; the old folder is left as it was.
    MigrateFromSled(crate::admin::MigrateArgs),
    /// Invitations to register, for a network whose registration policy is `invite`.
    #[command(subcommand)]
    Invite(crate::admin::InviteCommand),
    /// Print the HTTP API as an OpenAPI document (YAML), generated from the relay's own code:
    /// what docs/openapi.yaml holds.
    Openapi,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
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
    /// The folder for the database, media and the relay key.
    #[arg(long, env = "ISTHMUS_RELAY_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Keep the relay's state in this PostgreSQL database (postgres://...) instead of SQLite in
    /// the data folder.
    #[arg(long, env = "ISTHMUS_RELAY_DATABASE_URL")]
    database_url: Option<String>,
    /// Keep media where every node of the network sees it: s3://bucket/prefix (settings from
    /// the AWS_* environment, e.g. AWS_ENDPOINT) or file:///shared/folder. Needs --database-url.
    #[arg(long, env = "ISTHMUS_RELAY_MEDIA_URL")]
    media_url: Option<String>,
    /// The peers file: [[peer]] domain, url, public_key.
    #[arg(long)]
    peers: Option<PathBuf>,
    /// Keep everything in memory (nothing survives a restart). Without a data folder this is required.
    #[arg(long)]
    ephemeral: bool,
    /// PEM certificate chain: the relay terminates TLS itself (with --tls-key). Reloaded on SIGHUP.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key of the certificate.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Who may register: open (anyone), invite (holders of `invite create` tokens) or closed.
    /// Overrides `registration` in the configuration file.
    #[arg(long, value_enum)]
    registration: Option<crate::RegistrationPolicy>,
    /// Log lines as text (the default) or as JSON objects, one per line.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
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
        Command::Reports(args) => crate::admin::reports(args),
        Command::MigrateFromSled(args) => crate::admin::migrate_from_sled(args),
        Command::Invite(command) => crate::admin::invite(command),
        Command::Openapi => {
            print!("{}", crate::openapi::document_yaml());
            Ok(())
        }
        Command::CheckConfig(args) => check_config(args),
        Command::Run(args) => {
            init_tracing(args.log_format);
            let config = build_config(args)?;
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            let result = runtime.block_on(run(config));
            // A task still blocked somewhere must not hold the process after the relay stopped.
            runtime.shutdown_timeout(SHUTDOWN_MARGIN);
            result
        }
    }
}

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => builder.json().with_current_span(true).init(),
    }
}

/// `check-config`: everything `run` reads, read the same way, without binding or opening anything.
fn check_config(args: RunArgs) -> anyhow::Result<()> {
    let config = build_config(args)?;
    if let Some(files) = &config.tls {
        files.server_config().context("the TLS certificate and key")?;
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "ok: network={} listen={} tls={} peers={} data_dir={}",
        config.domain,
        config.listen,
        if config.tls.is_some() { "on" } else { "off" },
        config.peers.len(),
        config.data_dir.as_ref().map_or_else(|| "(in memory)".to_owned(), |dir| dir.display().to_string()),
    )?;
    if config.tls.is_none() && !config.listen.ip().is_loopback() {
        writeln!(
            stdout,
            "note: plain HTTP on {}: put a TLS-terminating proxy in front, or pass --tls-cert and --tls-key",
            config.listen
        )?;
    }
    Ok(())
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
    let tls = match (args.tls_cert.or(file.tls_cert), args.tls_key.or(file.tls_key)) {
        (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
        (None, None) => None,
        _ => bail!("TLS needs both a certificate and its key (tls_cert and tls_key)"),
    };
    let mut config = RelayConfig::new(domain);
    config.listen = listen;
    config.data_dir = data_dir;
    config.database_url = args.database_url.or(file.database_url);
    config.media_url = args.media_url.or(file.media_url);
    config.peers = peers;
    config.limits = file.limits;
    config.registration = args.registration.unwrap_or(file.registration);
    config.tls = tls;
    config.trusted_proxies = TrustedProxies::parse(&file.trusted_proxies).map_err(anyhow::Error::msg)?;
    config.metrics_allow = TrustedProxies::parse(&file.metrics_allow)
        .map_err(|error| anyhow::anyhow!(error.replace("trusted_proxies", "metrics_allow")))?;
    Ok(config)
}

async fn run(config: RelayConfig) -> anyhow::Result<()> {
    let relay = crate::start(config).await.context("starting the relay")?;
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
    let grace = std::time::Duration::from_millis(relay.limits().shutdown_grace_ms);
    wait_for_termination(&relay).await?;
    tracing::info!("shutting down");
    // The relay bounds its own shutdown; this bounds anything it did not foresee.
    if tokio::time::timeout(grace + SHUTDOWN_MARGIN, relay.shutdown()).await.is_err() {
        tracing::error!("the relay did not stop within its shutdown grace; exiting anyway");
    }
    Ok(())
}

/// Time allowed past the shutdown grace before the process exits regardless.
const SHUTDOWN_MARGIN: std::time::Duration = std::time::Duration::from_secs(5);

/// Waits for SIGTERM or Ctrl-C; a SIGHUP meanwhile reloads the TLS certificate.
async fn wait_for_termination(relay: &crate::RunningRelay) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
        let mut hangup = signal(SignalKind::hangup()).context("listening for SIGHUP")?;
        loop {
            tokio::select! {
                result = tokio::signal::ctrl_c() => return result.context("listening for Ctrl-C"),
                _ = terminate.recv() => return Ok(()),
                _ = hangup.recv() => match relay.reload_tls() {
                    Ok(()) => {}
                    Err(error) => tracing::error!(%error, "SIGHUP: the TLS certificate was not reloaded; the old one stays"),
                },
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = relay;
        tokio::signal::ctrl_c().await.context("listening for Ctrl-C")
    }
}
