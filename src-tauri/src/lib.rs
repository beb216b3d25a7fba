//! isthmus-desktop: the Tauri shell over isthmus-core.
//!
//! The shell only converts: commands (`commands/`) parse the page's arguments, call the
//! engine and turn errors into `{ code, message }`; `events` forwards the engine's events to
//! the page as "isthmus://events" (in batches). The app holds the engine while the profile is unlocked
//! (`state`). `--sandbox` starts two in-process relays with demo people (`sandbox_mode`).
#![deny(unsafe_code)]

pub mod commands;
pub mod error;
pub mod event_batch;
pub mod events;
pub mod launch;
pub mod parse;
pub mod sandbox_mode;
pub mod staging;
pub mod state;
#[cfg(test)]
mod test_fixtures;
pub mod webview_memory;

use std::path::PathBuf;

use tauri::Manager;

use crate::launch::Launch;
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
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(commands::handler())
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
    for quiet in ["libsignal_protocol_syft=off", "libsignal_core_syft=off", "spqr_syft=off"] {
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
    if let Some(window) = app.get_webview_window("main") {
        webview_memory::apply(&window)?;
    }
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
