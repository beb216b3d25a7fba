//! Registering an account on a homeserver you run, with its registration shared secret
//! (Synapse's `/_synapse/admin/v1/register`, HMAC-SHA1): what the test command, the scenarios and
//! the sandbox use to make their Matrix people. Never used against someone else's homeserver.

use hmac::{Hmac, Mac};
use isthmus_core::{Error, ErrorCode, Result};

/// An account the homeserver just registered.
#[derive(Clone)]
pub struct Registered {
    pub user_id: String,
    /// The registration's own session (a device without keys): for admin-side checks only;
    /// people sign in with their password like anyone else.
    pub access_token: String,
}

impl std::fmt::Debug for Registered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registered").field("user_id", &self.user_id).finish_non_exhaustive()
    }
}

/// Registers `username` with `password` on the homeserver at `url`, whose
/// `registration_shared_secret` is `shared_secret`. The URL follows the relays' rule: https, or
/// plain http on this machine only, so a password never crosses a network readable.
pub async fn register(url: &str, shared_secret: &str, username: &str, password: &str) -> Result<Registered> {
    let refused = |message: String| Error::Homeserver { code: ErrorCode::HomeserverRefused, message };
    let unreachable = |error: reqwest::Error| Error::HomeserverUnreachable(error.to_string());
    Error::check_server_url(url, false)?;
    let tls = isthmus_tls::client_config(None).map_err(|e| Error::HomeserverUnreachable(e.to_string()))?;
    let http = reqwest::Client::builder().use_preconfigured_tls(tls).build().map_err(unreachable)?;
    let endpoint = format!("{}/_synapse/admin/v1/register", url.trim_end_matches('/'));
    let nonce: serde_json::Value =
        http.get(&endpoint).send().await.map_err(unreachable)?.json().await.map_err(unreachable)?;
    let nonce = nonce["nonce"].as_str().ok_or_else(|| refused("no registration nonce (is this Synapse?)".into()))?;
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(shared_secret.as_bytes()).map_err(|e| refused(e.to_string()))?;
    mac.update(format!("{nonce}\0{username}\0{password}\0notadmin").as_bytes());
    let body = serde_json::json!({
        "nonce": nonce,
        "username": username,
        "password": password,
        "admin": false,
        "mac": hex::encode(mac.finalize().into_bytes()),
    });
    let response = http.post(&endpoint).json(&body).send().await.map_err(unreachable)?;
    let status = response.status();
    let answer: serde_json::Value = response.json().await.unwrap_or_default();
    if !status.is_success() {
        let why = answer["error"].as_str().unwrap_or("no reason given");
        return Err(refused(format!("registration refused ({status}; is the shared secret its own?): {why}")));
    }
    let field = |name: &str| {
        answer[name].as_str().map(str::to_owned).ok_or_else(|| refused(format!("registered, but no {name} came back")))
    };
    Ok(Registered { user_id: field("user_id")?, access_token: field("access_token")? })
}
