//! Matrix accounts in the Isthmus inbox.
//!
//! Each Matrix account of a profile runs its own matrix-sdk client on the user's device: Olm and
//! Megolm end to end, its SQLite store in the profile folder sealed with a key derived from the
//! profile's data key (`Engine::matrix_store_key`), so nothing is readable on disk and nothing is
//! decrypted anywhere but here. The client turns what it syncs into engine calls
//! (`Engine::matrix_room`, `Engine::matrix_event`, `Engine::matrix_typing`), and carries out what
//! the user does on a Matrix chat through the engine's `MatrixLink` seam. Front ends (the CLI,
//! the desktop shell, the sandbox) use the functions below; the engine stays free of matrix-sdk.
//!
//! Consent first: a signed-in account is off until the user turns it on under the Matrix
//! disclosure; while off, its client does not run at all (no sync, no receipts, no typing).

mod client;
mod errors;
mod ingest;
mod session;
pub mod shared_secret;

use std::sync::Arc;

use isthmus_core::matrix_link::MatrixAccountInfo;
use isthmus_core::{Engine, Error, RelayTrust, Result};

pub use session::SignIn;

/// Signs in to a Matrix account and adds it to the profile, off. The homeserver is `homeserver`
/// when given, otherwise discovered from the id's server (`/.well-known/matrix/client`).
pub async fn sign_in(engine: &Engine, request: SignIn) -> Result<MatrixAccountInfo> {
    session::sign_in(engine, request).await
}

/// Turns Matrix on for the account (under the disclosure version the user was shown) and starts
/// its client, or turns it off and stops it. Either is recorded in the consent ledger.
pub async fn set_enabled(
    engine: &Engine,
    user_id: &str,
    enabled: bool,
    disclosure_version: Option<&str>,
) -> Result<MatrixAccountInfo> {
    let info = engine.set_matrix_enabled(user_id, enabled, disclosure_version).await?;
    if enabled {
        start(engine, user_id).await?;
    }
    Ok(info)
}

/// Starts the clients of every account the user turned on: after the profile is unlocked.
/// An account whose homeserver cannot be reached now keeps retrying in the background.
pub async fn start_all(engine: &Engine) -> Result<()> {
    for account in engine.matrix_accounts()? {
        if account.enabled && !engine.matrix_attached(&account.user_id) {
            if let Err(error) = start(engine, &account.user_id).await {
                tracing::warn!(code = ?error.code(), "a Matrix account could not start");
            }
        }
    }
    Ok(())
}

/// Starts one account's client (it must be on).
pub async fn start(engine: &Engine, user_id: &str) -> Result<()> {
    let account = engine.matrix_account(user_id)?.ok_or_else(|| Error::NoSuchAccount(user_id.to_owned()))?;
    if !account.enabled {
        return Err(Error::InteropOff("matrix".into()));
    }
    if engine.matrix_attached(user_id) {
        return Ok(());
    }
    let client = session::restore(engine, &account).await?;
    let link = client::MatrixClient::start(engine.clone(), account, client);
    engine.attach_matrix(user_id, Arc::new(link));
    Ok(())
}

/// Signs the account out: the homeserver forgets this device, the client and its store go, and
/// the account leaves the profile. Its chats stay, read-only.
pub async fn sign_out(engine: &Engine, user_id: &str) -> Result<()> {
    let account = engine.matrix_account(user_id)?.ok_or_else(|| Error::NoSuchAccount(user_id.to_owned()))?;
    if let Some(link) = engine.detach_matrix(user_id) {
        link.stop().await;
    }
    if let Ok(client) = session::restore(engine, &account).await {
        if let Err(error) = client.matrix_auth().logout().await {
            // Signed out here regardless: the device stays listed on the homeserver until
            // the user removes it there.
            tracing::info!(error = %errors::redacted(&error), "the homeserver did not take the sign-out");
        }
    }
    engine.remove_matrix_account(user_id).await?;
    session::remove_store(engine, user_id);
    Ok(())
}

/// The trust a Matrix homeserver connection uses: the same as an Isthmus relay's.
pub type HomeserverTrust = RelayTrust;
