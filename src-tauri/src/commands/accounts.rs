//! The profile's accounts, one per network.

use isthmus_core::{AccountInfo, RelayTrust};
use tauri::State;

use crate::error::CommandResult;
use crate::parse;
use crate::state::AppState;

#[tauri::command]
pub async fn accounts(state: State<'_, AppState>) -> CommandResult<Vec<AccountInfo>> {
    Ok(state.engine().await?.accounts()?)
}

/// Registers the account and brings it online at once. `ca_pem` is the text of a private
/// deployment's CA certificate (the page reads the file; it never names a path).
#[tauri::command]
pub async fn add_account(
    state: State<'_, AppState>,
    relay_url: String,
    name: String,
    ca_pem: Option<String>,
) -> CommandResult<AccountInfo> {
    let engine = state.engine().await?;
    let trust = RelayTrust { ca_pem, allow_insecure_http: false };
    let info = engine.add_account(relay_url.trim(), name.trim(), trust).await?;
    engine.connect(&parse::address(&info.address)?)?;
    Ok(info)
}
