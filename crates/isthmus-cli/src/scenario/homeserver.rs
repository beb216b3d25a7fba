//! A matrix network's homeserver: where it is and its registration shared secret (from the file,
//! else the environment), registering people on it with that secret (Synapse's
//! `/_synapse/admin/v1/register`, HMAC-SHA1), and whether a person's Matrix client has published
//! its device keys, without which nobody can encrypt for them.

use anyhow::{anyhow, bail, Context, Result};
use isthmus_proto::NetworkName;

use super::model::Network;

/// The homeserver's URL when the file gives none.
pub const URL_VAR: &str = "ISTHMUS_TEST_MATRIX_URL";
/// Its registration shared secret when the file gives none.
pub const SECRET_VAR: &str = "ISTHMUS_TEST_MATRIX_SHARED_SECRET";

pub struct Homeserver {
    pub url: String,
    secret: String,
    server_name: NetworkName,
    http: reqwest::Client,
}

/// An account registered for a person of the scenario.
pub struct Registered {
    pub user_id: String,
    pub password: String,
    /// The registration's own access token (a device without keys): used only to ask the
    /// homeserver whether the person's client has published its keys.
    pub token: String,
}

impl Homeserver {
    /// The homeserver of a matrix network: `url` and `shared_secret` of the file, else the
    /// environment. A file that needs them and has neither fails here, naming what is missing.
    pub fn of(network: &Network) -> Result<Self> {
        let from_env = |name: &str| std::env::var(name).ok().filter(|value| !value.trim().is_empty());
        let url = network.url.clone().or_else(|| from_env(URL_VAR));
        let secret = network.shared_secret.clone().or_else(|| from_env(SECRET_VAR));
        let (url, secret) = match (url, secret) {
            (Some(url), Some(secret)) => (url.trim_end_matches('/').to_owned(), secret),
            (url, secret) => {
                let missing: Vec<String> = [
                    url.is_none().then(|| format!("its URL (url in the [[network]], or {URL_VAR})")),
                    secret
                        .is_none()
                        .then(|| format!("its registration shared secret (shared_secret, or {SECRET_VAR})")),
                ]
                .into_iter()
                .flatten()
                .collect();
                bail!(
                    "{} is a matrix network, and the runner does not know {}: scripts/synapse runs a homeserver \
                     and says both",
                    network.name,
                    missing.join(" nor ")
                );
            }
        };
        // The password and the session would cross the network readable over plain http.
        isthmus_tls::check_url(&url, false).map_err(|error| anyhow!("{}'s homeserver {url}: {error}", network.name))?;
        let tls = isthmus_tls::client_config(None).context("TLS for the homeserver")?;
        let http = reqwest::Client::builder().use_preconfigured_tls(tls).build()?;
        Ok(Homeserver { url, secret, server_name: network.name.clone(), http })
    }

    /// Registers `username` with a fresh password, checking that the homeserver is the server
    /// the file names (its accounts are `@name:server`).
    pub async fn register(&self, username: &str) -> Result<Registered> {
        let password = format!("{:032x}", rand::random::<u128>());
        let registered = isthmus_matrix::shared_secret::register(&self.url, &self.secret, username, &password)
            .await
            .with_context(|| format!("registering {username} at {}", self.url))?;
        let wanted = format!("@{username}:{}", self.server_name);
        if registered.user_id != wanted {
            let server = registered.user_id.split_once(':').map(|(_, server)| server).unwrap_or_default();
            bail!(
                "the homeserver at {} is {server} (it registered {}), but the file names the network {}",
                self.url,
                registered.user_id,
                self.server_name
            );
        }
        Ok(Registered { user_id: registered.user_id, password, token: registered.access_token })
    }

    /// Whether the homeserver has the device keys of `user_id`'s device `device_id`.
    pub async fn keys_published(&self, token: &str, user_id: &str, device_id: &str) -> Result<bool> {
        let answer: serde_json::Value = self
            .http
            .post(format!("{}/_matrix/client/v3/keys/query", self.url))
            .bearer_auth(token)
            .json(&serde_json::json!({ "device_keys": { user_id: [] } }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        Ok(answer["device_keys"][user_id][device_id].is_object())
    }
}
