//! Starting and stopping a relay.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum_server::tls_rustls::RustlsConfig;
use ed25519_dalek::SigningKey;
use isthmus_proto::NetworkName;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::now_ms;
use crate::config::{Peer, RelayConfig};
use crate::coordination::local::LocalCoordination;
use crate::coordination::postgres::PgCoordination;
use crate::coordination::Coordination;
use crate::federation::FederationClient;
use crate::media::{self, FsMediaStore, MediaStore, MemoryMediaStore, SharedMediaStore};
use crate::metrics::RelayMetrics;
use crate::net::caps::ConnectionCaps;
use crate::net::tls::TlsFiles;
use crate::net::{self, Timeouts};
use crate::state::{RelayState, StateParts};
use crate::store::RelayStore;
use crate::{http, relay_key, Error, Result};

/// How often expired federation nonces are forgotten.
const PRUNE_EVERY: Duration = Duration::from_secs(60);
/// How often buffered histogram samples are folded into their buckets.
const METRICS_UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// A relay that is serving. Dropping it tells its tasks to stop; [`RunningRelay::shutdown`]
/// also waits until they have and the store is flushed.
pub struct RunningRelay {
    state: Arc<RelayState>,
    local_addr: SocketAddr,
    /// The certificate files and the configuration serving them, when the relay terminates TLS.
    tls: Option<(TlsFiles, RustlsConfig)>,
    server: axum_server::Handle<SocketAddr>,
    caps: Arc<ConnectionCaps>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningRelay {
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The base URL clients and peers use, such as `http://127.0.0.1:40123`, or `https://…`
    /// when the relay terminates TLS.
    pub fn url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}", self.local_addr)
    }

    /// Reads the certificate and key files again and serves the new certificate to every new
    /// connection (open ones keep theirs). On an error the old certificate stays in use.
    pub fn reload_tls(&self) -> Result<()> {
        let Some((files, serving)) = &self.tls else {
            return Err(Error::Config("this relay does not terminate TLS".into()));
        };
        serving.reload_from_config(files.server_config()?);
        tracing::info!("TLS certificate reloaded");
        Ok(())
    }

    pub fn limits(&self) -> &crate::Limits {
        &self.state.limits
    }

    /// Connections open now (upgraded WebSockets included).
    pub fn open_connections(&self) -> usize {
        self.caps.open()
    }

    pub fn domain(&self) -> &NetworkName {
        &self.state.domain
    }

    /// The Ed25519 public key peers must configure for this relay.
    pub fn public_key(&self) -> [u8; 32] {
        self.state.signing_key.verifying_key().to_bytes()
    }

    /// The public key as standard base64, the form peers files use.
    pub fn public_key_base64(&self) -> String {
        relay_key::public_key_base64(&self.state.signing_key)
    }

    /// This relay as a [`Peer`] entry for another relay's configuration.
    pub fn as_peer(&self) -> Peer {
        Peer::new(self.state.domain.clone(), self.url(), self.public_key())
    }

    /// Issues an invitation to register, valid for `valid_ms` (what `isthmus-relay invite create`
    /// does, for a relay embedded in a program or a test).
    pub async fn issue_invite(&self, valid_ms: u64) -> Result<String> {
        let expires = crate::clock::now_ms().saturating_add(valid_ms);
        Ok(crate::registration::issue(self.state.store.as_ref(), expires).await?)
    }

    /// Replaces the peered relays; takes effect for the next request.
    pub fn set_peers(&self, peers: Vec<Peer>) {
        self.state.set_peers(peers);
    }

    /// Stops accepting, closes every socket, waits for running work (at most the shutdown
    /// grace, then open connections are cut) and closes the store.
    pub async fn shutdown(mut self) {
        let grace = Duration::from_millis(self.state.limits.shutdown_grace_ms);
        self.shutdown.send_replace(true);
        self.server.graceful_shutdown(Some(grace));
        for task in std::mem::take(&mut self.tasks) {
            if let Err(error) = task.await {
                tracing::error!(%error, "a relay task failed");
            }
        }
        // Sockets stop at the shutdown signal and every write they make races it; the bound is
        // for a session stuck anywhere else.
        if tokio::time::timeout(grace, self.state.sessions.wait_idle()).await.is_err() {
            tracing::warn!("sockets were still open after the shutdown grace; stopping without them");
        }
        if let Err(error) = self.state.store.close().await {
            tracing::error!(%error, "closing the store at shutdown failed");
        }
        tracing::info!("relay stopped");
    }
}

impl Drop for RunningRelay {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
        self.server.shutdown();
    }
}

/// Opens the relay's store: PostgreSQL when `database_url` is set, else SQLite in the data
/// folder, else memory (see `store::open`).
async fn open_store(config: &RelayConfig) -> Result<Arc<dyn RelayStore>> {
    if let Some(dir) = &config.data_dir {
        std::fs::create_dir_all(dir)?;
    }
    Ok(crate::store::open(config.data_dir.as_deref(), config.database_url.as_deref()).await?)
}

