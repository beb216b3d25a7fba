//! Group expectations: what a person's engine shows of a group. Positive ones wait until it
//! holds (or something rules it out: an add is no invitation, and the reverse); negative ones
//! ("not added", "does not have") first reach a sync point from the sender (see `sync`).

use anyhow::{anyhow, bail, Result};
use isthmus_core::{Conversation, Group, Membership, Message};
use isthmus_proto::Address;

use super::checks::{find_in, find_message};
use super::group_model::GroupAction;
use super::sync::{self, until, Progress};
use super::world::{LabelledGroup, Person, World};

pub async fn run(world: &World, action: &GroupAction, progress: &Progress) -> Result<String> {
    let (actor, _) = action.participants();
    let person = world.person(actor)?;
    let label = action.label().ok_or_else(|| anyhow!("{} names no group", action.name()))?;
    let group = world.group(label)?;
    let me = person.address.account();
    match action {
        GroupAction::ExpectGroupMember { admin, .. } => {
            progress.set(format!("{actor} to be a member of {label}"));
            let found = until(|| {
                let Some(current) = load(person, &group)? else { return Ok(None) };
                let role = if current.is_admin(&me) { ", an admin" } else { "" };
                progress.set(format!("{actor} to be a member of {label}; they are {}{role}", standing(&current)));
                match current.membership {
                    // Only the person can turn an invitation into membership, and they are here.
                    Membership::Invited { .. } => Ok(Some(Err(standing(&current)))),
                    Membership::Member if admin.is_none_or(|admin| current.is_admin(&me) == admin) => {
                        Ok(Some(Ok(current)))
                    }
                    _ => Ok(None),
                }
            })
            .await?
            .map_err(|standing| anyhow!("{actor} is {standing}, not added"))?;
            let chat = chat(person, &found)?;
            if chat.request || chat.read_only {
                bail!("{actor} is a member, but the group's chat is a request or read-only");
            }
            Ok(if found.is_admin(&me) { "a member, and an admin" } else { "a member" }.into())
        }
        GroupAction::ExpectGroupInvitation { by, .. } => {
            let by = by.as_deref().map(|by| world.address(by)).transpose()?;
            progress.set(format!("an invitation to {label} for {actor}"));
            let found = until(|| {
                let Some(current) = load(person, &group)? else { return Ok(None) };
                Ok(match current.membership {
                    Membership::Invited { .. } => Some(Ok(current)),
                    // The relay let the add through: that rules an invitation out.
                    Membership::Member => Some(Err(standing(&current))),
                    Membership::Left | Membership::Removed => None,
                })
            })
            .await?
            .map_err(|standing| anyhow!("{actor} is {standing}: the add was not held as an invitation"))?;
            if let (Some(by), Membership::Invited { by: inviter }) = (&by, &found.membership) {
                if *inviter != by.account() {
                    bail!("{actor} is invited by {inviter}, not by {by}");
                }
            }
            let chat = chat(person, &found)?;
            if !chat.request || !chat.read_only {
                bail!("{actor} is invited, but the group's chat is not a read-only request");
            }
            Ok(format!("{}; a read-only request", standing(&found)))
        }
        GroupAction::ExpectNotAdded { by, .. } => {
            let by = world.address(by.as_deref().unwrap_or(&group.creator))?;
            sync::settle(world, progress, &by, &person.address).await?;
            match load(person, &group)? {
                Some(current) => bail!("{actor} is {}", standing(&current)),
                None => Ok("neither added nor invited, after the sync point".into()),
            }
        }
        GroupAction::ExpectNoGroup { .. } => match load(person, &group)? {
            Some(current) => bail!("{actor} still has the group: {}", standing(&current)),
            None => Ok("not in the profile".into()),
        },
        GroupAction::ExpectRemoved { .. } | GroupAction::ExpectLeft { .. } => {
            let (wanted, word) = match action {
                GroupAction::ExpectRemoved { .. } => (Membership::Removed, "removed"),
                _ => (Membership::Left, "left"),
            };
            progress.set(format!("{actor} to be out of {label} ({word})"));
            let found = until(|| {
                let Some(current) = load(person, &group)? else { return Ok(None) };
                progress.set(format!("{actor} to be out of {label} ({word}); they are {}", standing(&current)));
                Ok((current.membership == wanted).then_some(current))
            })
            .await?;
            if !chat(person, &found)?.read_only {
                bail!("{actor} is out ({word}), but the group's chat is still writable");
            }
            Ok(format!("out ({word}); the chat is read-only"))
        }
        GroupAction::ExpectGroupMembers { members, .. } => {
            let mut wanted =
                members.iter().map(|m| world.address(m).map(|a| a.account())).collect::<Result<Vec<_>>>()?;
            wanted.sort_unstable();
            progress.set(format!("{actor}'s {label} to list [{}]", wanted.join(", ")));
            until(|| {
                let Some(current) = load(person, &group)? else { return Ok(None) };
                let mut listed: Vec<String> = current.members.iter().map(|m| m.address.clone()).collect();
                listed.sort_unstable();
                progress.set(format!(
                    "{actor}'s {label} to list [{}]; it lists [{}]",
                    wanted.join(", "),
                    listed.join(", ")
                ));
                Ok((listed == wanted).then_some(()))
            })
            .await?;
            Ok(format!("{} members", wanted.len()))
        }
        GroupAction::ExpectGroupMessage { from, text, .. } => {
            let from = world.address(from)?;
            progress.set(format!("{actor} to receive {text:?} from {from} in {label}"));
            until(|| match load(person, &group)? {
                Some(current) => find_in(person, &current.conversation, written(&from, text)),
                None => Ok(None),
            })
            .await?;
            Ok("received, in the group".into())
        }
        GroupAction::ExpectNoGroupMessage { from, text, .. } => {
            let from = world.address(from)?;
            sync::settle(world, progress, &from, &person.address).await?;
            if let Some(current) = load(person, &group)? {
                if find_in(person, &current.conversation, written(&from, text))?.is_some() {
                    bail!("{actor} has it, in the group ({})", standing(&current));
                }
            }
            // A group's traffic never opens a one-to-one chat: it must not be there either.
            if find_message(person, &from, written(&from, text))?.is_some() {
                bail!("{actor} has it, in the chat with {from}");
            }
            Ok("not received, after the sync point".into())
        }
        GroupAction::ExpectGroupNotice { kind, by, about, .. } => {
            let by = by.as_deref().map(|by| world.address(by)).transpose()?.map(|by| by.account());
            let about = about.as_deref().map(|about| world.address(about)).transpose()?.map(|a| a.account());
            progress.set(format!("a {kind:?} notice in {actor}'s {label}"));
            let notice = until(|| {
                let Some(current) = load(person, &group)? else { return Ok(None) };
                find_in(person, &current.conversation, |m| {
                    m.notice.as_ref().is_some_and(|n| {
                        n.kind == *kind
                            && by.as_ref().is_none_or(|by| &n.by == by)
                            && about.as_ref().is_none_or(|about| n.targets.contains(about))
                    })
                })
            })
            .await?;
            Ok(format!("shown: {:?}", notice.body))
        }
        _ => bail!("{} is not a group expectation", action.name()),
    }
}

/// The person's record of the group, if they have one (member, invited, left or removed).
fn load(person: &Person, group: &LabelledGroup) -> Result<Option<Group>> {
    Ok(person.engine.group(&person.address, group.id)?)
}

fn chat(person: &Person, group: &Group) -> Result<Conversation> {
    person
        .engine
        .conversation(&group.conversation)?
        .ok_or_else(|| anyhow!("{} has no chat for the group", person.address))
}

/// A message (not a change notice) `from` wrote with this text.
fn written<'a>(from: &'a Address, text: &'a str) -> impl Fn(&Message) -> bool + 'a {
    let author = from.account();
    move |m| m.notice.is_none() && m.author == author && m.body == text
}

/// Where a person stands in a group, in words for the report.
fn standing(group: &Group) -> String {
    match &group.membership {
        Membership::Member => "a member".into(),
        Membership::Invited { by } => format!("invited by {by}"),
        Membership::Left => "out (left)".into(),
        Membership::Removed => "out (removed)".into(),
    }
}
