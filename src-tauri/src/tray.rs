//! The tray icon (Tauri's own, feature `tray-icon`): the unread count at a glance, and a way
//! back to a window that was closed into the tray ("close to tray", `desktop_prefs`).
//!
//! The count shows as the icon's title (a label beside it; Linux's AppIndicator has no tooltip)
//! and its tooltip (Windows, macOS). The menu has "Show Isthmus" and "Quit Isthmus"; a left
//! click shows the window where the platform reports clicks (not through AppIndicator, which
//! only opens the menu).

use tauri::menu::{Menu, MenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Runtime};

use crate::main_window;

const TRAY_ID: &str = "isthmus";
const APP_NAME: &str = "Isthmus";

/// The tray menu's items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TrayItem {
    Show,
    Quit,
}

impl TrayItem {
    const ALL: [TrayItem; 2] = [TrayItem::Show, TrayItem::Quit];

    fn id(self) -> &'static str {
        match self {
            TrayItem::Show => "show",
            TrayItem::Quit => "quit",
        }
    }

    fn label(self) -> &'static str {
        match self {
            TrayItem::Show => "Show Isthmus",
            TrayItem::Quit => "Quit Isthmus",
        }
    }

    fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|item| item.id() == id)
    }
}

/// Puts the icon in the tray. A desktop without a tray (or a status notifier host) just does
/// not show it; the caller logs a failure and goes on without one.
pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let items = TrayItem::ALL
        .into_iter()
        .map(|item| MenuItem::with_id(app, item.id(), item.label(), true, None::<&str>))
        .collect::<tauri::Result<Vec<_>>>()?;
    let refs: Vec<&dyn tauri::menu::IsMenuItem<tauri::Wry>> =
        items.iter().map(|item| item as &dyn tauri::menu::IsMenuItem<tauri::Wry>).collect();
    let menu = Menu::with_items(app, &refs)?;
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .menu(&menu)
        .tooltip(tooltip(0))
        .show_menu_on_left_click(false)
        .on_menu_event(|app, event| match TrayItem::from_id(event.id().as_ref()) {
            Some(TrayItem::Show) => main_window::bring_to_front(app),
            Some(TrayItem::Quit) => app.exit(0),
            None => {}
        })
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click { button: MouseButton::Left, button_state: MouseButtonState::Up, .. } = event {
                main_window::bring_to_front(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok(())
}

/// Whether the icon is in the tray: closing to the tray hides the window only when there is
/// an icon to bring it back with.
pub fn exists<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.tray_by_id(TRAY_ID).is_some()
}

/// Shows `unread` on the icon.
pub fn show_unread<R: Runtime>(app: &AppHandle<R>, unread: u64) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else { return };
    if let Err(error) = tray.set_tooltip(Some(tooltip(unread))).and_then(|()| tray.set_title(label(unread))) {
        tracing::info!(%error, "the tray icon did not take the unread count");
    }
}

fn tooltip(unread: u64) -> String {
    match unread {
        0 => APP_NAME.to_owned(),
        1 => format!("{APP_NAME}: 1 unread message"),
        n => format!("{APP_NAME}: {n} unread messages"),
    }
}

/// The label beside the icon: the count, or nothing when everything is read.
fn label(unread: u64) -> Option<String> {
    (unread > 0).then(|| unread.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_ids_lead_back_to_their_items() {
        for item in TrayItem::ALL {
            assert_eq!(TrayItem::from_id(item.id()), Some(item), "a click on {:?} is understood", item.label());
        }
        assert_eq!(TrayItem::from_id("something else"), None);
    }

    #[test]
    fn the_icon_says_how_many_messages_are_unread() {
        assert_eq!(tooltip(0), "Isthmus");
        assert_eq!(tooltip(1), "Isthmus: 1 unread message");
        assert_eq!(tooltip(12), "Isthmus: 12 unread messages");
        assert_eq!(label(0), None, "nothing beside the icon when everything is read");
        assert_eq!(label(7).as_deref(), Some("7"));
    }
}
