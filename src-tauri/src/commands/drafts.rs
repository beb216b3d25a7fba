//! Drafts: what the user started writing in a chat, kept sealed in the profile until it is sent
//! (the engine removes a chat's draft when text is sent in it).

use isthmus_core::{ConversationId, Draft};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// Keeps `text` as the chat's draft; a blank text removes it. Durable once this returns.
#[tauri::command]
pub async fn save_draft(
    state: State<'_, AppState>,
    conversation_id: ConversationId,
    text: String,
) -> CommandResult<()> {
    Ok(state.engine().await?.save_draft(conversation_id, &text).await?)
}

#[tauri::command]
pub async fn draft(state: State<'_, AppState>, conversation_id: ConversationId) -> CommandResult<Option<Draft>> {
    Ok(state.engine().await?.draft(&conversation_id)?)
}

/// Every draft, most recently changed first (the inbox's "Draft:" previews).
#[tauri::command]
pub async fn drafts(state: State<'_, AppState>) -> CommandResult<Vec<Draft>> {
    Ok(state.engine().await?.drafts()?)
}
