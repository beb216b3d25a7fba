//! A click on a message's notification opens its chat. tauri-plugin-notification reports the
//! click to Rust (`on_action`, action `tap`): on Linux through the notification server's
//! default action (the Desktop Notifications Specification's "default", which servers invoke
//! when the notification itself is clicked), on Windows while the toast is on screen, on macOS
//! from the notification centre. The notification carries its chat's id (`extra`); the
//! window comes to the front and the page hears which chat to select.

use isthmus_core::ConversationId;
use tauri::{AppHandle, Emitter, Runtime};
use tauri_plugin_notification::{ActionPerformed, NotificationExt};

use crate::main_window;

/// The Tauri event that asks the page to select a chat (tauri.ts, checked by
/// tests/contract.rs); its payload is the conversation id.
pub const OPEN_CONVERSATION_EVENT: &str = "isthmus://open-conversation";

/// Where a notification keeps the id of the chat it is about.
pub const CONVERSATION_KEY: &str = "conversation";

/// The plugin's name for a click on the notification itself.
const CLICK: &str = "tap";

/// Starts listening for clicks. Called before the first notification is shown: the plugin
/// reports actions only of notifications shown while someone listens.
pub fn listen<R: Runtime>(app: &AppHandle<R>) {
    let handle = app.clone();
    if let Err(error) = app.notification().on_action(move |performed| {
        if let Some(conversation) = chat_to_open(performed) {
            open_chat(&handle, conversation);
        }
    }) {
        tracing::warn!(%error, "notification clicks will not open their chat");
    }
}

/// The chat a notification action asks to open: a click on a notification that names one.
/// Closing or dismissing it opens nothing.
pub fn chat_to_open(performed: &ActionPerformed) -> Option<ConversationId> {
    if performed.action_id() != CLICK {
        return None;
    }
    let id = performed.notification()?.extra().get(CONVERSATION_KEY)?;
    serde_json::from_value(id.clone()).ok()
}

/// Brings the window to the front and asks the page to select `conversation`.
pub fn open_chat<R: Runtime>(app: &AppHandle<R>, conversation: ConversationId) {
    tracing::info!("a notification was clicked: opening its chat");
    main_window::bring_to_front(app);
    if let Err(error) = app.emit(OPEN_CONVERSATION_EVENT, conversation) {
        tracing::error!(%error, "could not ask the page to open a chat");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use serde_json::json;
    use tauri::Listener;
    use tauri_plugin_notification::NotificationData;

    use super::*;

    /// What the plugin hands `on_action` (its `performed`): the action and the notification's
    /// data as it was shown, with our `extra`.
    fn performed(action: &str, extra: serde_json::Value) -> ActionPerformed {
        let mut notification = serde_json::to_value(NotificationData::default()).expect("serializes");
        notification["title"] = json!("robin@meadow.test");
        notification["extra"] = extra;
        serde_json::from_value(json!({ "actionId": action, "inputValue": null, "notification": notification }))
            .expect("the plugin's payload")
    }

    #[test]
    fn a_click_on_a_message_notification_names_its_chat() {
        let chat = ConversationId::random();
        let clicked = performed("tap", json!({ CONVERSATION_KEY: chat }));
        assert_eq!(chat_to_open(&clicked), Some(chat), "the id the notification was shown with comes back");
    }

    #[test]
    fn anything_but_a_click_opens_nothing() {
        let chat = ConversationId::random();
        assert_eq!(chat_to_open(&performed("dismiss", json!({ CONVERSATION_KEY: chat }))), None);
        assert_eq!(chat_to_open(&performed("tap", json!({}))), None, "a notification about no chat");
        assert_eq!(chat_to_open(&performed("tap", json!({ CONVERSATION_KEY: "not hex" }))), None);
    }

    #[test]
    fn opening_a_chat_tells_the_page_which_one() {
        let app = tauri::test::mock_app();
        let heard = Arc::new(Mutex::new(Vec::new()));
        let sink = heard.clone();
        app.listen_any(OPEN_CONVERSATION_EVENT, move |event| {
            sink.lock().expect("not poisoned").push(event.payload().to_owned());
        });
        let chat = ConversationId::random();
        open_chat(app.handle(), chat);
        assert_eq!(
            *heard.lock().expect("not poisoned"),
            [format!("\"{chat}\"")],
            "the page selects the chat whose id the event carries, as the id crosses everywhere"
        );
    }
}
