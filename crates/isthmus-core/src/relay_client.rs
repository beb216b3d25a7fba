//! HTTP calls to an account's own relay (the control plane in docs/relay-api.md).
//!
//! Look-ups of people on other networks also go to the own relay, which asks its peer: the
//! client never talks to another network directly.
//!
//! Every connection is TLS (rustls) unless the relay is on this machine or the user said by name
//! that an insecure connection is what they want. The same trust serves the WebSocket.

use std::sync::Arc;
use std::time::Duration;

use isthmus_proto::Address;
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;

use crate::{Error, Result};
use isthmus_proto::api::{
    Bundle, DirectoryEntry, Discoverability, DiscoverabilityJson, ErrorBody, ErrorCode as RelayCode, IdentityKeys,
    Interop, KeysUpload, Networks, PreKeyCounts, RegisterRequest, RegisterResponse, ReportRequest,
};

/// Credentials of one device on its relay.
#[derive(Clone)]
pub struct Credentials {
    pub address: Address,
    pub secret: String,
}

impl Credentials {
    fn bearer(&self) -> String {
        format!("{}/{}/{}", self.address.name, self.address.device, self.secret)
    }
}

/// How a device trusts its relay: the usual roots (the system's and the bundled web roots),
/// plus a private deployment's CA; and whether plain HTTP to a remote host was asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RelayTrust {
    /// PEM of the CA that signed the relay's certificate, for relays with a private CA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_pem: Option<String>,
    /// `http://` to a host other than this machine. Off unless the user passes an option that
    /// says plainly that the connection is insecure.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_insecure_http: bool,
}

#[derive(Clone)]
pub struct RelayClient {
    http: Client,
    base: String,
    tls: Arc<rustls::ClientConfig>,
}

impl RelayClient {
    /// A client for the relay at `base_url`. Refuses plain HTTP to another machine (unless
    /// allowed) and a CA that is not a certificate, before anything goes over the network.
    pub fn new(base_url: &str, trust: &RelayTrust) -> Result<Self> {
        let base = base_url.trim().trim_end_matches('/').to_owned();
        Error::check_server_url(&base, trust.allow_insecure_http)?;
        let tls = isthmus_tls::client_config(trust.ca_pem.as_deref().map(str::as_bytes))
            .map_err(|error| Error::BadCaCertificate(error.to_string()))?;
        let http = Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .use_preconfigured_tls(tls.clone())
            .build()
            .map_err(|e| Error::Unreachable(e.to_string()))?;
        Ok(Self { http, base, tls: Arc::new(tls) })
    }

