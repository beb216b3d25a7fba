//! The page telling the desktop what it knows: how many messages are unread (the title, the
//! tray, the launcher's badge: `unread.rs`) and whether to check spelling (`spell_check.rs`).
//! Neither needs the profile unlocked.

use tauri::AppHandle;

use crate::error::CommandResult;
use crate::{desktop_prefs, unread};

/// The page's unread total changed (muted chats left out).
#[tauri::command]
pub async fn set_unread_count(app: AppHandle, count: u64) -> CommandResult<()> {
    unread::show(&app, count);
    Ok(())
}

/// Turns spell checking on or off at once. The choice is kept as the settings' `spellCheck`,
/// which the shell applies again at every unlock (`desktop_prefs.rs`).
#[tauri::command]
pub async fn set_spell_check(app: AppHandle, on: bool) -> CommandResult<()> {
    desktop_prefs::set_spell_check(&app, on);
    Ok(())
}
