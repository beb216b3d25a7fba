//! Signing in, and bringing a signed-in account's client back after a restart.

use isthmus_core::matrix_link::{matrix_address, MatrixAccount, MatrixAccountInfo};
use isthmus_core::{Engine, Error, RelayTrust, Result};
use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::Client;

use crate::errors;

/// What signing in to a Matrix account takes.
#[derive(Clone, Debug)]
pub struct SignIn {
    /// `@name:server`.
    pub user_id: String,
    pub password: String,
    /// The homeserver's URL; `None` discovers it from the id's server.
    pub homeserver: Option<String>,
    /// How the homeserver's certificate is checked (as for a relay: a private CA, or plain HTTP
    /// to another machine when asked by name; loopback HTTP is always allowed).
    pub trust: RelayTrust,
}

impl SignIn {
    pub fn new(user_id: impl Into<String>, password: impl Into<String>) -> Self {
        SignIn { user_id: user_id.into(), password: password.into(), homeserver: None, trust: RelayTrust::default() }
    }
}

/// What is kept of a session in the engine's sealed store: the client's own session, and the
/// trust its homeserver connection uses.
#[derive(serde::Serialize, serde::Deserialize)]
struct Kept {
    session: MatrixSession,
    #[serde(default)]
    trust: RelayTrust,
}

pub(crate) async fn sign_in(engine: &Engine, request: SignIn) -> Result<MatrixAccountInfo> {
    matrix_address(&request.user_id)?;
    if engine.matrix_account(&request.user_id)?.is_some() {
        return Err(Error::MatrixAccountExists(request.user_id));
    }
    // A store from an earlier, unfinished sign-in would hold another device's keys; a sign-in
    // that fails leaves none either.
    remove_store(engine, &request.user_id);
    let signed_in = signed_in_account(engine, &request).await;
    if signed_in.is_err() {
        remove_store(engine, &request.user_id);
    }
    engine.add_matrix_account(signed_in?).await
}

/// Signs in with a client of its own and answers the account to keep, off.
async fn signed_in_account(engine: &Engine, request: &SignIn) -> Result<MatrixAccount> {
    let server = request.user_id.split_once(':').map(|(_, server)| server.to_owned()).unwrap_or_default();
    let target = request.homeserver.clone().unwrap_or(server);
    let client = build(engine, &request.user_id, &target, &request.trust, request.homeserver.is_none()).await?;
    let response = client
        .matrix_auth()
        .login_username(&request.user_id, &request.password)
        .initial_device_display_name("Isthmus")
        .await
        .map_err(errors::from_sdk)?;
    if response.user_id.as_str() != request.user_id {
        // The homeserver signed in someone else (another spelling of the name): refuse it, the
        // chats would carry an id the person did not type.
        let _ = client.matrix_auth().logout().await;
        return Err(Error::InvalidMatrixId(format!(
            "{}: the homeserver signed in {} instead",
            request.user_id, response.user_id
        )));
    }
    let session =
        client.matrix_auth().session().ok_or_else(|| Error::Protocol("signed in without a session".into()))?;
    let kept = Kept { session, trust: request.trust.clone() };
    Ok(MatrixAccount {
        user_id: request.user_id.clone(),
        homeserver: client.homeserver().to_string(),
        device_id: response.device_id.to_string(),
        enabled: false,
        disclosure_version: None,
        added_at: isthmus_core::time::now_ms(),
        session: serde_json::to_value(&kept).map_err(|e| Error::Protocol(e.to_string()))?,
    })
}

/// The account's client, its session restored from the profile. Nothing goes over the network.
pub(crate) async fn restore(engine: &Engine, account: &MatrixAccount) -> Result<Client> {
    let kept: Kept = serde_json::from_value(account.session.clone())
        .map_err(|e| Error::Protocol(format!("the stored Matrix session cannot be read: {e}")))?;
    let client = build(engine, &account.user_id, &account.homeserver, &kept.trust, false).await?;
    client.matrix_auth().restore_session(kept.session).await.map_err(errors::from_sdk)?;
    Ok(client)
}

async fn build(engine: &Engine, user_id: &str, target: &str, trust: &RelayTrust, discover: bool) -> Result<Client> {
    let http = http_client(trust)?;
    let builder = Client::builder().http_client(http);
    let builder = if discover { builder.server_name_or_homeserver_url(target) } else { builder.homeserver_url(target) };
    let dir = engine.matrix_store_dir(user_id);
    std::fs::create_dir_all(&dir).map_err(|e| Error::Store(isthmus_core::store::Error::Io(e)))?;
    let passphrase = hex::encode(engine.matrix_store_key(user_id));
    let client = builder.sqlite_store(&dir, Some(&passphrase)).build().await.map_err(errors::from_build)?;
    // The relays' rule, for a homeserver typed in or discovered (a server's .well-known must not
    // send the password over plain http to another machine either). No password was sent yet.
    Error::check_server_url(client.homeserver().as_str(), trust.allow_insecure_http)?;
    Ok(client)
}

/// A reqwest client with Isthmus's TLS trust (the system's and the bundled web roots, and the
/// account's private CA when it has one).
fn http_client(trust: &RelayTrust) -> Result<matrix_sdk::reqwest::Client> {
    let tls = isthmus_tls::client_config(trust.ca_pem.as_deref().map(str::as_bytes))
        .map_err(|e| Error::BadCaCertificate(e.to_string()))?;
    matrix_sdk::reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .build()
        .map_err(|e| Error::HomeserverUnreachable(e.to_string()))
}

/// Removes the client's store (signing out, or before a fresh sign-in).
pub(crate) fn remove_store(engine: &Engine, user_id: &str) {
    let _ = std::fs::remove_dir_all(engine.matrix_store_dir(user_id));
}
