//! Attachments from the command line: send a file, download and save one, with progress bars.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::Args;
use isthmus_core::{Event, MessageId, TransferDirection};

use crate::context::{address, CliContext};

#[derive(Args, Debug)]
pub struct SendFileArgs {
    #[arg(long)]
    pub from: String,
    #[arg(long)]
    pub to: String,
    /// Text to go with the file.
    #[arg(long, default_value = "")]
    pub caption: String,
    /// Send the bytes as they are: an image keeps its metadata and gets no thumbnail.
    #[arg(long)]
    pub as_file: bool,
    /// Seconds to wait for the upload and the relay's answer; the message stays queued after that.
    #[arg(long, default_value_t = 600)]
    pub timeout: u64,
    pub path: PathBuf,
}

#[derive(Args, Debug)]
pub struct DownloadArgs {
    #[arg(long)]
    pub account: String,
    #[arg(long)]
    pub peer: String,
    /// The message id (from `messages --json`).
    #[arg(long)]
    pub message: String,
    /// Which attachment of the message (0 for the first).
    #[arg(long, default_value_t = 0)]
    pub index: u32,
    /// The folder to save into.
    #[arg(long, default_value = ".")]
    pub to: PathBuf,
}

/// Draws `[#####.....]  45%  12.3 / 27.0 MiB` on stderr, when stderr is a terminal.
struct ProgressBar {
    label: &'static str,
    enabled: bool,
}

impl ProgressBar {
    fn new(label: &'static str, json: bool) -> Self {
        Self { label, enabled: !json && std::io::stderr().is_terminal() }
    }

    fn show(&self, done: u64, total: u64) {
        if !self.enabled || total == 0 {
            return;
        }
        let filled = (done.min(total) * 30 / total) as usize;
        let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
        eprint!(
            "\r{} [{}{}] {:>3}%  {:.1} / {:.1} MiB",
            self.label,
            "#".repeat(filled),
            ".".repeat(30 - filled),
            done * 100 / total,
            mib(done),
            mib(total)
        );
        let _ = std::io::stderr().flush();
    }

    fn finish(&self) {
        if self.enabled {
            eprintln!();
        }
    }
}

pub async fn send_file(context: &CliContext, args: SendFileArgs) -> Result<ExitCode> {
    let engine = context.engine()?;
    let (from, to) = (address(&args.from)?, address(&args.to)?);
    let mut events = engine.subscribe();
    engine.connect(&from)?;
    let message = engine.send_file(&from, &to, &args.path, &args.caption, args.as_file).await?;
    if let Some(note) = message.attachments.first().and_then(|a| a.note.clone()) {
        eprintln!("note: {note}");
    }
    let bar = ProgressBar::new("upload", context.json);
    let timeout = Duration::from_secs(args.timeout);
    let outcome = crate::commands::await_relay_answer(context, &mut events, &message, &to, timeout, |done, total| {
        bar.show(done, total)
    })
    .await;
    bar.finish();
    outcome
}

pub async fn download(context: &CliContext, args: DownloadArgs) -> Result<ExitCode> {
    let engine = context.engine()?;
    let (account, peer) = (address(&args.account)?, address(&args.peer)?);
    let conversation = engine.conversation_id(&account, &peer);
    let message: MessageId = args.message.parse()?;
    let mut events = engine.subscribe();
    let bar = ProgressBar::new("download", context.json);
    let progress =
        async {
            loop {
                match events.recv().await {
                    Ok(Event::Transfer {
                        message: id, direction: TransferDirection::Download, done, total, ..
                    }) if id == message => bar.show(done, total),
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(_) => return,
                }
            }
        };
    let download = engine.download_attachment(conversation, message, args.index);
    let downloaded = tokio::select! {
        result = download => result,
        () = progress => unreachable_progress(),
    };
    bar.finish();
    downloaded?;
    let saved = engine.save_attachment(conversation, message, args.index, &args.to).await?;
    if saved.extension_mismatch {
        eprintln!(
            "warning: {} does not look like what its name says (it looks like {}); open it with care",
            saved.path.display(),
            saved.detected_type.as_deref().unwrap_or("something else")
        );
    }
    context.print(&saved, || format!("saved {}", saved.path.display()));
    Ok(ExitCode::SUCCESS)
}

/// The progress loop only ends when the engine stops, which cannot happen while we hold it.
fn unreachable_progress() -> isthmus_core::Result<isthmus_core::Message> {
    Err(isthmus_core::Error::Stopped)
}
