//! Consent and safety from the command line: every decision a tester needs to script.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use isthmus_core::{InboxLayout, MessageId};
use isthmus_proto::NetworkName;

use crate::args::{ContactCommand, IdentityCommand, InteropCommand, Pair, RequestCommand};
use crate::context::{address, CliContext};

fn network(raw: &str) -> Result<NetworkName> {
    NetworkName::parse(raw).map_err(|e| isthmus_core::Error::from(e).into())
}

pub async fn interop(context: &CliContext, command: InteropCommand) -> Result<ExitCode> {
    let engine = context.engine()?;
    let info = match command {
        InteropCommand::Disclosure { network: name } => {
            let disclosure = engine.disclosure(&network(&name)?);
            context.print(&disclosure, || {
                let mut text = format!("{}\n\n", disclosure.title);
                for fact in &disclosure.facts {
                    text.push_str(&format!("  - {fact}\n"));
                }
                text + format!("\nTo accept: --accept-disclosure {}", disclosure.version).as_str()
            });
            return Ok(ExitCode::SUCCESS);
        }
        InteropCommand::Enable { account, network: name, accept_disclosure } => {
            engine.enable_interop(&address(&account)?, &network(&name)?, &accept_disclosure).await?
        }
        InteropCommand::Disable { account, network: name } => {
            engine.disable_interop(&address(&account)?, &network(&name)?).await?
        }
        InteropCommand::Review { account } => {
            let account = address(&account)?;
            let review: Vec<String> = engine.interop_to_review(&account)?.iter().map(ToString::to_string).collect();
            context.print(&serde_json::json!({ "account": account.to_string(), "review": review }), || {
                if review.is_empty() {
                    format!("{account}: every allowed network was allowed under the current disclosure")
                } else {
                    format!(
                        "{account}: allowed under an older disclosure: {} (show it with `interop disclosure`, then enable again)",
                        review.join(", ")
                    )
                }
            });
            return Ok(ExitCode::SUCCESS);
        }
        InteropCommand::Show { account } => {
            let account = address(&account)?;
            engine
                .accounts()?
                .into_iter()
                .find(|a| a.address == account.to_string())
                .ok_or_else(|| isthmus_core::Error::NoSuchAccount(account.to_string()))?
        }
    };
    context.print(&serde_json::json!({ "account": info.address, "networks": info.interop }), || {
        if info.interop.is_empty() {
            format!("{}: no other network can reach this account", info.address)
        } else {
            format!("{}: reachable from {}", info.address, info.interop.join(", "))
        }
    });
    Ok(ExitCode::SUCCESS)
}

fn pair(pair: &Pair) -> Result<(isthmus_proto::Address, isthmus_proto::Address)> {
    Ok((address(&pair.account)?, address(&pair.peer)?))
}

