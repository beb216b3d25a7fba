//! The profile's accounts, one per network.

use isthmus_core::AccountInfo;
use tauri::State;

use crate::error::CommandResult;
use crate::parse;
use crate::state::AppState;

#[tauri::command]
pub async fn accounts(state: State<'_, AppState>) -> CommandResult<Vec<AccountInfo>> {
    Ok(state.engine().await?.accounts()?)
}

/// Registers the account and brings it online at once.
#[tauri::command]
pub async fn add_account(state: State<'_, AppState>, relay_url: String, name: String) -> CommandResult<AccountInfo> {
    let engine = state.engine().await?;
    let info = engine.add_account(relay_url.trim(), name.trim()).await?;
    engine.connect(&parse::address(&info.address)?)?;
    Ok(info)
}
