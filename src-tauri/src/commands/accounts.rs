//! The profile's accounts, one per network.

use isthmus_core::{AccountInfo, RelayTrust, UnopenedSender, UnsentReport};
use isthmus_proto::api::Discoverability;
use tauri::State;

use crate::error::CommandResult;
use crate::parse;
use crate::state::AppState;

#[tauri::command]
pub async fn accounts(state: State<'_, AppState>) -> CommandResult<Vec<AccountInfo>> {
    Ok(state.engine().await?.accounts()?)
}

/// Registers the account and brings it online at once. `ca_pem` is the text of a private
/// deployment's CA certificate (the page reads the file; it never names a path); `invite` the
/// token of a network that registers by invitation.
#[tauri::command]
pub async fn add_account(
    state: State<'_, AppState>,
    relay_url: String,
    name: String,
    ca_pem: Option<String>,
    invite: Option<String>,
) -> CommandResult<AccountInfo> {
    let engine = state.engine().await?;
    let trust = RelayTrust { ca_pem, allow_insecure_http: false };
    let invite = invite.as_deref().map(str::trim).filter(|token| !token.is_empty());
    let info = engine.add_invited_account(relay_url.trim(), name.trim(), trust, invite).await?;
    engine.connect(&parse::address(&info.address)?)?;
    Ok(info)
}

/// Who may find the account: `everyone` or `contacts`.
#[tauri::command]
pub async fn discoverability(state: State<'_, AppState>, account: String) -> CommandResult<Discoverability> {
    Ok(state.engine().await?.discoverability(&parse::address(&account)?).await?)
}

#[tauri::command]
pub async fn set_discoverability(
    state: State<'_, AppState>,
    account: String,
    discoverable_by: Discoverability,
) -> CommandResult<()> {
    Ok(state.engine().await?.set_discoverability(&parse::address(&account)?, discoverable_by).await?)
}

/// People whose first contacts to `account` could not be opened, with how many.
#[tauri::command]
pub async fn unopened_first_contacts(
    state: State<'_, AppState>,
    account: String,
) -> CommandResult<Vec<UnopenedSender>> {
    Ok(state.engine().await?.unopened_first_contacts(&parse::address(&account)?)?)
}

/// Reports of `account`'s that its relay could not take yet; each goes out after the next connection.
#[tauri::command]
pub async fn unsent_reports(state: State<'_, AppState>, account: String) -> CommandResult<Vec<UnsentReport>> {
    Ok(state.engine().await?.unsent_reports(&parse::address(&account)?)?)
}
