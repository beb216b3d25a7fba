//! The app's one window, and bringing it to the person. A second launch, the tray's "Show
//! Isthmus" and a clicked notification all mean "I want to see Isthmus now", whether the window
//! is minimized, hidden in the tray or behind others; so that is written once, here.

use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, Runtime, WebviewWindow};
use tauri_plugin_window_state::StateFlags;

use crate::launch::Launch;

/// The label of the window tauri.conf.json declares.
pub const MAIN_WINDOW: &str = "main";

/// What bringing a window forward needs of it: a trait so tests can watch what is done.
pub trait Presentable {
    fn show(&self) -> tauri::Result<()>;
    fn unminimize(&self) -> tauri::Result<()>;
    fn set_focus(&self) -> tauri::Result<()>;
}

impl<R: Runtime> Presentable for WebviewWindow<R> {
    fn show(&self) -> tauri::Result<()> {
        WebviewWindow::show(self)
    }

    fn unminimize(&self) -> tauri::Result<()> {
        WebviewWindow::unminimize(self)
    }

    fn set_focus(&self) -> tauri::Result<()> {
        WebviewWindow::set_focus(self)
    }
}

/// Shows the window (it may be hidden in the tray), unminimizes it and gives it the focus,
/// in that order: a window manager ignores focus for a window that is not mapped.
pub fn present(window: &impl Presentable) -> tauri::Result<()> {
    window.show()?;
    window.unminimize()?;
    window.set_focus()
}

/// The window keeps its size, place and maximized state from one run to the next
/// (tauri-plugin-window-state, in the app's config folder). Not whether it was visible: an
/// app quit from the tray with its window hidden must not start hidden. Not in the sandbox,
/// whose window keeps the size tauri.conf.json gives it, so screenshots and the memory
/// benchmark see the same window every time.
pub fn state_plugin<R: Runtime>(launch: &Launch) -> Option<TauriPlugin<R>> {
    (!launch.sandbox).then(|| {
        tauri_plugin_window_state::Builder::new()
            .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
            .build()
    })
}

/// [`present`]s the main window, if there is one (there is none while the app quits).
pub fn bring_to_front<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        if let Err(error) = present(&window) {
            tracing::warn!(%error, "could not bring the window to the front");
        }
    }
}

#[cfg(test)]
pub mod tests {
    use std::cell::RefCell;

    use super::*;

    /// A window that writes down what was asked of it.
    #[derive(Default)]
    pub struct RecordingWindow {
        pub steps: RefCell<Vec<&'static str>>,
    }

    impl Presentable for RecordingWindow {
        fn show(&self) -> tauri::Result<()> {
            self.steps.borrow_mut().push("show");
            Ok(())
        }

        fn unminimize(&self) -> tauri::Result<()> {
            self.steps.borrow_mut().push("unminimize");
            Ok(())
        }

        fn set_focus(&self) -> tauri::Result<()> {
            self.steps.borrow_mut().push("focus");
            Ok(())
        }
    }

    #[test]
    fn presenting_shows_unminimizes_and_focuses_last() {
        let window = RecordingWindow::default();
        present(&window).expect("presented");
        assert_eq!(
            *window.steps.borrow(),
            ["show", "unminimize", "focus"],
            "a window hidden in the tray or minimized must be mapped before it can take the focus"
        );
    }

    #[test]
    fn the_window_state_is_kept_except_in_the_sandbox() {
        let sandbox = Launch { sandbox: true, ..Launch::default() };
        assert!(state_plugin::<tauri::test::MockRuntime>(&sandbox).is_none(), "the sandbox keeps its fixed size");
        assert!(state_plugin::<tauri::test::MockRuntime>(&Launch::default()).is_some());
    }

    #[test]
    fn bringing_a_missing_window_forward_is_no_error() {
        // While the app quits its window is gone; a late click must not panic.
        let app = tauri::test::mock_app();
        bring_to_front(app.handle());
    }
}
