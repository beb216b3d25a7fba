//! Group actions: they call the engine's group API the way a front end does, and `create_group`
//! binds the step's label to the group the engine created. Expectations are in `group_checks`.

use anyhow::{anyhow, bail, Result};
use isthmus_core::MessageStatus;
use isthmus_proto::Address;

use super::checks;
use super::group_checks;
use super::group_model::GroupAction;
use super::group_parse;
use super::model::SendOutcome;
use super::parse;
use super::steps;
use super::sync::Progress;
use super::world::{LabelledGroup, World};

/// Runs a group step; `Ok` says what happened, `Err` why the expectation does not hold.
pub async fn run(world: &World, action: &GroupAction, progress: &Progress) -> Result<String> {
    if action.is_expectation() {
        return group_checks::run(world, action, progress).await;
    }
    match action {
        GroupAction::SendGroup { from, group, text, expect } => {
            send(world, progress, from, group, text, expect.as_deref()).await
        }
        _ => {
            let expect = action.action_expect().cloned().flatten();
            let outcome = parse::action_outcome(expect.as_deref()).map_err(|e| anyhow!(e))?;
            let result = act(world, action).await?;
            steps::judge(outcome, result)
        }
    }
}

/// Performs a group action. The outer `Result` is a scenario problem (an unknown name or
/// label); the inner one is the engine's answer, which the step's `expect` judges.
async fn act(world: &World, action: &GroupAction) -> Result<isthmus_core::Result<()>> {
    let (actor, _) = action.participants();
    let person = world.person(actor)?;
    let (engine, me) = (&person.engine, &person.address);
    let addresses = |names: &[String]| names.iter().map(|name| world.address(name)).collect::<Result<Vec<Address>>>();
    let group = || {
        let label = action.label().ok_or_else(|| anyhow!("{} names no group", action.name()))?;
        world.group(label).map(|group| group.id)
    };
    Ok(match action {
        GroupAction::SetGroupAdds { who_can_add, .. } => engine.set_group_adds(me, *who_can_add).await,
        GroupAction::CreateGroup { group: label, name, members, .. } => {
            let created = engine.create_group(me, name, &addresses(members)?).await;
            if let Ok(group) = &created {
                world.name_group(label, LabelledGroup { id: group.id, creator: actor.to_owned() })?;
            }
            created.map(drop)
        }
        GroupAction::AddToGroup { members, .. } => {
            engine.add_group_members(me, group()?, &addresses(members)?).await.map(drop)
        }
        GroupAction::RemoveFromGroup { member, .. } => {
            engine.remove_group_member(me, group()?, &world.address(member)?).await.map(drop)
        }
        GroupAction::LeaveGroup { .. } => engine.leave_group(me, group()?).await.map(drop),
        GroupAction::RenameGroup { name, .. } => engine.rename_group(me, group()?, name).await.map(drop),
        GroupAction::MakeGroupAdmin { member, .. } => {
            engine.make_group_admin(me, group()?, &world.address(member)?).await.map(drop)
        }
        GroupAction::AcceptInvitation { .. } => engine.accept_group_invitation(me, group()?).await.map(drop),
        GroupAction::DeclineInvitation { .. } => engine.decline_group_invitation(me, group()?).await,
        _ => bail!("{} is not a group action", action.name()),
    })
}

/// `send_group`: the engine may refuse at once (`refused:CODE`, such as `not_group_member`);
/// otherwise the message's status is followed until it is sent (a member's relay took a copy)
/// or failed (every copy was refused).
async fn send(
    world: &World,
    progress: &Progress,
    from: &str,
    label: &str,
    text: &str,
    expect: Option<&str>,
) -> Result<String> {
    let outcome = group_parse::send_group_outcome(expect).map_err(|e| anyhow!(e))?;
    let sender = world.person(from)?;
    let group = world.group(label)?;
    let sent = sender.engine.send_group_text(&sender.address, group.id, text).await;
    let message = match steps::queued(&outcome, expect, sent)? {
        steps::Queued::Message(message) => message,
        steps::Queued::Refused(done) => return Ok(done),
    };
    match outcome {
        SendOutcome::Refused(_) => unreachable!("`queued` answers a refusal"),
        SendOutcome::Sent => checks::reaches(progress, sender, &message, MessageStatus::Sent).await,
        SendOutcome::Failed(code) => checks::fails_with(progress, sender, &message, Some(&code)).await,
        SendOutcome::Delivered | SendOutcome::Read | SendOutcome::Pending => {
            bail!("a group message cannot be expected to be {}", expect.unwrap_or_default())
        }
    }
}
