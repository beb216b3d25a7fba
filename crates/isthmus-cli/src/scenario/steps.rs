//! Running one step: actions call the engine the way a front end does; expectations are in
//! `checks`. A step passes with a short account of what happened, or fails with why. Group
//! steps are in `group_steps` and `group_checks`.

use std::time::Duration;

use anyhow::{anyhow, bail, Result};
use isthmus_core::{MessageStatus, DISCLOSURE_VERSION};
use isthmus_proto::NetworkName;

use super::checks::{self, code_of};
use super::group_steps;
use super::matrix_person;
use super::model::{Action, ActionOutcome, SendOutcome};
use super::parse;
use super::sync::Progress;
use super::world::World;

/// Runs `action`; `Ok` says what happened, `Err` why the expectation does not hold.
pub async fn run(world: &World, action: &Action, progress: &Progress) -> Result<String> {
    match action {
        Action::Send { from, to, text, expect } => send(world, progress, from, to, text, expect.as_deref()).await,
        Action::Group(group) => group_steps::run(world, group, progress).await,
        Action::WaitMs { ms } => {
            tokio::time::sleep(Duration::from_millis(*ms)).await;
            Ok(format!("waited {ms} ms"))
        }
        Action::ExpectMessage { .. }
        | Action::ExpectNoMessage { .. }
        | Action::ExpectRequest { .. }
        | Action::ExpectNoRequest { .. }
        | Action::ExpectReadOnly { .. }
        | Action::ExpectKeyChange { .. }
        | Action::ExpectVerified { .. }
        | Action::ExpectLedger { .. }
        | Action::ExpectStatus { .. } => checks::run(world, action, progress).await,
        _ => {
            let expect = action.action_expect().cloned().flatten();
            let outcome = parse::action_outcome(expect.as_deref()).map_err(|e| anyhow!(e))?;
            let result = act(world, action, progress).await?;
            judge(outcome, result)
        }
    }
}

/// Compares what the engine did with what the step expected.
pub fn judge(outcome: ActionOutcome, result: isthmus_core::Result<()>) -> Result<String> {
    match (outcome, result) {
        (ActionOutcome::Done, Ok(())) => Ok("done".into()),
        (ActionOutcome::Done, Err(error)) => {
            bail!("expected it to be done, but the engine refused: {} ({error})", code_of(&error))
        }
        (ActionOutcome::Refused(code), Err(error)) if code_of(&error) == code => Ok(format!("refused: {code}")),
        (ActionOutcome::Refused(code), Err(error)) => {
            bail!("expected refused:{code}, but the engine refused with {} ({error})", code_of(&error))
        }
        (ActionOutcome::Refused(code), Ok(())) => bail!("expected refused:{code}, but it was done"),
    }
}

