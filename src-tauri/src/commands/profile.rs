//! Creating, unlocking and locking the profile, and changing its passphrase.

use isthmus_core::{KdfParams, Profile};
use serde::Serialize;
use tauri::{AppHandle, State};

use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// backend.ts `ProfileState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileState {
    Missing,
    Locked,
    Unlocked,
}

#[tauri::command]
pub async fn profile_state(state: State<'_, AppState>) -> CommandResult<ProfileState> {
    Ok(if state.is_unlocked().await {
        ProfileState::Unlocked
    } else if state.profile_exists() {
        ProfileState::Locked
    } else {
        ProfileState::Missing
    })
}

/// Argon2id takes most of a second on purpose: off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> isthmus_core::store::Result<T> + Send + 'static,
) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|_| CommandError::from(isthmus_core::Error::Stopped))?
        .map_err(CommandError::from)
}

#[tauri::command]
pub async fn create_profile(app: AppHandle, state: State<'_, AppState>, passphrase: String) -> CommandResult<()> {
    let dir = state.profile_dir().to_path_buf();
    let profile = blocking(move || Profile::create(&dir, &passphrase, KdfParams::default())).await?;
    state.open(&app, profile).await
}

#[tauri::command]
pub async fn unlock(app: AppHandle, state: State<'_, AppState>, passphrase: String) -> CommandResult<()> {
    if state.is_unlocked().await {
        return Ok(());
    }
    let dir = state.profile_dir().to_path_buf();
    let profile = blocking(move || Profile::unlock(&dir, &passphrase)).await?;
    state.open(&app, profile).await
}

/// Locks the profile. The unread count leaves the title, the tray and the badge with it: a
/// locked app tells nobody how many messages wait.
#[tauri::command]
pub async fn lock(app: AppHandle, state: State<'_, AppState>) -> CommandResult<()> {
    state.close().await?;
    crate::unread::show(&app, 0);
    Ok(())
}

/// The engine holds the profile open, so the key file is rewrapped between closing and
/// reopening it. A wrong old passphrase is refused before anything closes: unlocking checks the
/// key before it touches the database (which the engine still holds).
#[tauri::command]
pub async fn change_passphrase(
    app: AppHandle,
    state: State<'_, AppState>,
    old_passphrase: String,
    new_passphrase: String,
) -> CommandResult<()> {
    state.engine().await?;
    let (dir, old) = (state.profile_dir().to_path_buf(), old_passphrase.clone());
    match blocking(move || Profile::unlock(&dir, &old).map(drop)).await {
        Err(error) if error.code() == isthmus_core::ErrorCode::WrongPassphrase => return Err(error),
        _ => {}
    }
    state.close().await?;
    let dir = state.profile_dir().to_path_buf();
    let (old, new) = (old_passphrase, new_passphrase);
    let profile = blocking(move || {
        let profile = Profile::unlock(&dir, &old)?;
        profile.change_passphrase(&old, &new, KdfParams::default())?;
        Ok(profile)
    })
    .await?;
    state.open(&app, profile).await
}
