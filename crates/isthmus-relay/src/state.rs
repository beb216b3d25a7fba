//! The state every request handler shares.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use ed25519_dalek::SigningKey;
use isthmus_proto::{NetworkName, UserName};
use tokio::sync::watch;

use crate::config::{Limits, Peer};
use crate::consent::ConsentLocks;
use crate::federation::batch::OutboundBatches;
use crate::federation::FederationClient;
use crate::hub::{DeviceHub, SessionTracker};
use crate::media::{MediaStore, QuotaReservations};
use crate::metrics::RelayMetrics;
use crate::net::client_addr::{IpKey, TrustedProxies};
use crate::rate_limit::RateLimiter;
use crate::store::RelayStore;
use crate::window_limit::WindowLimiter;

const HOUR: std::time::Duration = std::time::Duration::from_secs(3600);

pub struct RelayState {
    pub domain: NetworkName,
    pub store: Arc<dyn RelayStore>,
    /// The media this network's users uploaded.
    pub media: Arc<dyn MediaStore>,
    /// Bytes of uploads in flight, counted against quotas before they are stored.
    pub media_reservations: Arc<QuotaReservations>,
    pub limits: Limits,
    pub signing_key: SigningKey,
    peers: RwLock<HashMap<NetworkName, Peer>>,
    pub hub: DeviceHub,
    pub sessions: SessionTracker,
    /// Requests per client address (its /64 for IPv6).
    pub ip_limiter: RateLimiter<IpKey>,
    pub account_limiter: RateLimiter<UserName>,
    pub registration_limiter: RateLimiter<IpKey>,
    pub peer_limiter: RateLimiter<NetworkName>,
    /// First contacts per sender address (`name@network`) in the last hour.
    pub first_contacts: WindowLimiter<String>,
    /// Envelopes queued per (recipient, sender) while the sender's request is pending.
    pub pending_envelopes: WindowLimiter<(UserName, String)>,
    /// Distinct missing accounts each account looked up this hour (see `consent::lookups`).
    pub missing_lookups: WindowLimiter<String>,
    /// Which (asker, missing name) pairs were counted this hour: a repeat is not a new name.
    pub missing_seen: WindowLimiter<(String, String)>,
    /// Reports per account in the last hour.
    pub report_limiter: WindowLimiter<UserName>,
    pub consent_locks: ConsentLocks,
    pub federation: FederationClient,
    /// Envelopes on their way to peered relays, batched per peer.
    pub outbound: OutboundBatches,
    /// Becomes `true` when the relay shuts down; sockets close on it.
    pub shutdown: watch::Receiver<bool>,
    /// The operator's proxies, whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// Who besides this machine may read `/metrics`.
    pub metrics_allow: TrustedProxies,
    /// Who may register (see `registration.rs`).
    pub registration: crate::RegistrationPolicy,
    pub metrics: Arc<RelayMetrics>,
}

/// The parts of `RelayState` that come from the operator's configuration and the store.
pub struct StateParts {
    pub domain: NetworkName,
    pub store: Arc<dyn RelayStore>,
    pub media: Arc<dyn MediaStore>,
    pub limits: Limits,
    pub signing_key: SigningKey,
    pub peers: Vec<Peer>,
    pub federation: FederationClient,
    pub shutdown: watch::Receiver<bool>,
    pub trusted_proxies: TrustedProxies,
    pub metrics_allow: TrustedProxies,
    pub metrics: Arc<RelayMetrics>,
    pub registration: crate::RegistrationPolicy,
}

impl RelayState {
    pub fn new(parts: StateParts) -> Self {
        let StateParts {
            domain,
            store,
            media,
            limits,
            signing_key,
            peers,
            federation,
            shutdown,
            trusted_proxies,
            metrics_allow,
            metrics,
            registration,
        } = parts;
        Self {
            ip_limiter: RateLimiter::new(limits.ip_rate),
            account_limiter: RateLimiter::new(limits.account_rate),
            registration_limiter: RateLimiter::new(limits.registration_rate),
            peer_limiter: RateLimiter::new(limits.peer_rate),
            first_contacts: WindowLimiter::new(limits.first_contacts_per_sender_per_hour, HOUR),
            pending_envelopes: WindowLimiter::new(limits.envelopes_per_pending_request_per_hour, HOUR),
            missing_lookups: WindowLimiter::new(limits.missing_lookups_per_hour, HOUR),
            missing_seen: WindowLimiter::new(1, HOUR),
            report_limiter: WindowLimiter::new(limits.reports_per_account_per_hour, HOUR),
            consent_locks: ConsentLocks::default(),
            domain,
            store,
            media,
            media_reservations: Arc::default(),
            limits,
            signing_key,
            peers: RwLock::new(Self::index(peers)),
            hub: DeviceHub::default(),
            sessions: SessionTracker::default(),
            federation,
            outbound: OutboundBatches::default(),
            shutdown,
            trusted_proxies,
            metrics_allow,
            metrics,
            registration,
        }
    }

    fn index(peers: Vec<Peer>) -> HashMap<NetworkName, Peer> {
        peers.into_iter().map(|peer| (peer.domain.clone(), peer)).collect()
    }

    pub fn peer(&self, domain: &NetworkName) -> Option<Peer> {
        self.peers.read().expect("the peers lock is never poisoned").get(domain).cloned()
    }

    /// The domains of the peered networks, sorted: what a client may offer its user to allow.
    pub fn peer_domains(&self) -> Vec<NetworkName> {
        let mut domains: Vec<NetworkName> =
            self.peers.read().expect("the peers lock is never poisoned").keys().cloned().collect();
        domains.sort();
        domains
    }

    pub fn set_peers(&self, peers: Vec<Peer>) {
        *self.peers.write().expect("the peers lock is never poisoned") = Self::index(peers);
    }

    pub fn peer_count(&self) -> usize {
        self.peers.read().expect("the peers lock is never poisoned").len()
    }
}
