//! isthmus-desktop: the Tauri shell over isthmus-core.
//!
//! The shell only converts: commands (`commands/`) parse the page's arguments, call the
//! engine and turn errors into `{ code, message }`; `events` forwards the engine's events to
//! the page as "isthmus://events" (in batches). The app holds the engine while the profile is unlocked
//! (`state`). `--sandbox` starts two in-process relays with demo people (`sandbox_mode`).
//! The desktop around the window: a second launch shows it (`second_launch`), it keeps its
//! size and place and comes forward (`main_window`), a tray icon (`tray`) and the unread count
//! (`unread`), close to tray and spell checking (`desktop_prefs`, `spell_check`), clicked
//! notifications (`notification_click`) and dropped files (`file_drop`).
#![deny(unsafe_code)]

pub mod commands;
pub mod desktop_prefs;
pub mod error;
pub mod event_batch;
pub mod events;
pub mod file_drop;
pub mod launch;
pub mod main_window;
pub mod notification_click;
pub mod parse;
pub mod sandbox_mode;
pub mod second_launch;
pub mod spell_check;
pub mod staging;
pub mod state;
#[cfg(test)]
mod test_fixtures;
pub mod tray;
pub mod unread;
pub mod webview_memory;

use std::path::PathBuf;

use tauri::{Manager, WindowEvent};

use crate::desktop_prefs::{DesktopPrefs, DesktopPrefsState};
use crate::launch::Launch;
use crate::main_window::MAIN_WINDOW;
use crate::sandbox_mode::SandboxMode;
use crate::state::AppState;

/// Starts the app; returns when its last window closed.
pub fn run() {
    init_logging();
    let launch = match Launch::from_process() {
        Ok(launch) => launch,
        Err(error) => {
            eprintln!("isthmus-desktop: {error}");
            std::process::exit(2);
        }
    };
    let mut builder = tauri::Builder::default();
    // First: a second launch hands over to the running app and exits before anything starts.
    if let Some(single_instance) = second_launch::plugin(&launch) {
        builder = builder.plugin(single_instance);
    }
    if let Some(window_state) = main_window::state_plugin(&launch) {
        builder = builder.plugin(window_state);
    }
    let app = builder
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(commands::handler())
        .on_window_event(|window, event| match event {
            WindowEvent::CloseRequested { api, .. } => desktop_prefs::on_close_requested(window, api),
            WindowEvent::DragDrop(drop) if window.label() == MAIN_WINDOW => {
                file_drop::on_drag_drop(window.app_handle(), drop);
            }
            _ => {}
        })
        .setup(move |app| {
            setup(app, &launch)?;
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(error) => {
            eprintln!("isthmus-desktop: cannot start: {error}");
            std::process::exit(1);
        }
    }
}

/// Warnings and errors only unless ISTHMUS_LOG says otherwise; libsignal's own logging is off
/// because it names the addresses it works with.
fn init_logging() {
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("ISTHMUS_LOG").unwrap_or_else(|_| "warn".into());
    // matrix-sdk's own lines name rooms and people: only its errors are shown.
    let quiet = ["libsignal_protocol_syft=off", "libsignal_core_syft=off", "spqr_syft=off", "matrix_sdk=error"];
    let quiet =
        quiet.into_iter().chain(["matrix_sdk_crypto=error", "matrix_sdk_base=error", "matrix_sdk_sqlite=error"]);
    for quiet in quiet {
        if let Ok(directive) = quiet.parse() {
            filter = filter.add_directive(directive);
        }
    }
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

/// Why the app could not start.
#[derive(Debug, thiserror::Error)]
enum SetupError {
    #[error("sandbox mode: {0}")]
    Sandbox(#[from] sandbox_mode::SandboxError),
    #[error("no folder for the profile: {0}")]
    Paths(#[from] tauri::Error),
    #[error("no staging folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Engine(#[from] error::CommandError),
}

fn setup(app: &mut tauri::App, launch: &Launch) -> Result<(), SetupError> {
    let handle = app.handle().clone();
    app.manage(DesktopPrefsState::default());
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        webview_memory::apply(&window)?;
        // On until an unlocked profile's settings say otherwise.
        spell_check::apply(&window, DesktopPrefs::default().spell_check)?;
    }
    if let Err(error) = tray::create(&handle) {
        tracing::warn!(%error, "no tray icon on this desktop");
    }
    notification_click::listen(&handle);
    if launch.sandbox {
        tauri::async_runtime::block_on(async {
            let (sandbox, engine) = SandboxMode::start(launch.sandbox_history).await?;
            println!("{}", sandbox.summary());
            let state = AppState::new(sandbox.profile_dir(), Some(sandbox))?;
            app.manage(state);
            app.state::<AppState>().adopt(&handle, engine).await?;
            Ok::<_, SetupError>(())
        })?;
        if launch.sandbox_history > 0 {
            sandbox_mode::seed_history_in_background(handle, launch.sandbox_history);
        }
        return Ok(());
    }
    let profile_dir: PathBuf = match &launch.profile {
        Some(dir) => dir.clone(),
        None => app.path().app_data_dir()?.join("profile"),
    };
    app.manage(AppState::new(profile_dir, None)?);
    Ok(())
}
