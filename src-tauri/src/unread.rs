//! The unread count outside the page: the window title, the tray icon and the launcher's badge
//! (`set_badge_count`: the dock on macOS, the taskbar on Windows; on Linux the Unity launcher
//! API, which docks such as Ubuntu's and KDE's show, for the menu entry `Isthmus.desktop`).
//!
//! The page says the count (`set_unread_count`) because only it knows what counts: muted chats,
//! for a time or always, are left out (ui/src/logic/inbox.ts `unreadTotal`), and the engine
//! knows nothing of mutes. One number then shows everywhere alike.

use tauri::{AppHandle, Manager, Runtime};

use crate::main_window::MAIN_WINDOW;
use crate::tray;

const TITLE: &str = "Isthmus";

/// Shows `unread` in the title, on the tray icon and on the launcher.
pub fn show<R: Runtime>(app: &AppHandle<R>, unread: u64) {
    tray::show_unread(app, unread);
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else { return };
    // A window that is closing takes no title; nothing to report.
    let _ = window.set_title(&title(unread));
    if let Err(error) = window.set_badge_count(badge(unread)) {
        tracing::info!(%error, "no launcher badge on this desktop");
    }
}

fn title(unread: u64) -> String {
    if unread == 0 {
        TITLE.to_owned()
    } else {
        format!("{TITLE} ({unread})")
    }
}

/// No badge at all when everything is read (a "0" badge would still draw the eye).
fn badge(unread: u64) -> Option<i64> {
    (unread > 0).then(|| i64::try_from(unread).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_shows_only_when_something_is_unread() {
        assert_eq!(title(0), "Isthmus");
        assert_eq!(title(3), "Isthmus (3)");
        assert_eq!(badge(0), None, "a badge of 0 is removed, not shown");
        assert_eq!(badge(3), Some(3));
    }

    #[test]
    fn showing_the_count_without_a_tray_or_window_is_no_error() {
        let app = tauri::test::mock_app();
        show(app.handle(), 4);
        let _window = tauri::WebviewWindowBuilder::new(&app, MAIN_WINDOW, Default::default()).build().expect("window");
        show(app.handle(), 4);
    }
}
