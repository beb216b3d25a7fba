//! Groups across networks: create and change them (admins only, the engine checks), send to
//! them, typing and per-member receipts, answer invitations, report a member, and who may add
//! the account to groups.

use isthmus_core::groups::MemberReceipt;
use isthmus_core::{Group, GroupId, Message, MessageId, Outgoing};
use isthmus_proto::api::GroupAdds;
use isthmus_proto::Address;
use tauri::State;

use crate::error::CommandResult;
use crate::parse;
use crate::state::AppState;

fn addresses(raw: &[String]) -> CommandResult<Vec<Address>> {
    raw.iter().map(|member| parse::address(member)).collect()
}

/// The account's groups: those it is in, invited to, left or was removed from.
#[tauri::command]
pub async fn groups(state: State<'_, AppState>, account: String) -> CommandResult<Vec<Group>> {
    Ok(state.engine().await?.groups(&parse::address(&account)?)?)
}

#[tauri::command]
pub async fn group(state: State<'_, AppState>, account: String, group_id: GroupId) -> CommandResult<Option<Group>> {
    Ok(state.engine().await?.group(&parse::address(&account)?, group_id)?)
}

/// Each member's own relay decides, by their "who can add me" setting, whether they become a
/// member or get an invitation.
#[tauri::command]
pub async fn create_group(
    state: State<'_, AppState>,
    account: String,
    name: String,
    members: Vec<String>,
) -> CommandResult<Group> {
    let (account, members) = (parse::address(&account)?, addresses(&members)?);
    Ok(state.engine().await?.create_group(&account, &name, &members).await?)
}

#[tauri::command]
pub async fn add_group_members(
    state: State<'_, AppState>,
    account: String,
    group_id: GroupId,
    members: Vec<String>,
) -> CommandResult<Group> {
    let (account, members) = (parse::address(&account)?, addresses(&members)?);
    Ok(state.engine().await?.add_group_members(&account, group_id, &members).await?)
}

#[tauri::command]
pub async fn remove_group_member(
    state: State<'_, AppState>,
    account: String,
    group_id: GroupId,
    member: String,
) -> CommandResult<Group> {
    let (account, member) = (parse::address(&account)?, parse::address(&member)?);
    Ok(state.engine().await?.remove_group_member(&account, group_id, &member).await?)
}

#[tauri::command]
pub async fn rename_group(
    state: State<'_, AppState>,
    account: String,
    group_id: GroupId,
    name: String,
) -> CommandResult<Group> {
    Ok(state.engine().await?.rename_group(&parse::address(&account)?, group_id, &name).await?)
}

#[tauri::command]
pub async fn make_group_admin(
    state: State<'_, AppState>,
    account: String,
    group_id: GroupId,
    member: String,
) -> CommandResult<Group> {
    let (account, member) = (parse::address(&account)?, parse::address(&member)?);
    Ok(state.engine().await?.make_group_admin(&account, group_id, &member).await?)
}

/// The chat stays, read-only.
#[tauri::command]
pub async fn leave_group(state: State<'_, AppState>, account: String, group_id: GroupId) -> CommandResult<Group> {
    Ok(state.engine().await?.leave_group(&parse::address(&account)?, group_id).await?)
}

#[tauri::command]
pub async fn send_group(
    state: State<'_, AppState>,
    account: String,
    group_id: GroupId,
    outgoing: Outgoing,
) -> CommandResult<Option<Message>> {
    Ok(state.engine().await?.send_group(&parse::address(&account)?, group_id, outgoing).await?)
}

/// As `send_file`: only files staged through `stage_file`, discarded once the engine has its copy.
#[tauri::command]
pub async fn send_group_file(
    state: State<'_, AppState>,
    account: String,
    group_id: GroupId,
    path: String,
    caption: String,
    as_file: bool,
) -> CommandResult<Message> {
    let engine = state.engine().await?;
    let path = super::media::staged(&state, &path)?;
    let sent = engine.send_group_file(&parse::address(&account)?, group_id, &path, &caption, as_file).await;
    state.discard_staged(&path);
    Ok(sent?)
}

/// Dropped by the engine while offline, with typing indicators off, or in a big group.
#[tauri::command]
pub async fn send_group_typing(
    state: State<'_, AppState>,
    account: String,
    group_id: GroupId,
    started: bool,
) -> CommandResult<()> {
    Ok(state.engine().await?.send_group_typing(&parse::address(&account)?, group_id, started).await?)
}

/// Each member's state of one of the user's messages in the group (`delivered` or `read`).
#[tauri::command]
pub async fn group_message_receipts(
    state: State<'_, AppState>,
    account: String,
    group_id: GroupId,
    message_id: MessageId,
) -> CommandResult<Vec<MemberReceipt>> {
    Ok(state.engine().await?.group_message_receipts(&parse::address(&account)?, group_id, message_id)?)
}

#[tauri::command]
pub async fn group_invitations(state: State<'_, AppState>, account: String) -> CommandResult<Vec<Group>> {
    Ok(state.engine().await?.group_invitations(&parse::address(&account)?)?)
}

#[tauri::command]
pub async fn accept_group_invitation(
    state: State<'_, AppState>,
    account: String,
    group_id: GroupId,
) -> CommandResult<Group> {
    Ok(state.engine().await?.accept_group_invitation(&parse::address(&account)?, group_id).await?)
}

/// The group is told nothing.
#[tauri::command]
pub async fn decline_group_invitation(
    state: State<'_, AppState>,
    account: String,
    group_id: GroupId,
) -> CommandResult<()> {
    Ok(state.engine().await?.decline_group_invitation(&parse::address(&account)?, group_id).await?)
}

/// Reports a member of the group, or the person who invited the account to it, with messages of
/// theirs in the group's chat; optionally blocks them as well.
#[allow(clippy::too_many_arguments)]
#[tauri::command]
pub async fn report_group_member(
    state: State<'_, AppState>,
    account: String,
    group_id: GroupId,
    member: String,
    message_ids: Vec<MessageId>,
    reason: String,
    note: String,
    and_block: bool,
) -> CommandResult<()> {
    let (account, member, reason) =
        (parse::address(&account)?, parse::address(&member)?, parse::report_reason(&reason)?);
    let engine = state.engine().await?;
    Ok(engine.report_group_member(&account, group_id, &member, message_ids, reason, &note, and_block).await?)
}

/// Who may add the account to groups: `networks`, `contacts` or `nobody`.
#[tauri::command]
pub async fn group_adds(state: State<'_, AppState>, account: String) -> CommandResult<GroupAdds> {
    Ok(state.engine().await?.group_adds(&parse::address(&account)?).await?)
}

#[tauri::command]
pub async fn set_group_adds(state: State<'_, AppState>, account: String, who_can_add: GroupAdds) -> CommandResult<()> {
    Ok(state.engine().await?.set_group_adds(&parse::address(&account)?, who_can_add).await?)
}
