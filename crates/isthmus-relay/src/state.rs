//! The state every request handler shares.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use ed25519_dalek::SigningKey;
use isthmus_proto::NetworkName;
use tokio::sync::watch;

use crate::config::{Limits, Peer};
use crate::coordination::Coordination;
use crate::federation::batch::OutboundBatches;
use crate::federation::FederationClient;
use crate::hub::{DeviceHub, SessionTracker};
use crate::media::{MediaStore, QuotaReservations};
use crate::metrics::RelayMetrics;
use crate::net::client_addr::TrustedProxies;
use crate::store::{DeviceKey, RelayStore};

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
    /// The consent locks and the counters behind every limit, and wake-ups between the nodes
    /// of the network: in memory on one node, in PostgreSQL for several.
    pub coordination: Arc<dyn Coordination>,
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
    pub coordination: Arc<dyn Coordination>,
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
            coordination,
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
            coordination,
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

    /// Wakes `device`'s socket, on this node at once and on the others through the database.
    pub async fn wake(&self, device: &DeviceKey) {
        self.hub.wake(device);
        if let Err(error) = self.coordination.announce(device).await {
            // The other node's socket finds the envelope when it next looks (its next wake-up,
            // or its rescan after the listener reconnects).
            tracing::warn!(%error, "could not tell the other nodes about a delivery");
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
