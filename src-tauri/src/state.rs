//! What the app holds between commands: the engine while the profile is unlocked (`None`
//! while locked), where the profile lives, the staging folder, and the sandbox when running
//! in sandbox mode.

use std::path::{Path, PathBuf};

use isthmus_core::{Engine, Profile};
use tauri::async_runtime::JoinHandle;
use tauri::AppHandle;
use tokio::sync::Mutex;

use crate::desktop_prefs::{self, DesktopPrefs};
use crate::error::{CommandError, CommandResult};
use crate::sandbox_mode::SandboxMode;
use crate::staging::Staging;

/// The file in a profile folder that exists once a profile was created (isthmus-core's
/// wrapped data key).
const PROFILE_MARKER: &str = "profile.json";

pub struct AppState {
    session: Mutex<Option<Session>>,
    profile_dir: PathBuf,
    /// Where files the user dropped, pasted or picked wait to be sent (see `staging.rs`).
    /// `send_file` sends from here only, so the page can never name an arbitrary file on disk.
    staging: Staging,
    pub sandbox: Option<SandboxMode>,
}

/// An unlocked profile: the engine and the task that forwards its events to the page.
struct Session {
    engine: Engine,
    forwarder: JoinHandle<()>,
}

impl AppState {
    pub fn new(profile_dir: PathBuf, sandbox: Option<SandboxMode>) -> std::io::Result<Self> {
        let staging = Staging::open(&profile_dir)?;
        Ok(AppState { session: Mutex::new(None), profile_dir, staging, sandbox })
    }

    pub fn profile_dir(&self) -> &Path {
        &self.profile_dir
    }

    pub fn staging(&self) -> &Path {
        self.staging.path()
    }

    /// Deletes a staged file once it was sent.
    pub fn discard_staged(&self, file: &Path) {
        self.staging.discard(file);
    }

    pub fn profile_exists(&self) -> bool {
        self.profile_dir.join(PROFILE_MARKER).is_file()
    }

    /// The engine, or `locked` while the profile is locked. A clone: commands never hold the
    /// lock across an engine call, so a slow send cannot stall everything else.
    pub async fn engine(&self) -> CommandResult<Engine> {
        self.session.lock().await.as_ref().map(|session| session.engine.clone()).ok_or_else(CommandError::locked)
    }

    pub async fn is_unlocked(&self) -> bool {
        self.session.lock().await.is_some()
    }

    /// Opens the engine on an unlocked profile and adopts it.
    pub async fn open(&self, app: &AppHandle, profile: Profile) -> CommandResult<()> {
        self.adopt(app, Engine::open(profile)?).await
    }

    /// Brings an open engine's accounts online and starts forwarding its events to the page.
    pub async fn adopt(&self, app: &AppHandle, engine: Engine) -> CommandResult<()> {
        let mut session = self.session.lock().await;
        if session.is_some() {
            return Err(CommandError::new(isthmus_core::ErrorCode::ProfileInUse, "the profile is already unlocked"));
        }
        let forwarder = crate::events::spawn_forwarder(app.clone(), &engine)?;
        engine.start()?;
        // Matrix accounts the person turned on sync again; one that cannot reach its
        // homeserver now keeps trying in the background.
        if let Err(error) = isthmus_matrix::start_all(&engine).await {
            tracing::warn!(code = ?error.code(), "the Matrix accounts could not start");
        }
        // The shell's own settings as this profile keeps them (close to tray, spell checking).
        match stored_desktop_prefs(&engine) {
            Ok(prefs) => desktop_prefs::apply(app, prefs),
            Err(error) => tracing::warn!(%error, "could not read the desktop settings; the defaults hold"),
        }
        *session = Some(Session { engine, forwarder });
        Ok(())
    }

    /// Takes every account offline and lets go of the profile (app lock). The data key goes
    /// with the engine.
    pub async fn close(&self) -> CommandResult<()> {
        // Whatever waits to be sent is plaintext: it goes with the lock.
        if let Err(error) = self.staging.clear() {
            tracing::warn!(%error, "could not clear the staging folder");
        }
        let Some(session) = self.session.lock().await.take() else { return Ok(()) };
        session.forwarder.abort();
        session.engine.shutdown().await?;
        Ok(())
    }
}

fn stored_desktop_prefs(engine: &Engine) -> CommandResult<DesktopPrefs> {
    let settings = crate::commands::settings::merged(engine.front_end_settings()?, engine.privacy()?);
    Ok(DesktopPrefs::of(&settings))
}
