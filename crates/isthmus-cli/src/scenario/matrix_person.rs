//! A person on a matrix network: an in-memory profile with one Matrix account, registered on the
//! homeserver with its shared secret (the name made unique per run, as the homeserver keeps
//! accounts), signed in, and turned on (or off) as the file says.
//!
//! "On" is only ready once the person's Matrix client has published its device keys: a message
//! encrypted for them before that would be one they can never read. So setup and `allow` wait
//! until the homeserver lists the keys of the person's device.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use isthmus_core::consent::disclosure::MATRIX_DISCLOSURE_VERSION;
use isthmus_core::matrix_link::matrix_address;
use isthmus_core::{Engine, Profile};
use isthmus_matrix::SignIn;

use super::homeserver::Homeserver;
use super::model::PersonSpec;
use super::sync::Progress;
use super::world::Person;

/// How often readiness is asked of the homeserver.
const POLL: Duration = Duration::from_millis(100);

/// What the runner knows of a Matrix person's account.
pub struct MatrixUser {
    /// `@name-suffix:server`.
    pub user_id: String,
    device_id: String,
    /// The registration's token, for asking about the person's keys (see `Homeserver`).
    token: String,
    homeserver: Arc<Homeserver>,
}

/// Registers `spec` on `homeserver` as `name-suffix`, signs in, and turns Matrix on when the
/// file's `allows` says so (not yet waiting for readiness: see `ready`).
pub async fn join(spec: &PersonSpec, homeserver: Arc<Homeserver>, suffix: &str) -> Result<Person> {
    let registered = homeserver
        .register(&format!("{}-{suffix}", spec.name))
        .await
        .with_context(|| format!("registering {} on {} ({})", spec.name, spec.network, homeserver.url))?;
    let engine = Engine::open(Profile::in_memory())?;
    let mut sign_in = SignIn::new(&registered.user_id, &registered.password);
    sign_in.homeserver = Some(homeserver.url.clone());
    let info = isthmus_matrix::sign_in(&engine, sign_in)
        .await
        .with_context(|| format!("signing {} in as {}", spec.name, registered.user_id))?;
    let address = matrix_address(&info.user_id)?;
    if !spec.allows.is_empty() {
        isthmus_matrix::set_enabled(&engine, &info.user_id, true, Some(MATRIX_DISCLOSURE_VERSION))
            .await
            .with_context(|| format!("{} turning Matrix on", spec.name))?;
    }
    let matrix = MatrixUser { user_id: info.user_id, device_id: info.device_id, token: registered.token, homeserver };
    Ok(Person { engine, address, matrix: Some(matrix) })
}

impl MatrixUser {
    /// Waits until the homeserver has the keys of this person's device (the caller's timeout
    /// bounds it).
    pub async fn ready(&self, progress: &Progress) -> Result<()> {
        progress.set(format!("{}'s Matrix client to publish its device keys", self.user_id));
        while !self.homeserver.keys_published(&self.token, &self.user_id, &self.device_id).await? {
            tokio::time::sleep(POLL).await;
        }
        Ok(())
    }
}

/// `allow` / `revoke` with network "matrix": turns Matrix on (under the current Matrix
/// disclosure; the client starts, and the step waits until it is ready) or off (the client
/// stops, the chats turn read-only). The inner result is the engine's answer.
pub async fn switch(person: &Person, on: bool, progress: &Progress) -> Result<isthmus_core::Result<()>> {
    let user = person.matrix()?;
    let version = on.then_some(MATRIX_DISCLOSURE_VERSION);
    let switched = isthmus_matrix::set_enabled(&person.engine, &user.user_id, on, version).await.map(drop);
    if on && switched.is_ok() {
        user.ready(progress).await?;
    }
    Ok(switched)
}

/// `open`: a direct Matrix chat with `peer` (a Matrix id).
pub async fn open(person: &Person, peer: &str) -> Result<isthmus_core::Result<()>> {
    let user = person.matrix()?;
    Ok(person.engine.open_matrix_chat(&user.user_id, peer).await.map(drop))
}
