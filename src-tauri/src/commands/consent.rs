//! Consent and safety: requests, blocking, reports, interop under a disclosure, first contacts,
//! the inbox layout, the consent ledger, contacts, safety numbers and key changes.

use isthmus_core::{
    AccountInfo, Contact, Conversation, ConversationId, Disclosure, InboxLayout, LedgerEntry, MessageId, SafetyNumber,
};
use isthmus_proto::NetworkName;
use tauri::State;

use crate::error::CommandResult;
use crate::parse;
use crate::state::AppState;

#[tauri::command]
pub async fn requests(state: State<'_, AppState>) -> CommandResult<Vec<Conversation>> {
    Ok(state.engine().await?.requests(None)?)
}

#[tauri::command]
pub async fn accept_request(
    state: State<'_, AppState>,
    conversation_id: ConversationId,
) -> CommandResult<Conversation> {
    Ok(state.engine().await?.accept_request(conversation_id).await?)
}

#[tauri::command]
pub async fn delete_request(state: State<'_, AppState>, conversation_id: ConversationId) -> CommandResult<()> {
    Ok(state.engine().await?.delete_request(conversation_id).await?)
}

#[tauri::command]
pub async fn block(state: State<'_, AppState>, account: String, peer: String) -> CommandResult<()> {
    let engine = state.engine().await?;
    Ok(engine.block(&parse::address(&account)?, &parse::address(&peer)?).await?)
}

#[tauri::command]
pub async fn unblock(state: State<'_, AppState>, account: String, peer: String) -> CommandResult<()> {
    let engine = state.engine().await?;
    Ok(engine.unblock(&parse::address(&account)?, &parse::address(&peer)?).await?)
}

#[tauri::command]
pub async fn report(
    state: State<'_, AppState>,
    conversation_id: ConversationId,
    message_ids: Vec<MessageId>,
    reason: String,
    note: String,
    and_block: bool,
) -> CommandResult<()> {
    let reason = parse::report_reason(&reason)?;
    let engine = state.engine().await?;
    Ok(engine.report(conversation_id, message_ids, reason, &note, and_block).await?)
}

#[tauri::command]
pub async fn disclosure(state: State<'_, AppState>, network: String) -> CommandResult<Disclosure> {
    Ok(state.engine().await?.disclosure(&parse::network(&network)?))
}

/// In sandbox mode the demo people hear of the user once another network may reach them, so
/// the demo request has somewhere to land.
#[tauri::command]
pub async fn enable_interop(
    state: State<'_, AppState>,
    account: String,
    network: String,
    disclosure_version: String,
) -> CommandResult<AccountInfo> {
    let engine = state.engine().await?;
    let account = parse::address(&account)?;
    let info = engine.enable_interop(&account, &parse::network(&network)?, &disclosure_version).await?;
    if let Some(sandbox) = &state.sandbox {
        sandbox.user_allowed_interop(&account);
    }
    Ok(info)
}

/// The networks the account allowed under an older disclosure: until the person allows them
/// again under the current one (`enable_interop`), people there cannot add them to groups.
#[tauri::command]
pub async fn interop_to_review(state: State<'_, AppState>, account: String) -> CommandResult<Vec<NetworkName>> {
    Ok(state.engine().await?.interop_to_review(&parse::address(&account)?)?)
}

#[tauri::command]
pub async fn disable_interop(
    state: State<'_, AppState>,
    account: String,
    network: String,
) -> CommandResult<AccountInfo> {
    let engine = state.engine().await?;
    Ok(engine.disable_interop(&parse::address(&account)?, &parse::network(&network)?).await?)
}

#[tauri::command]
pub async fn confirm_first_contact(
    state: State<'_, AppState>,
    account: String,
    peer: String,
) -> CommandResult<Conversation> {
    let engine = state.engine().await?;
    Ok(engine.confirm_first_contact(&parse::address(&account)?, &parse::address(&peer)?).await?)
}

/// The networks the account's relay is peered with (the ones interop can be offered for).
#[tauri::command]
pub async fn peered_networks(state: State<'_, AppState>, account: String) -> CommandResult<Vec<String>> {
    let engine = state.engine().await?;
    Ok(engine.peered_networks(&parse::address(&account)?).await?)
}

#[tauri::command]
pub async fn inbox_layout(state: State<'_, AppState>) -> CommandResult<InboxLayout> {
    Ok(state.engine().await?.inbox_layout()?)
}

#[tauri::command]
pub async fn set_inbox_layout(state: State<'_, AppState>, layout: InboxLayout) -> CommandResult<()> {
    Ok(state.engine().await?.set_inbox_layout(layout)?)
}

#[tauri::command]
pub async fn ledger(state: State<'_, AppState>) -> CommandResult<Vec<LedgerEntry>> {
    Ok(state.engine().await?.ledger()?)
}

#[tauri::command]
pub async fn export_ledger(state: State<'_, AppState>) -> CommandResult<String> {
    Ok(state.engine().await?.export_ledger()?)
}

#[tauri::command]
pub async fn contact(state: State<'_, AppState>, account: String, peer: String) -> CommandResult<Contact> {
    let engine = state.engine().await?;
    Ok(engine.contact(&parse::address(&account)?, &parse::address(&peer)?)?)
}

#[tauri::command]
pub async fn safety_number(state: State<'_, AppState>, account: String, peer: String) -> CommandResult<SafetyNumber> {
    let engine = state.engine().await?;
    Ok(engine.safety_number(&parse::address(&account)?, &parse::address(&peer)?).await?)
}

#[tauri::command]
pub async fn set_verified(
    state: State<'_, AppState>,
    account: String,
    peer: String,
    verified: bool,
) -> CommandResult<()> {
    let engine = state.engine().await?;
    Ok(engine.set_verified(&parse::address(&account)?, &parse::address(&peer)?, verified).await?)
}

#[tauri::command]
pub async fn acknowledge_key_change(state: State<'_, AppState>, account: String, peer: String) -> CommandResult<()> {
    let engine = state.engine().await?;
    Ok(engine.acknowledge_key_change(&parse::address(&account)?, &parse::address(&peer)?).await?)
}
