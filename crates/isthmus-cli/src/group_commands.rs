//! Groups from the command line: create and change them, send to them, answer invitations, and
//! set who may add the account. Commands that send wait until what they queued has left (or
//! `--timeout` passed: it then goes out with the next command that connects).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};
use isthmus_core::{Engine, Group, GroupId, Membership, Outgoing};
use isthmus_proto::api::GroupAdds;
use isthmus_proto::Address;

use crate::context::{address, shown, CliContext};

#[derive(Subcommand, Debug)]
pub enum GroupCommand {
    /// Create a group with the account as its admin; each member's own setting decides whether
    /// they become a member or get an invitation.
    Create {
        #[arg(long)]
        account: String,
        #[arg(long)]
        name: String,
        /// Members (`name@network`), at most 255.
        #[arg(required = true)]
        members: Vec<String>,
        #[command(flatten)]
        wait: Wait,
    },
    /// Add people to a group (admins).
    Add {
        #[command(flatten)]
        group: Which,
        #[arg(required = true)]
        members: Vec<String>,
        #[command(flatten)]
        wait: Wait,
    },
    /// Remove a member (admins): they cannot read what follows.
    Remove {
        #[command(flatten)]
        group: Which,
        member: String,
        #[command(flatten)]
        wait: Wait,
    },
    /// Make a member an admin (admins).
    Admin {
        #[command(flatten)]
        group: Which,
        member: String,
        #[command(flatten)]
        wait: Wait,
    },
    /// Rename a group (admins).
    Rename {
        #[command(flatten)]
        group: Which,
        name: String,
        #[command(flatten)]
        wait: Wait,
    },
    /// Leave a group; its chat stays, read-only.
    Leave {
        #[command(flatten)]
        group: Which,
        #[command(flatten)]
        wait: Wait,
    },
    /// Send text to a group and wait until the relay has it.
    Send {
        #[command(flatten)]
        group: Which,
        /// Reply to this message id.
        #[arg(long)]
        reply_to: Option<String>,
        #[command(flatten)]
        wait: Wait,
        text: String,
    },
    /// Send a file to a group (uploaded once to your own relay).
    SendFile {
        #[command(flatten)]
        group: Which,
        #[arg(long, default_value = "")]
        caption: String,
        /// Send the bytes as they are: an image keeps its metadata and gets no thumbnail.
        #[arg(long)]
        as_file: bool,
        #[command(flatten)]
        wait: Wait,
        path: PathBuf,
    },
    /// The account's groups (member, invited, left or removed).
    List {
        #[arg(long)]
        account: Option<String>,
    },
    /// One group: name, members and their networks, admins, where the account stands.
    Show {
        #[command(flatten)]
        group: Which,
    },
    /// A group's messages, oldest first.
    Messages {
        #[command(flatten)]
        group: Which,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Invitations waiting for an answer.
    Invitations {
        #[arg(long)]
        account: Option<String>,
    },
    /// Accept an invitation: the group's messages reach you from now on.
    Accept {
        #[command(flatten)]
        group: Which,
    },
    /// Decline an invitation: the group is told nothing.
    Decline {
        #[command(flatten)]
        group: Which,
    },
    /// Report a member (or the person who invited you) to your own relay, with messages of
    /// theirs in the group you name, optionally blocking them too.
    Report {
        #[command(flatten)]
        group: Which,
        member: String,
        /// spam, fraud, harassment or other.
        #[arg(long, default_value = "spam")]
        reason: isthmus_proto::api::ReportReason,
        #[arg(long, default_value = "")]
        note: String,
        /// A message id to include (repeatable).
        #[arg(long = "message")]
        messages: Vec<String>,
        #[arg(long)]
        block: bool,
    },
    /// Show or set who may add the account to groups.
    Adds {
        #[arg(long)]
        account: String,
        /// networks (anyone on a network the account allows), contacts, or nobody; without it,
        /// shows the setting.
        #[arg(long)]
        set: Option<GroupAdds>,
    },
}

#[derive(Args, Debug)]
pub struct Which {
    #[arg(long)]
    pub account: String,
    /// The group's id (from `group list`).
    #[arg(long)]
    pub group: String,
}

impl Which {
    fn parse(&self) -> Result<(Address, GroupId)> {
        Ok((address(&self.account)?, self.group.parse()?))
    }
}

#[derive(Args, Debug)]
pub struct Wait {
    /// Seconds to wait for what this queued to leave; it stays queued after that.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
}

fn members(raw: &[String]) -> Result<Vec<Address>> {
    raw.iter().map(|member| address(member)).collect()
}

fn print_group(context: &CliContext, group: &Group) {
    context.print(group, || {
        let standing = match &group.membership {
            Membership::Member => "member".to_owned(),
            Membership::Invited { by } => format!("invited by {by}"),
            Membership::Left => "left".to_owned(),
            Membership::Removed => "removed".to_owned(),
        };
        let members = group
            .members
            .iter()
            .map(|m| if m.admin { format!("{} (admin)", m.address) } else { m.address.clone() })
            .collect::<Vec<_>>()
            .join(", ");
        format!("{}  {}  [{standing}]  {members}", group.id, shown(&group.name))
    });
}

/// Goes online and waits until the account's outbox is empty, or `timeout`.
async fn deliver(context: &CliContext, engine: &Engine, account: &Address, wait: &Wait) -> Result<ExitCode> {
    engine.connect(account)?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(wait.timeout);
    while engine.outbox_len(account)? > 0 {
        if tokio::time::Instant::now() >= deadline {
            context.print(&serde_json::json!({ "queued": engine.outbox_len(account)? }), || {
                "the relay did not take everything in time; the rest stays queued and goes out with the next command that connects".into()
            });
            return Ok(ExitCode::from(4));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn run(context: &CliContext, command: GroupCommand) -> Result<ExitCode> {
    let engine = context.engine()?;
    match command {
        GroupCommand::Create { account, name, members: raw, wait } => {
            let account = address(&account)?;
            engine.connect(&account)?;
            let group = engine.create_group(&account, &name, &members(&raw)?).await?;
            print_group(context, &group);
            deliver(context, &engine, &account, &wait).await
        }
        GroupCommand::Add { group, members: raw, wait } => {
            let (account, id) = group.parse()?;
            let changed = engine.add_group_members(&account, id, &members(&raw)?).await?;
            print_group(context, &changed);
            deliver(context, &engine, &account, &wait).await
        }
        GroupCommand::Remove { group, member, wait } => {
            let (account, id) = group.parse()?;
            print_group(context, &engine.remove_group_member(&account, id, &address(&member)?).await?);
            deliver(context, &engine, &account, &wait).await
        }
        GroupCommand::Admin { group, member, wait } => {
            let (account, id) = group.parse()?;
            print_group(context, &engine.make_group_admin(&account, id, &address(&member)?).await?);
            deliver(context, &engine, &account, &wait).await
        }
        GroupCommand::Rename { group, name, wait } => {
            let (account, id) = group.parse()?;
            print_group(context, &engine.rename_group(&account, id, &name).await?);
            deliver(context, &engine, &account, &wait).await
        }
        GroupCommand::Leave { group, wait } => {
            let (account, id) = group.parse()?;
            engine.connect(&account)?;
            print_group(context, &engine.leave_group(&account, id).await?);
            deliver(context, &engine, &account, &wait).await
        }
        GroupCommand::Send { group, reply_to, wait, text } => {
            let (account, id) = group.parse()?;
            let mut events = engine.subscribe();
            engine.connect(&account)?;
            let quote = reply_to.as_deref().map(str::parse).transpose()?;
            let Some(message) = engine.send_group(&account, id, Outgoing::Text { body: text, quote }).await? else {
                bail!("no message was created");
            };
            let timeout = Duration::from_secs(wait.timeout);
            crate::commands::await_relay_answer(context, &mut events, &message, &id, timeout, |_, _| {}).await
        }
        GroupCommand::SendFile { group, caption, as_file, wait, path } => {
            let (account, id) = group.parse()?;
            let mut events = engine.subscribe();
            engine.connect(&account)?;
            let message = engine.send_group_file(&account, id, &path, &caption, as_file).await?;
            let timeout = Duration::from_secs(wait.timeout);
            crate::commands::await_relay_answer(context, &mut events, &message, &id, timeout, |_, _| {}).await
        }
        GroupCommand::List { account } => {
            for info in engine.accounts()? {
                if account.as_ref().is_some_and(|wanted| *wanted != info.address) {
                    continue;
                }
                for group in engine.groups(&address(&info.address)?)? {
                    print_group(context, &group);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        GroupCommand::Show { group } => {
            let (account, id) = group.parse()?;
            let found = engine.group(&account, id)?.ok_or(isthmus_core::Error::NoSuchGroup)?;
            print_group(context, &found);
            Ok(ExitCode::SUCCESS)
        }
        GroupCommand::Messages { group, limit } => {
            let (account, id) = group.parse()?;
            let found = engine.group(&account, id)?.ok_or(isthmus_core::Error::NoSuchGroup)?;
            let page = engine.messages(&found.conversation, None, limit)?;
            for message in page.items.iter().rev() {
                crate::commands::print_message(context, message);
            }
            Ok(ExitCode::SUCCESS)
        }
        GroupCommand::Invitations { account } => {
            for info in engine.accounts()? {
                if account.as_ref().is_some_and(|wanted| *wanted != info.address) {
                    continue;
                }
                for group in engine.group_invitations(&address(&info.address)?)? {
                    print_group(context, &group);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        GroupCommand::Accept { group } => {
            let (account, id) = group.parse()?;
            print_group(context, &engine.accept_group_invitation(&account, id).await?);
            Ok(ExitCode::SUCCESS)
        }
        GroupCommand::Decline { group } => {
            let (account, id) = group.parse()?;
            engine.decline_group_invitation(&account, id).await?;
            context.print(&serde_json::json!({ "declined": id }), || format!("declined the invitation to {id}"));
            Ok(ExitCode::SUCCESS)
        }
        GroupCommand::Report { group, member, reason, note, messages, block } => {
            let (account, id) = group.parse()?;
            let member = address(&member)?;
            let ids = messages.iter().map(|m| m.parse::<isthmus_core::MessageId>()).collect::<Result<Vec<_>, _>>()?;
            engine.report_group_member(&account, id, &member, ids, reason, &note, block).await?;
            let done = if block { "reported and blocked" } else { "reported" };
            context.print(&serde_json::json!({ "done": done, "peer": member.to_string() }), || {
                format!("{done}: {member}")
            });
            Ok(ExitCode::SUCCESS)
        }
        GroupCommand::Adds { account, set } => {
            let account = address(&account)?;
            if let Some(who) = set {
                engine.set_group_adds(&account, who).await?;
            }
            let who = engine.group_adds(&account).await?;
            let line = serde_json::json!({ "account": account.to_string(), "who_can_add": who });
            context.print(&line, || format!("{account} can be added to groups by: {}", who.as_str()));
            Ok(ExitCode::SUCCESS)
        }
    }
}
