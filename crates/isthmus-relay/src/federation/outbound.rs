//! Calls to peered relays, made on behalf of this relay's own clients.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use isthmus_proto::{wire, Address, Message as _, NetworkName};

use super::batch::{BatchLimits, Job};
use super::signature::{self, RequestLine};
use super::{FederationRoute, PROTOBUF_CONTENT_TYPE};
use crate::clock::now_ms;
use crate::config::Peer;
use crate::error_code::{ApiError, ErrorBody, ErrorCode};
use crate::metrics::Direction;
use crate::state::RelayState;
use crate::{Error, Result};

/// Most bytes of a peer's error answer the relay reads.
const MAX_ERROR_BODY: usize = 16 * 1024;

pub struct FederationClient {
    pub(super) timeout: Duration,
    max_body: usize,
    /// HTTP clients per peer, each trusting the usual roots and the peer's own CA, if any.
    clients: Mutex<HashMap<NetworkName, PeerClients>>,
}

/// The two clients the relay uses with one peer.
#[derive(Clone)]
pub(super) struct PeerClients {
    ca_pem: Option<Arc<[u8]>>,
    pub http: reqwest::Client,
    /// For media: no deadline on the whole answer (100 MiB takes a while), only on connecting and
    /// on each read, so a stalled peer is still dropped.
    pub streaming: reqwest::Client,
}

pub(super) fn peer_unavailable() -> ApiError {
    ApiError::new(ErrorCode::PeerUnavailable, "the peered relay did not answer")
}

impl FederationClient {
    pub fn new(timeout: Duration, max_body: usize) -> Result<Self> {
        Ok(Self { timeout, max_body, clients: Mutex::default() })
    }

    fn build(&self, peer: &Peer) -> Result<PeerClients> {
        let tls = || {
            isthmus_tls::client_config(peer.ca_pem.as_deref())
                .map_err(|error| Error::HttpClient(format!("peer {}: {error}", peer.domain)))
        };
        let builder = || {
            reqwest::Client::builder()
                .connect_timeout(self.timeout)
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("isthmus-relay/", env!("CARGO_PKG_VERSION")))
        };
        let http = builder()
            .timeout(self.timeout)
            .use_preconfigured_tls(tls()?)
            .build()
            .map_err(|error| Error::HttpClient(error.to_string()))?;
        let streaming = builder()
            .read_timeout(self.timeout)
            .use_preconfigured_tls(tls()?)
            .build()
            .map_err(|error| Error::HttpClient(error.to_string()))?;
        Ok(PeerClients { ca_pem: peer.ca_pem.clone(), http, streaming })
    }

    /// The clients for `peer`, made on first use and again when its CA changed.
    pub(super) fn clients(&self, peer: &Peer) -> Result<PeerClients, ApiError> {
        let mut clients = self.clients.lock().expect("the federation clients lock is never poisoned");
        if let Some(existing) = clients.get(&peer.domain).filter(|existing| existing.ca_pem == peer.ca_pem) {
            return Ok(existing.clone());
        }
        let built = self.build(peer).map_err(|error| {
            tracing::error!(peer = %peer.domain, %error, "cannot set up TLS for a peer");
            peer_unavailable()
        })?;
        clients.insert(peer.domain.clone(), built.clone());
        Ok(built)
    }

    /// Sends a signed request to `peer` and returns the body of a 200 answer. A peer's
    /// `unknown_account`, `rate_limited`, `too_large` and `queue_full` pass through to the client;
    /// anything else (no answer, a refused signature, a bug) is `peer_unavailable`.
    async fn call(
        &self,
        state: &RelayState,
        peer: &Peer,
        route: FederationRoute,
        body: Vec<u8>,
    ) -> Result<Vec<u8>, ApiError> {
        let outcome = self.call_once(state, peer, route, body).await;
        let label = match &outcome {
            Ok(_) => "ok",
            Err(error) => error.code.as_str(),
        };
        state.metrics.federation_request(Direction::Out, route.label(), label);
        outcome
    }

    async fn call_once(
        &self,
        state: &RelayState,
        peer: &Peer,
        route: FederationRoute,
        body: Vec<u8>,
    ) -> Result<Vec<u8>, ApiError> {
        let headers = sign_for(state, peer, "POST", route.path(), &body);
        let response = self
            .clients(peer)?
            .http
            .post(format!("{}{}", peer.url, route.path()))
            .header(reqwest::header::CONTENT_TYPE, PROTOBUF_CONTENT_TYPE)
            .header(signature::HEADER_ORIGIN, headers.origin)
            .header(signature::HEADER_TIMESTAMP, headers.timestamp_ms.to_string())
            .header(signature::HEADER_NONCE, headers.nonce)
            .header(signature::HEADER_SIGNATURE, headers.signature)
            .body(body)
            .send()
            .await
            .map_err(|error| {
                let certificate = isthmus_tls::certificate_problem(&error);
                match certificate {
                    Some(problem) => tracing::warn!(peer = %peer.domain, ?problem, "peer relay's certificate refused"),
                    None => {
                        tracing::warn!(peer = %peer.domain, timeout = error.is_timeout(), "peer relay did not answer")
                    }
                }
                peer_unavailable()
            })?;
        if response.status().is_success() {
            return read_capped(response, self.max_body).await.ok_or_else(|| {
                tracing::warn!(peer = %peer.domain, "peer relay answered with an unreadable or oversized body");
                peer_unavailable()
            });
        }
        let PeerRefusal { status, retry_after, code } = PeerRefusal::read(response).await;
        match code {
            Some(ErrorCode::UnknownAccount) => Err(ApiError::unknown_account()),
            Some(ErrorCode::RateLimited) => Err(ApiError::rate_limited(retry_after.unwrap_or(1))),
            Some(ErrorCode::TooLarge) => Err(ApiError::too_large("the peered relay refused the size")),
            Some(ErrorCode::QueueFull) => Err(ApiError::new(ErrorCode::QueueFull, "the recipient's queue is full")),
            other => {
                tracing::warn!(
                    peer = %peer.domain,
                    status = status.as_u16(),
                    code = other.map_or("none", ErrorCode::as_str),
                    "peer relay refused a federation request"
                );
                Err(peer_unavailable())
            }
        }
    }
}

