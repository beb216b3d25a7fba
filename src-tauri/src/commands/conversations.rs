//! The inbox and timelines.

use isthmus_core::{Conversation, ConversationId, Message, Page};
use tauri::State;

use crate::error::CommandResult;
use crate::parse;
use crate::state::AppState;

#[tauri::command]
pub async fn conversations(state: State<'_, AppState>) -> CommandResult<Vec<Conversation>> {
    Ok(state.engine().await?.conversations(None)?)
}

#[tauri::command]
pub async fn conversation(
    state: State<'_, AppState>,
    conversation_id: ConversationId,
) -> CommandResult<Option<Conversation>> {
    Ok(state.engine().await?.conversation(&conversation_id)?)
}

/// The stored conversation, or a new empty one (not stored until the first message) when
/// the user may write to `peer`; otherwise the reason they may not.
#[tauri::command]
pub async fn start_conversation(
    state: State<'_, AppState>,
    account: String,
    peer: String,
) -> CommandResult<Conversation> {
    let (account, peer) = (parse::address(&account)?, parse::address(&peer)?);
    Ok(state.engine().await?.start_conversation(&account, &peer)?)
}

#[tauri::command]
pub async fn messages(
    state: State<'_, AppState>,
    conversation_id: ConversationId,
    before: Option<u64>,
    limit: usize,
) -> CommandResult<Page<Message>> {
    Ok(state.engine().await?.messages(&conversation_id, before, limit)?)
}

/// Read receipts go out only if the privacy settings allow it and the chat is no request;
/// the engine decides.
#[tauri::command]
pub async fn mark_read(state: State<'_, AppState>, conversation_id: ConversationId) -> CommandResult<()> {
    Ok(state.engine().await?.mark_read(conversation_id).await?)
}

/// A reminder: the chat's unread count becomes at least one. Nothing is sent.
#[tauri::command]
pub async fn mark_unread(state: State<'_, AppState>, conversation_id: ConversationId) -> CommandResult<()> {
    Ok(state.engine().await?.mark_unread(conversation_id).await?)
}
