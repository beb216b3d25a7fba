//! Launching Isthmus while it runs shows the running window (tauri-plugin-single-instance).
//! Without it the second process opened the same profile, found it locked by the first, and
//! failed; and on its way it emptied the first one's staging folder.
//!
//! One instance per *profile*: the profile lock is what two processes cannot share, so two
//! profiles (`--profile`) may run side by side. On Linux the plugin claims a D-Bus name on the
//! session bus; it is the app's identifier for the default profile and carries a hash of the
//! folder for any other. The sandbox is left out: each sandbox is a world of its own in a
//! temporary folder, and a test or benchmark starting one must never be handed to a sandbox or
//! a real profile that happens to be running. (Elsewhere the plugin keys on the app alone.)

use std::path::Path;

use sha2::{Digest, Sha256};
use tauri::plugin::TauriPlugin;
use tauri::{Manager, Runtime};

use crate::launch::Launch;
use crate::main_window::{self, Presentable, MAIN_WINDOW};

/// The app's identifier (tauri.conf.json), which the D-Bus name starts with.
const IDENTIFIER: &str = "test.isthmus.desktop";

/// The plugin for this launch, or `None` in the sandbox. Registered before every other plugin,
/// so a second launch hands over and exits before anything else starts.
pub fn plugin<R: Runtime>(launch: &Launch) -> Option<TauriPlugin<R>> {
    if launch.sandbox {
        return None;
    }
    let mut builder = tauri_plugin_single_instance::Builder::new()
        .callback(|app, _args, _cwd| on_second_launch(app.get_webview_window(MAIN_WINDOW).as_ref()));
    if let Some(id) = dbus_id(launch.profile.as_deref()) {
        builder = builder.dbus_id(id);
    }
    Some(builder.build())
}

/// What the running app does when it is launched again: the person wants to see it, wherever
/// the window is (minimized, hidden in the tray, behind others). Its arguments are not read:
/// the running app keeps its profile.
pub fn on_second_launch(window: Option<&impl Presentable>) {
    tracing::info!("launched again: showing the window");
    if let Some(window) = window {
        if let Err(error) = main_window::present(window) {
            tracing::warn!(%error, "could not show the window to a second launch");
        }
    }
}

/// The D-Bus name (before the plugin's `.SingleInstance`) for a profile folder given on the
/// command line; `None` for the default profile, which keeps the identifier. A name element
/// may not start with a digit, hence the `p`.
fn dbus_id(profile: Option<&Path>) -> Option<String> {
    let profile = profile?;
    let absolute = std::path::absolute(profile).unwrap_or_else(|_| profile.to_path_buf());
    // Two spellings of one folder (`./p`, `/home/a/p`, a link) are one profile.
    let folder = absolute.canonicalize().unwrap_or(absolute);
    let digest = Sha256::digest(folder.as_os_str().as_encoded_bytes());
    Some(format!("{IDENTIFIER}.p{}", hex::encode(&digest[..8])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::main_window::tests::RecordingWindow;

    #[test]
    fn a_second_launch_shows_and_focuses_the_running_window() {
        let window = RecordingWindow::default();
        on_second_launch(Some(&window));
        assert_eq!(
            window.steps.borrow().last(),
            Some(&"focus"),
            "the person launched Isthmus to see it: the running window comes forward and takes the focus"
        );
        assert!(window.steps.borrow().contains(&"show"), "a window hidden in the tray is shown again");
        assert!(window.steps.borrow().contains(&"unminimize"), "a minimized window is restored");
        on_second_launch(None::<&RecordingWindow>);
    }

    #[test]
    fn the_identifier_is_the_apps_own() {
        let config: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).expect("tauri.conf.json is JSON");
        assert_eq!(config["identifier"], IDENTIFIER, "the D-Bus names start with the app's identifier");
    }

    #[test]
    fn each_profile_folder_has_a_name_of_its_own_and_the_sandbox_has_none() {
        let root = tempfile::tempdir().expect("temp dir");
        let (work, home) = (root.path().join("work"), root.path().join("home"));
        std::fs::create_dir_all(&work).expect("mkdir");
        assert_eq!(dbus_id(None), None, "the default profile uses the identifier");
        let id = dbus_id(Some(&work)).expect("a name");
        assert_ne!(Some(id.clone()), dbus_id(Some(&home)), "two profiles may run side by side");
        assert_eq!(Some(id.clone()), dbus_id(Some(&work.join("../work"))), "one folder, one name, however spelled");
        assert!(id.starts_with("test.isthmus.desktop.p"), "{id}");
        let valid = id.split('.').all(|element| {
            !element.is_empty()
                && !element.starts_with(|c: char| c.is_ascii_digit())
                && element.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
        assert!(valid && id.len() < 255 - ".SingleInstance".len(), "a valid D-Bus name: {id}");

        let sandbox = Launch { sandbox: true, ..Launch::default() };
        assert!(plugin::<tauri::test::MockRuntime>(&sandbox).is_none(), "sandboxes never hand over");
        assert!(plugin::<tauri::test::MockRuntime>(&Launch::default()).is_some());
    }
}
