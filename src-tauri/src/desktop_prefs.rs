//! The settings the shell itself acts on: "close to tray" and spell checking. They are fields
//! of the UI's settings document (backend.ts `Settings`: `closeToTray`, `spellCheck`, defaults
//! in settings-defaults.json), stored sealed in the profile with the rest, like the privacy
//! switches. The shell reads them when the profile is unlocked and whenever the page saves
//! settings, and keeps them in memory: closing the window while the app is locked does what
//! was chosen last.

use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;
use tauri::{AppHandle, Manager, Runtime};

use crate::main_window::MAIN_WINDOW;
use crate::{spell_check, tray};

/// What the shell does for the person, from their settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DesktopPrefs {
    /// Closing the window hides it in the tray instead of quitting (opt-in: people expect a
    /// closed window to quit the app unless they asked otherwise).
    pub close_to_tray: bool,
    /// The web view underlines misspelt words.
    pub spell_check: bool,
}

impl Default for DesktopPrefs {
    fn default() -> Self {
        DesktopPrefs { close_to_tray: false, spell_check: true }
    }
}

impl DesktopPrefs {
    /// The prefs a settings document asks for; a missing or malformed field keeps its default.
    pub fn of(settings: &Value) -> Self {
        let defaults = DesktopPrefs::default();
        let flag = |name: &str, default: bool| settings.get(name).and_then(Value::as_bool).unwrap_or(default);
        DesktopPrefs {
            close_to_tray: flag("closeToTray", defaults.close_to_tray),
            spell_check: flag("spellCheck", defaults.spell_check),
        }
    }
}

/// The prefs in force, read by the window's close handler (managed state).
#[derive(Debug, Default)]
pub struct DesktopPrefsState {
    close_to_tray: AtomicBool,
}

/// Puts `prefs` in force: remembers "close to tray" and turns spell checking on or off.
pub fn apply(app: &AppHandle, prefs: DesktopPrefs) {
    if let Some(state) = app.try_state::<DesktopPrefsState>() {
        state.close_to_tray.store(prefs.close_to_tray, Ordering::Relaxed);
    }
    set_spell_check(app, prefs.spell_check);
}

/// Turns spell checking on or off in the main window.
pub fn set_spell_check(app: &AppHandle, on: bool) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        if let Err(error) = spell_check::apply(&window, on) {
            tracing::warn!(%error, "could not change spell checking");
        }
    }
}

/// What closing the window does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closing {
    /// Let it close: the app quits with its last window.
    Quit,
    /// Hide it; the tray icon brings it back, and so does launching the app again.
    HideToTray,
}

/// Hides to the tray only when the person asked for it and an icon is there to come back
/// with: without one, a hidden window would leave a running app nobody can reach.
pub fn closing(close_to_tray: bool, tray_icon_shown: bool) -> Closing {
    if close_to_tray && tray_icon_shown {
        Closing::HideToTray
    } else {
        Closing::Quit
    }
}

/// The window's close button was pressed: quit, or hide to the tray (see [`closing`]).
pub fn on_close_requested<R: Runtime>(window: &tauri::Window<R>, api: &tauri::CloseRequestApi) {
    if window.label() != MAIN_WINDOW {
        return;
    }
    let app = window.app_handle();
    let close_to_tray = app.try_state::<DesktopPrefsState>().is_some_and(|s| s.close_to_tray.load(Ordering::Relaxed));
    if closing(close_to_tray, tray::exists(app)) == Closing::HideToTray {
        api.prevent_close();
        if let Err(error) = window.hide() {
            tracing::warn!(%error, "could not hide the window to the tray");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefs_come_from_the_settings_document_with_defaults_for_the_rest() {
        let chosen = DesktopPrefs::of(&serde_json::json!({ "closeToTray": true, "spellCheck": false }));
        assert_eq!(chosen, DesktopPrefs { close_to_tray: true, spell_check: false });
        let old = DesktopPrefs::of(&serde_json::json!({ "theme": "dark" }));
        assert_eq!(old, DesktopPrefs::default(), "settings saved before these fields existed keep the defaults");
        assert!(!old.close_to_tray && old.spell_check, "close to tray is opt-in, spell checking on");
        let malformed = DesktopPrefs::of(&serde_json::json!({ "closeToTray": "yes" }));
        assert!(!malformed.close_to_tray, "a malformed field changes nothing");
    }

    #[test]
    fn the_ui_defaults_match_the_shells() {
        let settings = crate::commands::settings::merged(None, isthmus_core::Privacy::default());
        assert_eq!(DesktopPrefs::of(&settings), DesktopPrefs::default(), "settings-defaults.json says the same");
        assert!(settings.get("closeToTray").is_some() && settings.get("spellCheck").is_some());
    }

    #[test]
    fn closing_hides_to_the_tray_only_when_asked_and_possible() {
        assert_eq!(closing(false, true), Closing::Quit, "off by default: the close button quits");
        assert_eq!(closing(true, true), Closing::HideToTray);
        assert_eq!(closing(true, false), Closing::Quit, "without a tray icon nothing could bring the window back");
    }
}