/// Performs a consent or safety action. The outer `Result` is a scenario problem (an unknown
/// name); the inner one is the engine's answer, which the step's `expect` judges.
async fn act(world: &World, action: &Action, progress: &Progress) -> Result<isthmus_core::Result<()>> {
    let (Some(actor), others) = action.participants() else { bail!("{} names nobody", action.name()) };
    let person = world.person(actor)?;
    let (engine, me) = (&person.engine, &person.address);
    let peer = others.first().map(|who| world.address(who)).transpose()?;
    let peer = || peer.clone().ok_or_else(|| anyhow!("{} names no peer", action.name()));
    let network = |raw: &str| NetworkName::parse(raw).map_err(|e| anyhow!("{raw}: {e}"));
    Ok(match action {
        Action::Allow { .. } if person.matrix.is_some() => matrix_person::switch(person, true, progress).await?,
        Action::Revoke { .. } if person.matrix.is_some() => matrix_person::switch(person, false, progress).await?,
        Action::Open { peer: who, .. } => matrix_person::open(person, &world.matrix_id(who)?).await?,
        Action::Allow { network: raw, .. } => {
            engine.enable_interop(me, &network(raw)?, DISCLOSURE_VERSION).await.map(drop)
        }
        Action::Revoke { network: raw, .. } => engine.disable_interop(me, &network(raw)?).await.map(drop),
        Action::Confirm { .. } => engine.confirm_first_contact(me, &peer()?).await.map(drop),
        Action::Accept { .. } => engine.accept_request(engine.conversation_id(me, &peer()?)).await.map(drop),
        Action::Delete { .. } => engine.delete_request(engine.conversation_id(me, &peer()?)).await,
        Action::Block { .. } => engine.block(me, &peer()?).await,
        Action::Unblock { .. } => engine.unblock(me, &peer()?).await,
        Action::Report { reason, note, include, block, .. } => {
            let peer = peer()?;
            let conversation = engine.conversation_id(me, &peer);
            let mut ids = Vec::new();
            for text in include {
                let message = checks::find_message(person, &peer, |m| m.author == peer.account() && m.body == *text)?
                    .ok_or_else(|| {
                    anyhow!("{actor} has no message {text:?} from {peer} to include in the report")
                })?;
                ids.push(message.id);
            }
            engine.report(conversation, ids, *reason, note, *block).await
        }
        Action::ChangeIdentityKey { .. } => engine.reset_identity(me).await,
        Action::Acknowledge { .. } => engine.acknowledge_key_change(me, &peer()?).await,
        Action::Verify { value, .. } => engine.set_verified(me, &peer()?, *value).await,
        Action::MarkRead { .. } => engine.mark_read(engine.conversation_id(me, &peer()?)).await,
        _ => bail!("{} is not an action", action.name()),
    })
}

/// `send`: the engine may refuse at once (`refused:CODE`); otherwise the message's status is
/// followed until it comes to what was expected or to something that rules it out.
async fn send(
    world: &World,
    progress: &Progress,
    from: &str,
    to: &str,
    text: &str,
    expect: Option<&str>,
) -> Result<String> {
    let outcome = parse::send_outcome(expect).map_err(|e| anyhow!(e))?;
    let sender = world.person(from)?;
    let to = world.address(to)?;
    let message = match queued(&outcome, expect, sender.engine.send_text(&sender.address, &to, text).await)? {
        Queued::Message(message) => message,
        Queued::Refused(done) => return Ok(done),
    };
    match outcome {
        SendOutcome::Refused(_) => unreachable!("`queued` answers a refusal"),
        SendOutcome::Pending => checks::still_pending(world, progress, sender, &to, &message).await,
        SendOutcome::Sent => checks::reaches(progress, sender, &message, MessageStatus::Sent).await,
        SendOutcome::Delivered => checks::reaches(progress, sender, &message, MessageStatus::Delivered).await,
        SendOutcome::Read => checks::reaches(progress, sender, &message, MessageStatus::Read).await,
        SendOutcome::Failed(code) => checks::fails_with(progress, sender, &message, Some(&code)).await,
    }
}

/// What the engine's answer to a send means for the step.
pub(super) enum Queued {
    /// Queued: the step follows its status.
    Message(Box<isthmus_core::Message>),
    /// Refused at once, as expected: the step's result.
    Refused(String),
}

/// Checks the engine's answer to a send against `outcome`: a refusal passes only when it was
/// expected with that code, and a queued message fails a step that expected a refusal.
pub(super) fn queued(
    outcome: &SendOutcome,
    expect: Option<&str>,
    sent: isthmus_core::Result<isthmus_core::Message>,
) -> Result<Queued> {
    match (sent, outcome) {
        (Err(error), SendOutcome::Refused(expected)) if *expected == code_of(&error) => {
            Ok(Queued::Refused(format!("refused: {}", code_of(&error))))
        }
        (Err(error), _) => bail!(
            "expected {}, but the engine refused before anything left: {} ({error})",
            expect.unwrap_or("sent"),
            code_of(&error)
        ),
        (Ok(_), SendOutcome::Refused(code)) => {
            bail!("expected the engine to refuse with {code}, but it queued the message")
        }
        (Ok(message), _) => Ok(Queued::Message(Box::new(message))),
    }
}
