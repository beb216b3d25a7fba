//! Expectations: what a person's engine shows. Positive ones wait until it holds; negative ones
//! ("not delivered", "no receipt") first reach a sync point (see `sync`), then look once.

use anyhow::{anyhow, bail, Result};
use isthmus_core::{ConversationId, Direction, Message, MessageStatus};
use isthmus_proto::Address;

use super::model::{Action, ChatKind, StatusExpectation};
use super::parse;
use super::sync::{self, until, Progress};
use super::world::{Person, World};

/// The code an engine error carries, as scripts see it (`interop_off`, `unknown_account`...).
pub fn code_of(error: &isthmus_core::Error) -> String {
    serde_json::to_value(error.code()).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// A message status as written in files.
fn status_name(message: &Message) -> String {
    let name = serde_json::to_value(message.status).ok().and_then(|v| v.as_str().map(str::to_owned));
    let name = name.unwrap_or_else(|| format!("{:?}", message.status));
    match &message.failure {
        Some(code) if message.status == MessageStatus::Failed => format!("{name}:{code}"),
        _ => name,
    }
}

/// The newest message in `person`'s chat with `peer` that `pick` accepts.
pub fn find_message(person: &Person, peer: &Address, pick: impl Fn(&Message) -> bool) -> Result<Option<Message>> {
    find_in(person, &person.engine.conversation_id(&person.address, peer), pick)
}

/// The newest message of `person`'s conversation `id` (a chat or a group's) that `pick` accepts.
pub fn find_in(person: &Person, id: &ConversationId, pick: impl Fn(&Message) -> bool) -> Result<Option<Message>> {
    let mut before = None;
    loop {
        let page = person.engine.messages(id, before, 500)?;
        if let Some(found) = page.items.into_iter().find(|m| pick(m)) {
            return Ok(Some(found));
        }
        match page.next_cursor {
            Some(cursor) => before = Some(cursor),
            None => return Ok(None),
        }
    }
}

/// The current state of one of `person`'s messages (in a chat or a group).
fn reload(person: &Person, message: &Message) -> Result<Message> {
    let id = message.id;
    if person.engine.conversation(&message.conversation)?.is_none() {
        bail!("{}'s chat with this message is gone", person.address);
    }
    find_in(person, &message.conversation, |m| m.id == id)?
        .ok_or_else(|| anyhow!("{}'s message {id} is gone", person.address))
}

/// Waits until `message` reaches `wanted` (a later receipt counts: read implies delivered). A
/// failure rules it out at once.
pub async fn reaches(progress: &Progress, person: &Person, message: &Message, wanted: MessageStatus) -> Result<String> {
    progress.set(format!("{:?} to become {wanted:?}", message.body));
    let reached = until(|| {
        let current = reload(person, message)?;
        progress.set(format!("{:?} to become {wanted:?}; it is {}", message.body, status_name(&current)));
        Ok(match current.status {
            MessageStatus::Failed => Some(Err(status_name(&current))),
            status if status != MessageStatus::Pending && status >= wanted => Some(Ok(status_name(&current))),
            _ => None,
        })
    })
    .await?;
    match reached {
        Ok(status) => Ok(status),
        Err(status) => bail!("expected {}, got {status}", format!("{wanted:?}").to_lowercase()),
    }
}

/// Waits until `message` fails, with `code` if given. Taken by the relay rules it out at once.
pub async fn fails_with(progress: &Progress, person: &Person, message: &Message, code: Option<&str>) -> Result<String> {
    progress.set(format!("{:?} to fail", message.body));
    let current = until(|| {
        let current = reload(person, message)?;
        Ok((current.status != MessageStatus::Pending).then_some(current))
    })
    .await?;
    let got = status_name(&current);
    match (current.status, code) {
        (MessageStatus::Failed, None) => Ok(got),
        (MessageStatus::Failed, Some(code)) if current.failure.as_deref() == Some(code) => Ok(got),
        (_, code) => bail!("expected failed{}, got {got}", code.map(|c| format!(":{c}")).unwrap_or_default()),
    }
}

/// `pending`: after every entry for `to` was tried and `to`'s queue was drained, the message is
/// still pending and `to` does not have it. The engine gives no sign of the relay's answer to a
/// refusal it retries (such as `rate_limited`), so "tried" is the closest it can be tied to.
pub async fn still_pending(
    world: &World,
    progress: &Progress,
    sender: &Person,
    to: &Address,
    message: &Message,
) -> Result<String> {
    sync::outbox_attempted(progress, sender, to).await?;
    if let Some(receiver) = world.person_at(to) {
        sync::drain_queue(progress, receiver).await?;
        let author = sender.address.account();
        if find_message(receiver, &sender.address, |m| m.author == author && m.body == message.body)?.is_some() {
            bail!("expected pending, but {to} received it");
        }
    }
    let current = reload(sender, message)?;
    if current.status != MessageStatus::Pending {
        bail!("expected pending, got {}", status_name(&current));
    }
    Ok(format!("still pending after an attempt; {to} does not have it"))
}

pub async fn run(world: &World, action: &Action, progress: &Progress) -> Result<String> {
    let (Some(actor), others) = action.participants() else { bail!("{} names nobody", action.name()) };
    let person = world.person(actor)?;
    let other = others.first().map(|who| world.address(who)).transpose()?;
    let other = other.ok_or_else(|| anyhow!("{} names nobody to look at", action.name()));
    match action {
        Action::ExpectMessage { text, kind, .. } => {
            let from = other?;
            let author = from.account();
            progress.set(format!("{actor} to receive {text:?} from {from}"));
            let message = until(|| find_message(person, &from, |m| m.author == author && m.body == *text)).await?;
            let request = person.engine.conversation(&message.conversation)?.is_some_and(|c| c.request);
            let shown = if request { "a request" } else { "a chat" };
            match kind {
                Some(ChatKind::Request) if !request => bail!("it arrived in a chat, not as a request"),
                Some(ChatKind::Chat) if request => bail!("it arrived as a request, not in a chat"),
                _ => Ok(format!("received, in {shown}")),
            }
        }
        Action::ExpectNoMessage { text, .. } => {
            let from = other?;
            let point = sync::settle(world, progress, &from, &person.address).await?;
            let author = from.account();
            match find_message(person, &from, |m| m.author == author && m.body == *text)? {
                Some(_) => bail!("{actor} has it"),
                None => Ok(format!("not received, after {point}")),
            }
        }
        Action::ExpectRequest { .. } => {
            let from = other?;
            progress.set(format!("a request from {from} in {actor}'s requests"));
            until(|| Ok(has_request(person, &from)?.then_some(()))).await?;
            Ok("listed among the requests".into())
        }
        Action::ExpectNoRequest { .. } => {
            let from = other?;
            let point = sync::settle(world, progress, &from, &person.address).await?;
            if has_request(person, &from)? {
                bail!("{actor} has a request from {from}");
            }
            Ok(format!("no request, after {point}"))
        }
        Action::ExpectReadOnly { value, .. } => {
            let peer = other?;
            let chat = person
                .engine
                .conversations(Some(&person.address))?
                .into_iter()
                .find(|c| c.peer == peer)
                .ok_or_else(|| anyhow!("{actor} has no chat with {peer}"))?;
            if chat.read_only != *value {
                bail!("the chat is {}", if chat.read_only { "read-only" } else { "writable" });
            }
            Ok(if chat.read_only { "read-only" } else { "writable" }.into())
        }
        Action::ExpectKeyChange { .. } => {
            let peer = other?;
            progress.set(format!("{actor} to see {peer}'s key change"));
            until(|| Ok(person.engine.contact(&person.address, &peer)?.key_change_held.then_some(()))).await?;
            Ok("key change seen; sending held".into())
        }
        Action::ExpectVerified { value, .. } => {
            let verified = person.engine.contact(&person.address, &other?)?.verified;
            if verified != *value {
                bail!("verified is {verified}");
            }
            Ok(format!("verified is {verified}"))
        }
        Action::ExpectLedger { decisions, .. } => {
            let wanted: Vec<String> = decisions.clone();
            let actual: Vec<String> = person
                .engine
                .ledger()?
                .iter()
                .map(|e| serde_json::to_value(&e.decision).ok().and_then(|v| v.as_str().map(str::to_owned)))
                .map(Option::unwrap_or_default)
                .collect();
            if actual != wanted {
                bail!("the ledger is [{}]", actual.join(", "));
            }
            Ok(format!("{} decisions, in order", actual.len()))
        }
        Action::ExpectStatus { text, status, .. } => {
            let peer = other?;
            let expected = parse::status_expectation(status).map_err(|e| anyhow!(e))?;
            let mine = person.address.account();
            let message = find_message(person, &peer, |m| {
                m.direction == Direction::Outgoing && m.author == mine && m.body == *text
            })?
            .ok_or_else(|| anyhow!("{actor} sent no {text:?} to {peer}"))?;
            expect_status(world, progress, person, &peer, &message, expected).await
        }
        _ => bail!("{} is not an expectation", action.name()),
    }
}

fn has_request(person: &Person, from: &Address) -> Result<bool> {
    Ok(person.engine.requests(Some(&person.address))?.iter().any(|c| &c.peer == from))
}

async fn expect_status(
    world: &World,
    progress: &Progress,
    person: &Person,
    peer: &Address,
    message: &Message,
    expected: StatusExpectation,
) -> Result<String> {
    match expected {
        StatusExpectation::Pending => still_pending(world, progress, person, peer, message).await,
        StatusExpectation::Delivered => reaches(progress, person, message, MessageStatus::Delivered).await,
        StatusExpectation::Read => reaches(progress, person, message, MessageStatus::Read).await,
        StatusExpectation::Failed(code) => fails_with(progress, person, message, code.as_deref()).await,
        StatusExpectation::Sent => {
            // Sent first, then the sync point back: a receipt on its way would now be stored.
            reaches(progress, person, message, MessageStatus::Sent).await?;
            let point = sync::settle(world, progress, peer, &person.address).await?;
            let current = reload(person, message)?;
            if current.status != MessageStatus::Sent {
                bail!("expected sent and no receipt, got {}", status_name(&current));
            }
            Ok(format!("sent, and no receipt after {point}"))
        }
    }
}
