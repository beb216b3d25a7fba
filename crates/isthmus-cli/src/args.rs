//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use isthmus_proto::api::{Discoverability, ReportReason};

#[derive(Parser, Debug)]
#[command(
    name = "isthmus-cli",
    version,
    about = "Isthmus from the command line: profiles, accounts, messages, consent"
)]
pub struct Cli {
    /// The profile folder.
    #[arg(long, global = true, env = "ISTHMUS_PROFILE")]
    pub profile: Option<PathBuf>,
    /// Read the passphrase from this file (first line). Otherwise ISTHMUS_PASSPHRASE, else a prompt.
    #[arg(long, global = true)]
    pub passphrase_file: Option<PathBuf>,
    /// Machine-readable output: one JSON value per line.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create or unlock a profile.
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Add and list accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Which other networks may reach an account (none by default).
    #[command(subcommand)]
    Interop(InteropCommand),
    /// Message requests: list, accept, delete.
    #[command(subcommand)]
    Request(RequestCommand),
    /// Decisions about one person: confirm, block, report, verify, acknowledge a key change.
    #[command(subcommand)]
    Contact(ContactCommand),
    /// The account's identity key.
    #[command(subcommand)]
    Identity(IdentityCommand),
    /// Print the consent record (every decision, oldest first) as JSON.
    Ledger {
        /// Write it to this file instead.
        #[arg(long)]
        export: Option<std::path::PathBuf>,
    },
    /// Show or set the inbox layout: combined, or separate (other networks in their own folder).
    InboxLayout { layout: Option<String> },
    /// Send a text message and wait until the relay has it.
    Send(SendArgs),
    /// Send a file (images are re-encoded without metadata and get a thumbnail).
    SendFile(crate::media_commands::SendFileArgs),
    /// Groups across networks: create, change, send, invitations, who may add you.
    #[command(subcommand)]
    Group(crate::group_commands::GroupCommand),
    /// Download an attachment through your own relay and save it.
    Download(crate::media_commands::DownloadArgs),
    /// Benchmarks (not tests): measure, print a table with ratios against a baseline.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Connect and print events as they happen.
    Listen(ListenArgs),
    /// List conversations, most recent first.
    Conversations {
        #[arg(long)]
        account: Option<String>,
    },
    /// List a conversation's messages, newest first.
    Messages(MessagesArgs),
    /// Start two peered networks on loopback with demo people, and print how to join them.
    Sandbox(SandboxArgs),
    /// Run scenario files: scripted consent flows with a pass/fail report (docs/scenarios.md).
    #[command(subcommand)]
    Scenario(ScenarioCommand),
    /// Show, set or clear the draft of a chat (what was written there and not sent yet).
    Draft {
        #[arg(long)]
        account: String,
        #[arg(long)]
        peer: String,
        /// Keep this text as the chat's draft (an empty text clears it).
        #[arg(long)]
        set: Option<String>,
    },
    /// Matrix accounts: sign in, turn on or off, sign out, open a direct chat.
    #[command(subcommand)]
    Matrix(crate::matrix_commands::MatrixCommand),
    /// Search the messages of every account and chat (or of one chat) by the start of their words.
    Search(crate::search_command::SearchArgs),
    /// Show the safety number with a contact.
    SafetyNumber {
        #[arg(long)]
        account: String,
        #[arg(long)]
        peer: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ProfileCommand {
    /// Create a new profile (asks for the passphrase twice at a prompt).
    Create {
        /// Argon2id memory in KiB (default 65536). Lower only for throwaway test profiles.
        #[arg(long, hide = true)]
        kdf_memory_kib: Option<u32>,
    },
    /// Check that the passphrase opens the profile.
    Unlock,
    /// Change the passphrase; the new one comes from ISTHMUS_NEW_PASSPHRASE or a prompt.
    ChangePassphrase,
}

#[derive(Subcommand, Debug)]
pub enum AccountCommand {
    /// Register an account on a relay and add it to the profile.
    Add {
        /// The relay's base URL, e.g. https://meadow.example
        #[arg(long)]
        relay: String,
        #[arg(long)]
        name: String,
        /// A PEM CA certificate the relay's certificate chains to, for a private deployment
        /// (trusted for this account only, besides the system's and the bundled web roots).
        #[arg(long, value_name = "FILE")]
        ca_file: Option<PathBuf>,
        /// Allow a plain http:// relay on another machine. INSECURE: the device secret and every
        /// message's metadata cross the network readable; only for a test network you control.
        #[arg(long)]
        allow_insecure_http: bool,
        /// An invitation token from the network's operator, when its registration needs one.
        #[arg(long, value_name = "TOKEN")]
        invite: Option<String>,
    },
    List,
    /// Show or set who may find the account: everyone, or only people it wrote to, accepted or
    /// exchanged messages with (everyone else finds it as a missing account).
    Discoverability {
        #[arg(long)]
        account: String,
        /// everyone or contacts; without it, shows the setting.
        #[arg(long)]
        set: Option<Discoverability>,
    },
}

#[derive(Subcommand, Debug)]
pub enum InteropCommand {
    /// Show the disclosure for a network: what turning interop on means.
    Disclosure {
        #[arg(long)]
        network: String,
    },
    /// Let a network reach the account. Requires the version of the disclosure you were shown.
    Enable {
        #[arg(long)]
        account: String,
        #[arg(long)]
        network: String,
        /// The disclosure version you accept (from `interop disclosure`).
        #[arg(long)]
        accept_disclosure: String,
    },
    /// Stop a network from reaching the account; chats with it become read-only.
    Disable {
        #[arg(long)]
        account: String,
        #[arg(long)]
        network: String,
    },
    Show {
        #[arg(long)]
        account: String,
    },
    /// Networks the account allowed under an older disclosure: show the current one and enable
    /// them again before their people can add the account to groups.
    Review {
        #[arg(long)]
        account: String,
    },
}

/// An account and another person.
#[derive(Args, Debug, Clone)]
pub struct Pair {
    #[arg(long)]
    pub account: String,
    #[arg(long)]
    pub peer: String,
}

#[derive(Subcommand, Debug)]
pub enum RequestCommand {
    /// List pending message requests.
    List {
        #[arg(long)]
        account: Option<String>,
    },
    /// Accept: the request becomes a normal chat.
    Accept(Pair),
    /// Delete: the request is gone; a later message opens a new one.
    Delete(Pair),
}

#[derive(Subcommand, Debug)]
pub enum ContactCommand {
    /// Show what was decided about a person (verified, blocked, key change held...).
    Show(Pair),
    /// Confirm writing to someone on another network for the first time.
    Confirm(Pair),
    /// Block: the relay refuses them from every network.
    Block(Pair),
    Unblock(Pair),
    /// Report to your own relay, with the messages you name, optionally blocking too.
    Report {
        #[command(flatten)]
        pair: Pair,
        /// spam, fraud, harassment or other.
        #[arg(long, default_value = "spam")]
        reason: ReportReason,
        #[arg(long, default_value = "")]
        note: String,
        /// A message id to include (repeatable).
        #[arg(long = "message")]
        messages: Vec<String>,
        #[arg(long)]
        block: bool,
    },
    /// Acknowledge a changed safety number; sending resumes.
    AcknowledgeKey(Pair),
    /// Mark the safety number verified (or, with --undo, not verified).
    Verify {
        #[command(flatten)]
        pair: Pair,
        #[arg(long)]
        undo: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum IdentityCommand {
    /// Replace the account's identity key: everyone will see a changed safety number.
    Reset {
        #[arg(long)]
        account: String,
    },
}

#[derive(Args, Debug)]
pub struct SendArgs {
    #[arg(long)]
    pub from: String,
    #[arg(long)]
    pub to: String,
    /// Reply to this message id.
    #[arg(long)]
    pub reply_to: Option<String>,
    /// Seconds to wait for the relay to accept the message; it stays queued after that.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    pub text: String,
}

#[derive(Args, Debug)]
pub struct ListenArgs {
    /// Stop once every account's queued messages have been received.
    #[arg(long)]
    pub until_drained: bool,
    /// Stop after this many seconds.
    #[arg(long)]
    pub seconds: Option<u64>,
}

#[derive(Args, Debug)]
pub struct MessagesArgs {
    #[arg(long)]
    pub account: String,
    #[arg(long)]
    pub peer: String,
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Show messages before this position (for paging).
    #[arg(long)]
    pub before: Option<u64>,
    /// Then stay connected and print the chat's new and changed messages as they come, for
    /// `--seconds` or until interrupted. Nothing that arrives while the page is read is missed.
    #[arg(long, conflicts_with = "before")]
    pub follow: bool,
    /// How long `--follow` follows.
    #[arg(long, requires = "follow")]
    pub seconds: Option<u64>,
}

#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// Keep the relays' data here instead of a temporary folder.
    #[arg(long)]
    pub data_dir: Option<std::path::PathBuf>,
    /// Where meadow.test's relay listens.
    #[arg(long, default_value = "127.0.0.1:7701")]
    pub meadow_listen: String,
    /// Where harbor.test's relay listens.
    #[arg(long, default_value = "127.0.0.1:7702")]
    pub harbor_listen: String,
    /// Stop after this many seconds (default: run until interrupted).
    #[arg(long)]
    pub seconds: Option<u64>,
}

#[derive(Subcommand, Debug)]
pub enum ScenarioCommand {
    /// Run scenario files in order; exit 0 if every expectation held, 1 if one failed, 2 if a file is malformed.
    Run {
        /// Scenario files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Also write the results as JUnit XML to this file.
        #[arg(long)]
        junit: Option<PathBuf>,
        /// Use a running relay for a network instead of starting one: NETWORK=URL (repeatable).
        #[arg(long, value_name = "NETWORK=URL")]
        relay: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// The relay under WebSocket load, against a forwarder that keeps nothing, and across two
    /// peered relays: messages per second and delivery latency percentiles.
    Relay {
        #[arg(long, default_value_t = 50)]
        pairs: usize,
        #[arg(long, default_value_t = 100)]
        messages: usize,
        /// Ciphertext bytes per message.
        #[arg(long, default_value_t = 512)]
        payload: usize,
        /// Messages each sender keeps in flight: 1 is a person who waits for "sent" before the
        /// next message (latency), 32 is the relay's per-socket limit (throughput under
        /// saturation, where latency is mostly time spent queued).
        #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=32))]
        window: u16,
        /// Also run a network of two relay nodes on this PostgreSQL database (postgres://...),
        /// senders on one node and receivers on the other. The database should be empty or hold
        /// only an earlier run's tables: the run registers its accounts there.
        #[arg(long, value_name = "URL", env = "ISTHMUS_BENCH_POSTGRES_URL")]
        postgres: Option<String>,
    },
}