/// What a peer's non-200 answer says: its status, when to retry (`Retry-After`, seconds) and
/// the code of its `{code, message}` body, when it has one this relay knows.
pub(super) struct PeerRefusal {
    pub status: reqwest::StatusCode,
    pub retry_after: Option<u64>,
    pub code: Option<ErrorCode>,
}

impl PeerRefusal {
    pub(super) async fn read(response: reqwest::Response) -> Self {
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());
        let body = read_capped(response, MAX_ERROR_BODY).await.unwrap_or_default();
        let code = serde_json::from_slice::<ErrorBody>(&body).ok().and_then(|body| ErrorCode::parse(&body.code));
        Self { status, retry_after, code }
    }
}

/// Signs a request from this relay to `peer`, with a fresh nonce and the current time.
pub(super) fn sign_for(
    state: &RelayState,
    peer: &Peer,
    method: &str,
    path: &str,
    body: &[u8],
) -> signature::SignatureHeaders {
    let nonce = signature::new_nonce();
    let line = RequestLine {
        method,
        path,
        origin: state.domain.as_str(),
        destination: peer.domain.as_str(),
        timestamp_ms: now_ms(),
        nonce: &nonce,
    };
    signature::sign(&state.signing_key, &line, body)
}

pub(super) async fn read_capped(mut response: reqwest::Response, cap: usize) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.ok()? {
        if body.len() + chunk.len() > cap {
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    Some(body)
}

fn peer_for(state: &RelayState, address: &Address) -> Result<Peer, ApiError> {
    state
        .peer(&address.network)
        .ok_or_else(|| ApiError::new(ErrorCode::NetworkNotPeered, "this relay does not peer with that network"))
}

fn undecodable() -> ApiError {
    tracing::warn!("peer relay answered with a body that does not decode");
    peer_unavailable()
}

/// Delivers one envelope to the relay of its destination's network; `Ok` once that relay has
/// queued it durably. Concurrent deliveries to one network share requests (`batch`).
pub async fn deliver(state: &RelayState, destination: &Address, envelope: wire::Envelope) -> Result<(), ApiError> {
    let peer = peer_for(state, destination)?;
    let limits = BatchLimits {
        max_envelopes: state.limits.max_envelopes_per_delivery,
        max_body_bytes: state.limits.max_federation_body_bytes,
    };
    state.outbound.deliver(&peer.domain, envelope, limits, |jobs| send_batch(state, &peer, jobs)).await
}

/// Carries one batch to `peer` and answers every job: with the peer's verdict on its envelope,
/// or with the request's failure when there is no verdict.
async fn send_batch(state: &RelayState, peer: &Peer, mut jobs: Vec<Job>) {
    let request =
        wire::FederatedDelivery { envelopes: jobs.iter_mut().map(|job| std::mem::take(&mut job.envelope)).collect() };
    let answered = state.federation.call(state, peer, FederationRoute::Deliver, request.encode_to_vec()).await;
    let verdicts = answered.and_then(|body| {
        let result = wire::FederatedDeliveryResult::decode(body.as_slice()).map_err(|_| undecodable())?;
        if result.error_codes.len() == jobs.len() {
            Ok(result.error_codes)
        } else {
            Err(undecodable())
        }
    });
    match verdicts {
        Ok(codes) => {
            for (job, code) in jobs.into_iter().zip(codes) {
                job.answer(verdict(&code));
            }
        }
        Err(error) => {
            for job in jobs {
                job.answer(Err(error.clone()));
            }
        }
    }
}

/// What the peer's code for one envelope means to the sending client.
fn verdict(code: &str) -> Result<(), ApiError> {
    if code.is_empty() {
        return Ok(());
    }
    Err(match ErrorCode::parse(code) {
        Some(ErrorCode::UnknownAccount) => ApiError::unknown_account(),
        Some(ErrorCode::RecipientBusy) => ApiError::recipient_busy(),
        Some(ErrorCode::FirstContactLimit) => ApiError::new(
            ErrorCode::FirstContactLimit,
            "the recipient's relay refused: too many first contacts from this sender in the last hour",
        ),
        Some(ErrorCode::RateLimited) => ApiError::rate_limited(1),
        Some(known @ (ErrorCode::QueueFull | ErrorCode::TooLarge | ErrorCode::BadRequest)) => {
            ApiError::new(known, "the peered relay refused the envelope")
        }
        _ => peer_unavailable(),
    })
}

/// Fetches a bundle for `target` from its network's relay, on behalf of `requester`.
pub async fn bundle(state: &RelayState, requester: &Address, target: &Address) -> Result<wire::PreKeyBundle, ApiError> {
    let peer = peer_for(state, target)?;
    let request = wire::FederatedBundleRequest {
        requester: Some(requester.into()),
        name: target.name.to_string(),
        device: target.device,
    };
    let body = state.federation.call(state, &peer, FederationRoute::Bundle, request.encode_to_vec()).await?;
    wire::PreKeyBundle::decode(body.as_slice()).map_err(|_| undecodable())
}

/// Looks `target` up at its network's relay, on behalf of `requester`; `None` if unknown there.
pub async fn directory(state: &RelayState, requester: &Address, target: &Address) -> Result<Option<Vec<u8>>, ApiError> {
    let peer = peer_for(state, target)?;
    let request = wire::FederatedDirectoryRequest { requester: Some(requester.into()), name: target.name.to_string() };
    let body = state.federation.call(state, &peer, FederationRoute::Directory, request.encode_to_vec()).await?;
    let result = wire::FederatedDirectoryResult::decode(body.as_slice()).map_err(|_| undecodable())?;
    Ok(result.found.then_some(result.identity_key))
}