pub async fn request(context: &CliContext, command: RequestCommand) -> Result<ExitCode> {
    let engine = context.engine_with_matrix().await?;
    match command {
        RequestCommand::List { account } => {
            let account = account.as_deref().map(address).transpose()?;
            for request in engine.requests(account.as_ref())? {
                context.print(&request, || {
                    format!("{} -> {}: {}", request.peer, request.account, crate::context::shown(&request.last_preview))
                });
            }
            // First contacts that could not be opened hold no slot, but their senders are shown,
            // and so are reports still waiting for the relay.
            for info in engine.accounts()? {
                let own = address(&info.address)?;
                if account.as_ref().is_some_and(|wanted| *wanted != own) {
                    continue;
                }
                for sender in engine.unopened_first_contacts(&own)? {
                    let line = serde_json::json!({ "account": info.address, "unopened_from": sender });
                    context.print(&line, || {
                        format!(
                            "{} -> {}: {} message(s) could not be opened (block or report them)",
                            sender.address, info.address, sender.count
                        )
                    });
                }
                for report in engine.unsent_reports(&own)? {
                    let line = serde_json::json!({ "account": info.address, "unsent_report": report });
                    context.print(&line, || {
                        format!(
                            "{} -> {}: report ({}) not sent yet; it goes out when the relay answers",
                            crate::context::shown(&report.address),
                            info.address,
                            report.reason.as_str()
                        )
                    });
                }
            }
        }
        RequestCommand::Accept(who) => {
            let (account, peer) = pair(&who)?;
            let accepted = engine.accept_request(engine.conversation_id(&account, &peer)).await?;
            context.print(&accepted, || format!("accepted {peer}: this is a normal chat now"));
        }
        RequestCommand::Delete(who) => {
            let (account, peer) = pair(&who)?;
            engine.delete_request(engine.conversation_id(&account, &peer)).await?;
            context.print(&serde_json::json!({ "deleted": peer.to_string() }), || {
                format!("deleted the request from {peer}")
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn contact(context: &CliContext, command: ContactCommand) -> Result<ExitCode> {
    let engine = context.engine_with_matrix().await?;
    let done = |what: &str, peer: &isthmus_proto::Address| {
        context.print(&serde_json::json!({ "done": what, "peer": peer.to_string() }), || format!("{what}: {peer}"));
    };
    match command {
        ContactCommand::Show(who) => {
            let (account, peer) = pair(&who)?;
            let contact = engine.contact(&account, &peer)?;
            context.print(&contact, || format!("{contact:?}"));
        }
        ContactCommand::Confirm(who) => {
            let (account, peer) = pair(&who)?;
            engine.confirm_first_contact(&account, &peer).await?;
            done("confirmed first contact", &peer);
        }
        ContactCommand::Block(who) => {
            let (account, peer) = pair(&who)?;
            engine.block(&account, &peer).await?;
            done("blocked", &peer);
        }
        ContactCommand::Unblock(who) => {
            let (account, peer) = pair(&who)?;
            engine.unblock(&account, &peer).await?;
            done("unblocked", &peer);
        }
        ContactCommand::Report { pair: who, reason, note, messages, block } => {
            let (account, peer) = pair(&who)?;
            let ids = messages.iter().map(|m| m.parse::<MessageId>()).collect::<Result<Vec<_>, _>>()?;
            engine.report(engine.conversation_id(&account, &peer), ids, reason, &note, block).await?;
            done(if block { "reported and blocked" } else { "reported" }, &peer);
        }
        ContactCommand::AcknowledgeKey(who) => {
            let (account, peer) = pair(&who)?;
            engine.acknowledge_key_change(&account, &peer).await?;
            done("acknowledged the new safety number of", &peer);
        }
        ContactCommand::Verify { pair: who, undo } => {
            let (account, peer) = pair(&who)?;
            engine.set_verified(&account, &peer, !undo).await?;
            done(if undo { "no longer verified" } else { "verified" }, &peer);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn identity(context: &CliContext, command: IdentityCommand) -> Result<ExitCode> {
    let engine = context.engine()?;
    match command {
        IdentityCommand::Reset { account } => {
            let account = address(&account)?;
            engine.reset_identity(&account).await?;
            context.print(&serde_json::json!({ "identity_reset": account.to_string() }), || {
                format!("{account} has a new identity key; contacts will see a changed safety number")
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn ledger(context: &CliContext, export: Option<PathBuf>) -> Result<ExitCode> {
    let engine = context.engine()?;
    let document = engine.export_ledger()?;
    match export {
        Some(path) => {
            std::fs::write(&path, document)?;
            context.print(&serde_json::json!({ "exported": path.display().to_string() }), || {
                format!("consent record written to {}", path.display())
            });
        }
        None => println!("{document}"),
    }
    Ok(ExitCode::SUCCESS)
}

pub fn inbox_layout(context: &CliContext, layout: Option<String>) -> Result<ExitCode> {
    let engine = context.engine()?;
    if let Some(layout) = layout {
        let layout = match layout.as_str() {
            "combined" => InboxLayout::Combined,
            "separate" => InboxLayout::Separate,
            other => bail!("unknown layout {other:?}: use combined or separate"),
        };
        engine.set_inbox_layout(layout)?;
    }
    let layout = engine.inbox_layout()?;
    context.print(&serde_json::json!({ "inbox_layout": layout }), || format!("inbox layout: {layout:?}"));
    Ok(ExitCode::SUCCESS)
}
