//! Sending text, replies, reactions, edits, deletes, and typing indicators.

use isthmus_core::{Message, Outgoing};
use tauri::State;

use crate::error::CommandResult;
use crate::parse;
use crate::state::AppState;

#[tauri::command]
pub async fn send(
    state: State<'_, AppState>,
    account: String,
    peer: String,
    outgoing: Outgoing,
) -> CommandResult<Option<Message>> {
    let engine = state.engine().await?;
    Ok(engine.send(&parse::address(&account)?, &parse::address(&peer)?, outgoing).await?)
}

/// Dropped by the engine when typing indicators are off, for requests, and while offline.
#[tauri::command]
pub async fn send_typing(
    state: State<'_, AppState>,
    account: String,
    peer: String,
    started: bool,
) -> CommandResult<()> {
    let engine = state.engine().await?;
    Ok(engine.send_typing(&parse::address(&account)?, &parse::address(&peer)?, started).await?)
}