    /// The TLS configuration the WebSocket uses: the same trust as every HTTP call.
    pub fn tls_config(&self) -> Arc<rustls::ClientConfig> {
        self.tls.clone()
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Uploads an encrypted attachment from `body` (`len` bytes); returns its media id.
    pub async fn upload_media(&self, auth: &Credentials, body: reqwest::Body, len: u64) -> Result<String> {
        #[derive(serde::Deserialize)]
        struct Uploaded {
            id: String,
        }
        let request = self
            .request(Method::POST, "/v1/media", Some(auth))
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .header(reqwest::header::CONTENT_LENGTH, len)
            // Large files on slow links: the whole-request timeout must not cut them off.
            .timeout(Duration::from_secs(3600))
            .body(body);
        let uploaded: Uploaded = json(send(request).await?).await?;
        Ok(uploaded.id)
    }

    /// Starts downloading an attachment through the own relay (its proxy for other networks).
    pub async fn download_media(&self, auth: &Credentials, network: &str, id: &str) -> Result<Response> {
        // Both come from the sender's attachment pointer: checked for their exact shape before
        // they become part of a URL.
        let network = isthmus_proto::NetworkName::parse(network)?;
        if !isthmus_proto::api::is_media_id(id) {
            return Err(Error::Protocol("the attachment's id is not a medium id".into()));
        }
        let path = format!("/v1/media/{network}/{id}");
        send(self.request(Method::GET, &path, Some(auth)).timeout(Duration::from_secs(3600))).await
    }

    fn request(&self, method: Method, path: &str, auth: Option<&Credentials>) -> RequestBuilder {
        let builder = self.http.request(method, format!("{}{}", self.base, path));
        match auth {
            Some(credentials) => builder.bearer_auth(credentials.bearer()),
            None => builder,
        }
    }

    pub async fn health(&self) -> Result<serde_json::Value> {
        json(send(self.request(Method::GET, "/healthz", None)).await?).await
    }

    pub async fn register(&self, body: &RegisterRequest) -> Result<RegisterResponse> {
        json(send(self.request(Method::POST, "/v1/accounts", None).json(body)).await?).await
    }

    pub async fn upload_keys(&self, auth: &Credentials, body: &KeysUpload) -> Result<()> {
        send(self.request(Method::PUT, "/v1/keys", Some(auth)).json(body)).await.map(drop)
    }

    pub async fn key_count(&self, auth: &Credentials) -> Result<PreKeyCounts> {
        json(send(self.request(Method::GET, "/v1/keys/count", Some(auth))).await?).await
    }

    pub async fn bundle(&self, auth: &Credentials, peer: &Address) -> Result<Bundle> {
        let path = format!("/v1/keys/{}", peer.account());
        json(send(self.request(Method::GET, &path, Some(auth))).await?).await
    }

    pub async fn directory(&self, auth: &Credentials, peer: &Address) -> Result<DirectoryEntry> {
        let path = format!("/v1/directory/{}", peer.account());
        json(send(self.request(Method::GET, &path, Some(auth))).await?).await
    }

    pub async fn set_interop(&self, auth: &Credentials, networks: &[isthmus_proto::NetworkName]) -> Result<Interop> {
        let body = Interop { networks: networks.to_vec() };
        let request = self.request(Method::PUT, "/v1/account/interop", Some(auth)).json(&body);
        json(send(request).await?).await
    }

    /// The networks the relay is peered with.
    pub async fn peers(&self, auth: &Credentials) -> Result<Vec<String>> {
        let networks: Networks = json(send(self.request(Method::GET, "/v1/networks", Some(auth))).await?).await?;
        Ok(networks.peers)
    }

    pub async fn block(&self, auth: &Credentials, peer: &Address) -> Result<()> {
        let path = format!("/v1/account/blocks/{}", peer.account());
        send(self.request(Method::PUT, &path, Some(auth))).await.map(drop)
    }

    pub async fn unblock(&self, auth: &Credentials, peer: &Address) -> Result<()> {
        let path = format!("/v1/account/blocks/{}", peer.account());
        send(self.request(Method::DELETE, &path, Some(auth))).await.map(drop)
    }

    /// Tells the relay `peer` is an accepted contact (exempt from first-contact limits).
    pub async fn add_contact(&self, auth: &Credentials, peer: &Address) -> Result<()> {
        let path = format!("/v1/account/contacts/{}", peer.account());
        send(self.request(Method::PUT, &path, Some(auth))).await.map(drop)
    }

    /// The account's pending requests as the relay holds them, oldest first.
    pub async fn pending_requests(&self, auth: &Credentials) -> Result<isthmus_proto::api::PendingRequests> {
        json(send(self.request(Method::GET, "/v1/account/requests", Some(auth))).await?).await
    }

    /// Who may look the account up, as the relay enforces it.
    pub async fn discoverability(&self, auth: &Credentials) -> Result<Discoverability> {
        let body: DiscoverabilityJson =
            json(send(self.request(Method::GET, "/v1/account/discoverability", Some(auth))).await?).await?;
        Ok(body.discoverable_by)
    }

    pub async fn set_discoverability(&self, auth: &Credentials, discoverable_by: Discoverability) -> Result<()> {
        let body = DiscoverabilityJson { discoverable_by };
        send(self.request(Method::PUT, "/v1/account/discoverability", Some(auth)).json(&body)).await.map(drop)
    }

    /// Who may add the account to groups (others' adds become invitations).
    pub async fn group_adds(&self, auth: &Credentials) -> Result<isthmus_proto::api::GroupAdds> {
        let body: isthmus_proto::api::GroupAddsJson =
            json(send(self.request(Method::GET, "/v1/account/groups/adds", Some(auth))).await?).await?;
        Ok(body.who_can_add)
    }

    pub async fn set_group_adds(&self, auth: &Credentials, who_can_add: isthmus_proto::api::GroupAdds) -> Result<()> {
        let body = isthmus_proto::api::GroupAddsJson { who_can_add };
        send(self.request(Method::PUT, "/v1/account/groups/adds", Some(auth)).json(&body)).await.map(drop)
    }

    /// The other networks whose people may add the account to groups.
    pub async fn set_group_networks(&self, auth: &Credentials, networks: &[isthmus_proto::NetworkName]) -> Result<()> {
        let body = isthmus_proto::api::GroupNetworksJson { networks: networks.to_vec() };
        send(self.request(Method::PUT, "/v1/account/groups/networks", Some(auth)).json(&body)).await.map(drop)
    }

    /// The account is in the group (it created it, or accepted an invitation): the relay lets
    /// the group's traffic through to it.
    pub async fn join_group(&self, auth: &Credentials, group: &crate::ids::GroupId) -> Result<()> {
        let path = format!("/v1/account/groups/{group}");
        send(self.request(Method::PUT, &path, Some(auth))).await.map(drop)
    }

    /// The account left, declined or was removed: the relay refuses the group's traffic to it
    /// again and drops what it still holds of it.
    pub async fn leave_group(&self, auth: &Credentials, group: &crate::ids::GroupId) -> Result<()> {
        let path = format!("/v1/account/groups/{group}");
        send(self.request(Method::DELETE, &path, Some(auth))).await.map(drop)
    }

    /// Tells the relay the user deleted `peer`'s request (frees its slot).
    pub async fn delete_request(&self, auth: &Credentials, peer: &Address) -> Result<()> {
        let path = format!("/v1/account/requests/{}", peer.account());
        send(self.request(Method::DELETE, &path, Some(auth))).await.map(drop)
    }

    pub async fn report(&self, auth: &Credentials, report: &ReportRequest) -> Result<()> {
        send(self.request(Method::POST, "/v1/reports", Some(auth)).json(report)).await.map(drop)
    }

    pub async fn replace_identity(&self, auth: &Credentials, body: &IdentityKeys) -> Result<()> {
        send(self.request(Method::PUT, "/v1/account/identity", Some(auth)).json(body)).await.map(drop)
    }

    /// The WebSocket URL of the data plane.
    pub fn websocket_url(&self) -> String {
        let base = if let Some(rest) = self.base.strip_prefix("https://") {
            format!("wss://{rest}")
        } else if let Some(rest) = self.base.strip_prefix("http://") {
            format!("ws://{rest}")
        } else {
            self.base.clone()
        };
        format!("{base}/v1/ws")
    }

    pub fn bearer_header(auth: &Credentials) -> String {
        format!("Bearer {}", auth.bearer())
    }
}

async fn send(request: RequestBuilder) -> Result<Response> {
    let response = request.send().await.map_err(|e| unreachable(&e))?;
    if response.status().is_success() {
        return Ok(response);
    }
    let status = response.status();
    let body = response.bytes().await.unwrap_or_default();
    Err(match serde_json::from_slice::<ErrorBody>(&body) {
        Ok(body) => Error::Relay { code: body.known_code(), message: body.message },
        Err(_) => Error::relay(
            if status == StatusCode::TOO_MANY_REQUESTS { RelayCode::RateLimited } else { RelayCode::Internal },
            format!("unexpected answer {status}"),
        ),
    })
}

async fn json<T: DeserializeOwned>(response: Response) -> Result<T> {
    response.json().await.map_err(|e| Error::Protocol(format!("unexpected relay answer: {}", without_url(&e))))
}

/// A connection that failed: a certificate the device does not accept, or no answer.
pub(crate) fn unreachable(error: &reqwest::Error) -> Error {
    match isthmus_tls::certificate_problem(error) {
        Some(problem) => Error::Tls(problem),
        None => Error::Unreachable(without_url(error)),
    }
}

/// reqwest errors quote the URL, which names the person looked up; drop it.
fn without_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), "<relay>");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_sender_supplied_media_id_or_network_never_becomes_a_url_unless_it_has_its_exact_shape() {
        // Port 9 (discard) on loopback: a request that did go out would fail as unreachable.
        let client = RelayClient::new("http://127.0.0.1:9", &RelayTrust::default()).expect("a loopback URL");
        let auth = Credentials { address: "bob@meadow.test".parse().expect("valid"), secret: "s".into() };
        let good_id = "0a".repeat(16);
        for (network, id) in [
            ("meadow.test", "../../v1/account/blocks"),
            ("meadow.test", "0A0A"),
            ("meadow.test/../x", good_id.as_str()),
        ] {
            let error = client.download_media(&auth, network, id).await.expect_err("refused");
            assert!(
                matches!(error, Error::Protocol(_) | Error::InvalidAddress(_)),
                "{network} {id}: refused before any request, not {error:?}"
            );
        }
    }
}