/// One node keeps the consent locks and the limits' counters in memory; the nodes of a network
/// on PostgreSQL share them there (see `coordination`).
async fn coordination(config: &RelayConfig) -> Result<Arc<dyn Coordination>> {
    Ok(match &config.database_url {
        Some(url) => Arc::new(PgCoordination::connect(url, &config.limits).await?),
        None => Arc::new(LocalCoordination::new(&config.limits)),
    })
}

fn signing_key(config: &RelayConfig) -> Result<SigningKey> {
    Ok(match (&config.signing_key, &config.data_dir) {
        (Some(seed), _) => SigningKey::from_bytes(seed),
        (None, Some(dir)) => relay_key::load_or_create(dir)?,
        (None, None) => relay_key::generate(),
    })
}

/// Starts a relay: opens its store, binds its address and serves until shut down.
pub async fn start(config: RelayConfig) -> Result<RunningRelay> {
    let signing_key = signing_key(&config)?;
    let persistent = config.data_dir.is_some();
    let store = open_store(&config).await?;
    let coordination = coordination(&config).await?;
    let media: Arc<dyn MediaStore> = match (&config.media_url, &config.database_url, &config.data_dir) {
        (Some(url), Some(database), _) => Arc::new(SharedMediaStore::open(url, database).await?),
        (Some(_), None, _) => {
            return Err(Error::Config(
                "media_url needs database_url: the nodes that share media keep its records in their database".into(),
            ))
        }
        (None, _, Some(dir)) => Arc::new(FsMediaStore::open(&dir.join(media::MEDIA_DIR)).await?),
        (None, _, None) => Arc::new(MemoryMediaStore::new()),
    };
    let federation = FederationClient::new(
        Duration::from_millis(config.limits.federation_timeout_ms),
        config.limits.max_federation_body_bytes,
    )?;
    let tls = match &config.tls {
        Some(files) => Some((files.clone(), files.server_config()?)),
        None => None,
    };
    let limits = config.limits.clone();
    let metrics = Arc::new(RelayMetrics::new());
    let caps = Arc::new(ConnectionCaps::new(
        limits.max_connections,
        limits.max_connections_per_ip,
        config.trusted_proxies.clone(),
        metrics.clone(),
    ));
    let (shutdown, shutdown_rx) = watch::channel(false);
    let state = Arc::new(RelayState::new(StateParts {
        domain: config.domain,
        store,
        coordination,
        media,
        limits: config.limits,
        signing_key,
        peers: config.peers,
        federation,
        shutdown: shutdown_rx.clone(),
        trusted_proxies: config.trusted_proxies,
        metrics_allow: config.metrics_allow,
        metrics,
        registration: config.registration,
    }));
    let listener = std::net::TcpListener::bind(config.listen)?;
    let timeouts = Timeouts {
        tls_handshake: Duration::from_millis(limits.tls_handshake_timeout_ms.max(1)),
        header_read: Duration::from_millis(limits.header_read_timeout_ms.max(1)),
        write: Duration::from_millis(limits.write_timeout_ms.max(1)),
    };
    let listening = net::serve(
        listener,
        http::router(state.clone()),
        tls.as_ref().map(|(_, config)| config.clone()),
        timeouts,
        caps.clone(),
    )?;
    let tls = tls.zip(listening.tls).map(|((files, _), serving)| (files, serving));
    let pruner = tokio::spawn(prune_nonces(state.clone(), shutdown_rx.clone()));
    let sweeper = tokio::spawn(media::sweeper::run(state.clone(), shutdown_rx.clone()));
    let wakeups = tokio::spawn({
        let state = state.clone();
        async move { state.coordination.listen(&state.hub, shutdown_rx).await }
    });
    tracing::info!(peers = state.peer_count(), persistent, tls = tls.is_some(), "relay started");
    Ok(RunningRelay {
        state,
        local_addr: listening.local_addr,
        tls,
        server: listening.handle,
        caps,
        shutdown,
        tasks: vec![listening.task, pruner, sweeper, wakeups],
    })
}

/// Resolves once the relay is shutting down.
async fn stopping(mut shutdown: watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stopping| *stopping).await;
}

/// Forgets expired federation nonces and message requests nobody answered in time, and keeps
/// the metrics' memory flat.
async fn prune_nonces(state: Arc<RelayState>, shutdown: watch::Receiver<bool>) {
    let mut every = tokio::time::interval(PRUNE_EVERY);
    let mut upkeep = tokio::time::interval(METRICS_UPKEEP_EVERY);
    let stop = stopping(shutdown);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = upkeep.tick() => state.metrics.upkeep(),
            _ = every.tick() => {
                match state.store.prune_nonces(now_ms()).await {
                    Ok(pruned) => tracing::debug!(pruned, "expired federation nonces forgotten"),
                    Err(error) => tracing::error!(%error, "pruning federation nonces failed"),
                }
                if let Err(error) = state.coordination.prune(now_ms()).await {
                    tracing::error!(%error, "pruning the limits' counters failed");
                }
                match state.store.expire_requests(now_ms().saturating_sub(state.limits.request_ttl_ms)).await {
                    Ok(expired) => tracing::debug!(expired, "unanswered message requests expired"),
                    Err(error) => tracing::error!(%error, "expiring message requests failed"),
                }
            }
        }
    }
}
