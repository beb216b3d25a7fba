//! The UI's own preferences (backend.ts `Settings`), kept in the profile as one JSON document,
//! and desktop notifications.
//!
//! The shell reads two fields of it, `readReceipts` and `typingIndicators`, and hands them to
//! the engine, which enforces them; the engine's value is the truth when the settings are read
//! back. It acts on two more itself, `closeToTray` and `spellCheck` (`desktop_prefs.rs`).
//! Everything else is the UI's to define.

use isthmus_core::untrusted_text;
use isthmus_core::{ConversationId, ErrorCode, Privacy};
use serde_json::{Map, Value};
use tauri::{AppHandle, State};
use tauri_plugin_notification::NotificationExt;

use crate::desktop_prefs::{self, DesktopPrefs};
use crate::error::{CommandError, CommandResult};
use crate::notification_click;
use crate::state::AppState;

/// A settings document larger than this is refused: it is preferences, not data.
const MAX_SETTINGS_BYTES: usize = 256 * 1024;

/// The UI's defaults (`defaultSettings` in backend.ts reads the same file), for fields the
/// stored document lacks.
const DEFAULTS: &str = include_str!("../../../ui/src/backend/settings-defaults.json");

fn defaults() -> Map<String, Value> {
    match serde_json::from_str(DEFAULTS) {
        Ok(Value::Object(map)) => map,
        // Checked by a test: the file is the UI's and always an object.
        _ => Map::new(),
    }
}

/// The stored document over the defaults, with the privacy switches as the engine has them.
pub fn merged(stored: Option<Value>, privacy: Privacy) -> Value {
    let mut settings = defaults();
    if let Some(Value::Object(stored)) = stored {
        settings.extend(stored);
    }
    settings.insert("readReceipts".into(), Value::Bool(privacy.read_receipts));
    settings.insert("typingIndicators".into(), Value::Bool(privacy.typing_indicators));
    Value::Object(settings)
}

/// The privacy switches a settings document asks for; a missing or non-boolean field keeps
/// the current value.
pub fn privacy_of(settings: &Value, current: Privacy) -> Privacy {
    let flag = |name: &str, current: bool| settings.get(name).and_then(Value::as_bool).unwrap_or(current);
    Privacy {
        read_receipts: flag("readReceipts", current.read_receipts),
        typing_indicators: flag("typingIndicators", current.typing_indicators),
    }
}

#[tauri::command]
pub async fn settings(state: State<'_, AppState>) -> CommandResult<Value> {
    let engine = state.engine().await?;
    Ok(merged(engine.front_end_settings()?, engine.privacy()?))
}

#[tauri::command]
pub async fn set_settings(app: AppHandle, state: State<'_, AppState>, settings: Value) -> CommandResult<Value> {
    if !settings.is_object() {
        return Err(CommandError::new(ErrorCode::Protocol, "settings are a JSON object"));
    }
    if settings.to_string().len() > MAX_SETTINGS_BYTES {
        return Err(CommandError::new(ErrorCode::TooLarge, "the settings document is too large"));
    }
    let engine = state.engine().await?;
    engine.set_privacy(privacy_of(&settings, engine.privacy()?))?;
    engine.set_front_end_settings(&settings)?;
    let settings = merged(Some(settings), engine.privacy()?);
    desktop_prefs::apply(&app, DesktopPrefs::of(&settings));
    Ok(settings)
}

/// Shows a desktop notification. The UI decides what it says (never a pending request's
/// content); a desktop without a notification service is not an error worth showing. A click
/// on it opens `conversation_id` when given (`notification_click.rs`).
#[tauri::command]
pub async fn notify(
    app: AppHandle,
    title: String,
    body: String,
    conversation_id: Option<ConversationId>,
) -> CommandResult<()> {
    // The text is another person's: a body may be read as markup by the notification server.
    let (title, body) = (untrusted_text::without_hidden(&title), untrusted_text::for_notification(&body));
    let mut notification = app.notification().builder().title(title).body(body);
    if let Some(conversation) = conversation_id {
        notification = notification.extra(notification_click::CONVERSATION_KEY, conversation);
    }
    if let Err(error) = notification.show() {
        tracing::info!(%error, "no desktop notification service");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_come_from_the_defaults_and_privacy_from_the_engine() {
        let stored = serde_json::json!({ "theme": "dark", "readReceipts": true, "extra": 1 });
        let engine_says = Privacy { read_receipts: false, typing_indicators: true };
        let settings = merged(Some(stored), engine_says);
        assert_eq!(settings["theme"], "dark", "the stored choice wins over the default");
        assert_eq!(settings["notifications"], true, "a field never stored has its default");
        assert_eq!(settings["readReceipts"], false, "the engine enforces privacy, so it is the truth");
        assert_eq!(settings["extra"], 1, "fields the shell does not know survive");
    }

    #[test]
    fn the_defaults_are_the_uis_file() {
        let defaults = defaults();
        assert_eq!(defaults["theme"], "system", "the UI's defaults file is read");
        assert_eq!(defaults["pinned"], serde_json::json!([]));
        for field in ["readReceipts", "typingIndicators", "closeToTray", "spellCheck"] {
            assert!(defaults.contains_key(field), "the shell reads {field}, so the UI's defaults hold it");
        }
    }

    #[test]
    fn mutes_old_and_timed_pass_through_unchanged() {
        // `muted` is the UI's: plain ids (muted always, as older documents hold) and timed
        // entries `{ id, until }` alike must come back as stored.
        let muted = serde_json::json!(["c1", { "id": "c2", "until": 1_700_000_000_000_u64 }]);
        let settings = merged(Some(serde_json::json!({ "muted": muted.clone() })), Privacy::default());
        assert_eq!(settings["muted"], muted, "the shell reads no mute, so it changes none");
    }

    #[test]
    fn privacy_switches_are_read_from_the_document() {
        let current = Privacy::default();
        let off = privacy_of(&serde_json::json!({ "readReceipts": false, "typingIndicators": false }), current);
        assert_eq!(off, Privacy { read_receipts: false, typing_indicators: false });
        let unchanged = privacy_of(&serde_json::json!({ "readReceipts": "no" }), current);
        assert_eq!(unchanged, current, "a malformed field changes nothing");
    }
}
