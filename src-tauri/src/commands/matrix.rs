//! Matrix accounts: sign in, turn on under the Matrix disclosure or off, sign out, and open a
//! direct chat with a Matrix user. Everything else on a Matrix chat goes through the ordinary
//! chat commands: a Matrix chat is a chat.

use isthmus_core::matrix_link::MatrixAccountInfo;
use isthmus_core::{Conversation, Disclosure};
use isthmus_matrix::SignIn;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
pub async fn matrix_accounts(state: State<'_, AppState>) -> CommandResult<Vec<MatrixAccountInfo>> {
    Ok(state.engine().await?.matrix_accounts()?)
}

#[tauri::command]
pub async fn matrix_disclosure(state: State<'_, AppState>) -> CommandResult<Disclosure> {
    Ok(state.engine().await?.matrix_disclosure())
}

/// The homeserver is discovered from the id's server when none is given.
#[tauri::command]
pub async fn matrix_sign_in(
    state: State<'_, AppState>,
    user_id: String,
    password: String,
    homeserver: Option<String>,
) -> CommandResult<MatrixAccountInfo> {
    let engine = state.engine().await?;
    let mut request = SignIn::new(user_id, password);
    request.homeserver = homeserver.filter(|url| !url.trim().is_empty());
    Ok(isthmus_matrix::sign_in(&engine, request).await?)
}

#[tauri::command]
pub async fn matrix_set_enabled(
    state: State<'_, AppState>,
    user_id: String,
    enabled: bool,
    disclosure_version: Option<String>,
) -> CommandResult<MatrixAccountInfo> {
    let engine = state.engine().await?;
    Ok(isthmus_matrix::set_enabled(&engine, &user_id, enabled, disclosure_version.as_deref()).await?)
}

#[tauri::command]
pub async fn matrix_sign_out(state: State<'_, AppState>, user_id: String) -> CommandResult<()> {
    Ok(isthmus_matrix::sign_out(&state.engine().await?, &user_id).await?)
}

#[tauri::command]
pub async fn open_matrix_chat(
    state: State<'_, AppState>,
    user_id: String,
    peer: String,
) -> CommandResult<Conversation> {
    Ok(state.engine().await?.open_matrix_chat(&user_id, &peer).await?)
}
