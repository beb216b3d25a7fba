//! What each command does.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use isthmus_core::{Event, KdfParams, MessageStatus, Outgoing, Profile, RelayTrust};

use crate::args::{AccountCommand, Cli, Command, ListenArgs, MessagesArgs, ProfileCommand, SandboxArgs, SendArgs};
use crate::context::{address, shown, CliContext};
use crate::passphrase;

pub async fn run(cli: Cli) -> Result<ExitCode> {
    let context = CliContext::new(cli.json, cli.profile.clone(), cli.passphrase_file.clone());
    match cli.command {
        Command::Profile(command) => profile(&context, command),
        Command::Account(command) => account(&context, command).await,
        Command::Interop(command) => crate::consent_commands::interop(&context, command).await,
        Command::Request(command) => crate::consent_commands::request(&context, command).await,
        Command::Contact(command) => crate::consent_commands::contact(&context, command).await,
        Command::Identity(command) => crate::consent_commands::identity(&context, command).await,
        Command::Ledger { export } => crate::consent_commands::ledger(&context, export),
        Command::InboxLayout { layout } => crate::consent_commands::inbox_layout(&context, layout),
        Command::Send(args) => send(&context, args).await,
        Command::Listen(args) => listen(&context, args).await,
        Command::Conversations { account } => {
            let engine = context.engine()?;
            let account = account.as_deref().map(address).transpose()?;
            let conversations = engine.conversations(account.as_ref())?;
            for conversation in &conversations {
                context.print(conversation, || {
                    format!(
                        "{}  {} <-> {}  unread {}  {}",
                        conversation.id,
                        conversation.account,
                        conversation.peer,
                        conversation.unread,
                        shown(&conversation.last_preview)
                    )
                });
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Messages(args) => messages(&context, args).await,
        Command::Sandbox(args) => run_sandbox(&context, args).await,
        Command::Bench(crate::args::BenchCommand::Relay { pairs, messages, payload, window, postgres }) => {
            let load = crate::bench::Load { pairs, messages, payload, window: usize::from(window) };
            crate::bench::relay_load(load, postgres.as_deref(), context.json).await
        }
        Command::SendFile(args) => crate::media_commands::send_file(&context, args).await,
        Command::Group(command) => crate::group_commands::run(&context, command).await,
        Command::Download(args) => crate::media_commands::download(&context, args).await,
        Command::Scenario(command) => crate::scenario::run(command, context.json).await,
        Command::Draft { account, peer, set } => {
            let engine = context.engine()?;
            let conversation = engine.conversation_id(&address(&account)?, &address(&peer)?);
            if let Some(text) = set {
                engine.save_draft(conversation, &text).await?;
            }
            let draft = engine.draft(&conversation)?;
            context.print(&draft, || match &draft {
                Some(draft) => format!("draft: {}", shown(&draft.text)),
                None => "no draft".into(),
            });
            Ok(ExitCode::SUCCESS)
        }
        Command::Search(args) => crate::search_command::search(&context, args).await,
        Command::Matrix(command) => crate::matrix_commands::run(&context, command).await,
        Command::SafetyNumber { account, peer } => {
            let engine = context.engine()?;
            let number = engine.safety_number(&address(&account)?, &address(&peer)?).await?;
            context.print(&number, || {
                number
                    .digits
                    .as_bytes()
                    .chunks(5)
                    .map(|c| String::from_utf8_lossy(c).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn profile(context: &CliContext, command: ProfileCommand) -> Result<ExitCode> {
    match command {
        ProfileCommand::Create { kdf_memory_kib } => {
            let passphrase = context.passphrase(true)?;
            let mut kdf = KdfParams::default();
            if let Some(memory) = kdf_memory_kib {
                kdf = KdfParams { m_cost: memory, ..kdf };
            }
            Profile::create(&context.profile_dir, &passphrase, kdf).map_err(isthmus_core::Error::from)?;
            let dir = context.profile_dir.display().to_string();
            context.print(&serde_json::json!({ "created": dir }), || format!("created profile {dir}"));
        }
        ProfileCommand::Unlock => {
            context.unlock()?;
            context.print(&serde_json::json!({ "unlocked": true }), || "the passphrase opens the profile".into());
        }
        ProfileCommand::ChangePassphrase => {
            let profile = context.unlock()?;
            let old = context.passphrase(false)?;
            let new = passphrase::read(None, "ISTHMUS_NEW_PASSPHRASE", true)?;
            profile.change_passphrase(&old, &new, KdfParams::default()).map_err(isthmus_core::Error::from)?;
            context.print(&serde_json::json!({ "changed": true }), || "passphrase changed".into());
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn account(context: &CliContext, command: AccountCommand) -> Result<ExitCode> {
    let engine = context.engine()?;
    match command {
        AccountCommand::Add { relay, name, ca_file, allow_insecure_http, invite } => {
            let ca_pem = match ca_file {
                Some(path) => Some(
                    std::fs::read_to_string(&path)
                        .with_context(|| format!("reading the CA certificate {}", path.display()))?,
                ),
                None => None,
            };
            let trust = RelayTrust { ca_pem, allow_insecure_http };
            let info = engine.add_invited_account(&relay, &name, trust, invite.as_deref()).await?;
            context.print(&info, || format!("added {} on {}", info.address, info.relay_url));
        }
        AccountCommand::List => {
            for info in engine.accounts()? {
                context.print(&info, || {
                    let reach = if info.interop.is_empty() { "none".to_owned() } else { info.interop.join(", ") };
                    format!("{}  relay {}  other networks allowed: {reach}", info.address, info.relay_url)
                });
            }
        }
        AccountCommand::Discoverability { account, set } => {
            let account = address(&account)?;
            if let Some(discoverable_by) = set {
                engine.set_discoverability(&account, discoverable_by).await?;
            }
            let discoverable_by = engine.discoverability(&account).await?;
            let line = serde_json::json!({ "account": account.to_string(), "discoverable_by": discoverable_by });
            context.print(&line, || format!("{account} can be found by: {discoverable_by:?}").to_lowercase());
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn send(context: &CliContext, args: SendArgs) -> Result<ExitCode> {
    let engine = context.engine_with_matrix().await?;
    let from = address(&args.from)?;
    let to = address(&args.to)?;
    let mut events = engine.subscribe();
    if engine.matrix_accounts()?.iter().all(|account| account.address != from.account()) {
        engine.connect(&from)?;
    }
    let quote = args.reply_to.as_deref().map(str::parse).transpose()?;
    let message =
        engine.send(&from, &to, Outgoing::Text { body: args.text, quote }).await?.context("no message was created")?;
    await_relay_answer(context, &mut events, &message, &to, Duration::from_secs(args.timeout), |_, _| {}).await
}

/// Waits until the relay has taken `message` (exit 0) or refused it (exit 3, the code printed);
/// after `timeout` it stays queued (exit 4). `on_upload` sees upload progress meanwhile.
pub(crate) async fn await_relay_answer(
    context: &CliContext,
    events: &mut tokio::sync::broadcast::Receiver<Event>,
    message: &isthmus_core::Message,
    to: &dyn std::fmt::Display,
    timeout: Duration,
    on_upload: impl Fn(u64, u64),
) -> Result<ExitCode> {
    let wait = async {
        loop {
            match events.recv().await {
                Ok(Event::MessageUpdated { message: update })
                    if update.id == message.id && update.status != MessageStatus::Pending =>
                {
                    return Ok(update);
                }
                Ok(Event::Transfer {
                    message: id,
                    direction: isthmus_core::TransferDirection::Upload,
                    done,
                    total,
                    ..
                }) if id == message.id => on_upload(done, total),
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(error) => bail!("engine stopped: {error}"),
            }
        }
    };
    match tokio::time::timeout(timeout, wait).await {
        Ok(Ok(update)) if update.status == MessageStatus::Failed => {
            let code = update.failure.clone().unwrap_or_default();
            context.print(&update, || format!("not delivered: {code}"));
            Ok(ExitCode::from(3))
        }
        Ok(Ok(update)) => {
            context.print(&update, || format!("sent {} to {to}", update.id));
            Ok(ExitCode::SUCCESS)
        }
        Ok(Err(error)) => Err(error),
        Err(_) => {
            context.print(message, || {
                "the relay did not answer in time; the message stays queued and goes out with the next command that connects"
                    .into()
            });
            Ok(ExitCode::from(4))
        }
    }
}

pub(crate) fn print_message(context: &CliContext, message: &isthmus_core::Message) {
    context.print(message, || {
        format!("#{} {} [{:?}] {}", message.seq, message.author, message.status, shown(&message.body))
    });
}

/// A page of a chat, oldest first; with `--follow`, then its new and changed messages live.
async fn messages(context: &CliContext, args: MessagesArgs) -> Result<ExitCode> {
    let engine = context.engine()?;
    let id = engine.conversation_id(&address(&args.account)?, &address(&args.peer)?);
    if !args.follow {
        let page = engine.messages(&id, args.before, args.limit)?;
        page.items.iter().rev().for_each(|message| print_message(context, message));
        return Ok(ExitCode::SUCCESS);
    }
    let mut timeline = engine.timeline(&id, args.limit)?;
    timeline.page.items.iter().rev().for_each(|message| print_message(context, message));
    engine.start()?;
    let follow = async {
        loop {
            match timeline.changes.recv().await {
                Ok(Event::MessageAdded { message } | Event::MessageUpdated { message })
                    if message.conversation == id =>
                {
                    print_message(context, &message);
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    eprintln!("warning: {missed} events were skipped; run `messages` again to catch up");
                }
                Err(_) => return,
            }
        }
    };
    let deadline = args.seconds.map(Duration::from_secs).unwrap_or(Duration::MAX);
    let _ = tokio::time::timeout(deadline, follow).await;
    engine.stop();
    Ok(ExitCode::SUCCESS)
}

async fn listen(context: &CliContext, args: ListenArgs) -> Result<ExitCode> {
    let engine = context.engine()?;
    let mut events = engine.subscribe();
    isthmus_matrix::start_all(&engine).await?;
    let accounts = engine.accounts()?;
    if accounts.is_empty() && engine.matrix_accounts()?.is_empty() {
        bail!("the profile has no account yet: add one with `isthmus-cli account add`");
    }
    engine.start()?;
    let mut waiting: std::collections::HashSet<String> = accounts.into_iter().map(|a| a.address).collect();
    let deadline = args.seconds.map(Duration::from_secs).unwrap_or(Duration::MAX);
    let stream = async {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if let Event::QueueDrained { account } = &event {
                        waiting.remove(account);
                    }
                    context.print(&event, || describe(&event));
                    if args.until_drained && waiting.is_empty() {
                        // Let the sender flush the receipts just queued.
                        tokio::time::sleep(Duration::from_millis(300)).await;
                        return;
                    }
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    eprintln!("warning: {missed} events were skipped; query to catch up");
                }
                Err(_) => return,
            }
        }
    };
    let _ = tokio::time::timeout(deadline, stream).await;
    engine.stop();
    Ok(ExitCode::SUCCESS)
}

fn describe(event: &Event) -> String {
    match event {
        Event::MessageAdded { message } => format!("message from {}: {}", message.author, shown(&message.body)),
        Event::MessageUpdated { message } => format!("message {} is now {:?}", message.id, message.status),
        Event::ConversationChanged { conversation } => {
            format!("conversation with {} ({} unread)", conversation.peer, conversation.unread)
        }
        Event::Typing { author, started, .. } => {
            format!("{author} {}", if *started { "is typing" } else { "stopped typing" })
        }
        Event::Connection { account, state, .. } => format!("{account}: {state:?}"),
        Event::QueueDrained { account } => format!("{account}: up to date"),
        Event::KeyChanged { peer, .. } => {
            format!("the safety number with {peer} changed: sending is held until you acknowledge it")
        }
        Event::Transfer { direction, done, total, .. } => {
            format!("{direction:?}: {} of {} KiB", done / 1024, total / 1024)
        }
        Event::ConversationRemoved { conversation } => format!("conversation {conversation} removed"),
        Event::ConsentRecorded { entry } => {
            format!("recorded: {:?} {} for {}", entry.decision, entry.counterpart, entry.account)
        }
    }
}

async fn run_sandbox(context: &CliContext, args: SandboxArgs) -> Result<ExitCode> {
    let sandbox = crate::sandbox::Sandbox::start(args.data_dir, &args.meadow_listen, &args.harbor_listen).await?;
    let people: Vec<serde_json::Value> = sandbox
        .people
        .iter()
        .map(|p| serde_json::json!({ "address": p.address.to_string(), "does": p.role }))
        .collect();
    let summary = serde_json::json!({
        "networks": [
            { "network": crate::sandbox::MEADOW, "relay": sandbox.meadow.url() },
            { "network": crate::sandbox::HARBOR, "relay": sandbox.harbor.url() },
        ],
        "people": people,
        "data_dir": sandbox.data_dir.display().to_string(),
    });
    context.print(&summary, || {
        let mut text = String::from("Isthmus sandbox: two peered networks on this machine.\n\n");
        text.push_str(&format!(
            "  {}  relay {}\n  {}  relay {}\n\nDemo people:\n",
            crate::sandbox::MEADOW,
            sandbox.meadow.url(),
            crate::sandbox::HARBOR,
            sandbox.harbor.url()
        ));
        for person in &sandbox.people {
            text.push_str(&format!("  {:<24} {}\n", person.address.to_string(), person.role));
        }
        let meadow_url = sandbox.meadow.url();
        let (m, h) = (crate::sandbox::MEADOW, crate::sandbox::HARBOR);
        text += "\nJoin from another terminal:\n";
        for line in [
            "export ISTHMUS_PROFILE=$(mktemp -d)/me ISTHMUS_PASSPHRASE=sandbox".to_owned(),
            "isthmus-cli profile create".to_owned(),
            format!("isthmus-cli account add --relay {meadow_url} --name me"),
            format!("isthmus-cli interop disclosure --network {h}"),
            format!(
                "isthmus-cli interop enable --account me@{m} --network {h} --accept-disclosure {}",
                isthmus_core::DISCLOSURE_VERSION
            ),
            format!("isthmus-cli contact confirm --account me@{m} --peer juniper@{h}"),
            format!("isthmus-cli send --from me@{m} --to juniper@{h} \"hello\""),
            "isthmus-cli listen".to_owned(),
        ] {
            text.push_str(&format!("  {line}\n"));
        }
        text.push_str(&format!("\nData: {}\nPress Ctrl-C to stop.", sandbox.data_dir.display()));
        text
    });
    let until = async {
        match args.seconds {
            Some(seconds) => tokio::time::sleep(Duration::from_secs(seconds)).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        () = until => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(ExitCode::SUCCESS)
}
