//! Search over all history, in the engine's sealed index: the page never loads chats to search
//! them. "Jump to message" opens a chat around a hit with `messages` (before it) and
//! `messages_after`.

use isthmus_core::{ConversationId, Message, Page, SearchResults};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// Messages with a word starting with each word of `query` (case and accents ignored), newest
/// first, in every chat or in `conversation_id` only; `cursor` is a previous page's.
#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    query: String,
    conversation_id: Option<ConversationId>,
    cursor: Option<String>,
    limit: usize,
) -> CommandResult<SearchResults> {
    Ok(state.engine().await?.search(&query, conversation_id, cursor, limit).await?)
}

/// The messages after `seq`, oldest first.
#[tauri::command]
pub async fn messages_after(
    state: State<'_, AppState>,
    conversation_id: ConversationId,
    after: u64,
    limit: usize,
) -> CommandResult<Page<Message>> {
    Ok(state.engine().await?.messages_after(&conversation_id, after, limit)?)
}

/// Builds the search index afresh from every stored message; returns how many it indexed.
#[tauri::command]
pub async fn rebuild_search_index(state: State<'_, AppState>) -> CommandResult<u64> {
    Ok(state.engine().await?.rebuild_search_index().await?)
}
