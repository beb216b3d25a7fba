//! Starting and stopping a relay.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use ed25519_dalek::SigningKey;
use isthmus_proto::NetworkName;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::now_ms;
use crate::config::{Peer, RelayConfig};
use crate::federation::FederationClient;
use crate::media::{self, FsMediaStore, MediaStore, MemoryMediaStore};
use crate::state::RelayState;
use crate::store::{MemoryStore, RelayStore, SledStore, StoreError};
use crate::{http, relay_key, Error, Result};

/// The sled database's folder inside the data folder.
pub const DATABASE_DIR: &str = "db";

/// How often expired federation nonces are forgotten.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// A relay that is serving. Dropping it tells its tasks to stop; [`RunningRelay::shutdown`]
/// also waits until they have and the store is flushed.
pub struct RunningRelay {
    state: Arc<RelayState>,
    local_addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl RunningRelay {
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The base URL clients and peers use, such as `http://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        format!("http://{}", self.local_addr)
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
        Peer { domain: self.state.domain.clone(), url: self.url(), public_key: self.public_key() }
    }

    /// Replaces the peered relays; takes effect for the next request.
    pub fn set_peers(&self, peers: Vec<Peer>) {
        self.state.set_peers(peers);
    }

    /// Stops accepting, closes every socket, waits for running work and flushes the store.
    pub async fn shutdown(mut self) {
        self.shutdown.send_replace(true);
        for task in std::mem::take(&mut self.tasks) {
            if let Err(error) = task.await {
                tracing::error!(%error, "a relay task failed");
            }
        }
        self.state.sessions.wait_idle().await;
        if let Err(error) = self.state.store.flush().await {
            tracing::error!(%error, "flushing the store at shutdown failed");
        }
        tracing::info!("relay stopped");
    }
}

impl Drop for RunningRelay {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
    }
}

/// Opens the sled database. Another relay in this process that just shut down on the same folder
/// may still be releasing its file lock, so a lock failure is retried for a few seconds.
async fn open_sled(path: &Path) -> Result<SledStore> {
    let mut attempts = 0;
    loop {
        let path_buf = path.to_path_buf();
        let opened = tokio::task::spawn_blocking(move || SledStore::open(&path_buf))
            .await
            .map_err(|error| Error::Config(format!("opening the database panicked: {error}")))?;
        match opened {
            Err(StoreError::Backend(message)) if attempts < 50 && message.to_lowercase().contains("lock") => {
                attempts += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            other => return Ok(other?),
        }
    }
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
    let store: Arc<dyn RelayStore> = match &config.data_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            Arc::new(open_sled(&dir.join(DATABASE_DIR)).await?)
        }
        None => Arc::new(MemoryStore::new()),
    };
    let media: Arc<dyn MediaStore> = match &config.data_dir {
        Some(dir) => Arc::new(FsMediaStore::open(&dir.join(media::MEDIA_DIR)).await?),
        None => Arc::new(MemoryMediaStore::new()),
    };
    let federation = FederationClient::new(
        Duration::from_millis(config.limits.federation_timeout_ms),
        config.limits.max_federation_body_bytes,
    )?;
    let (shutdown, shutdown_rx) = watch::channel(false);
    let state = Arc::new(RelayState::new(
        config.domain,
        store,
        media,
        config.limits,
        signing_key,
        config.peers,
        federation,
        shutdown_rx.clone(),
    ));
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let local_addr = listener.local_addr()?;
    let app = http::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let stop = stopping(shutdown_rx.clone());
    let server = tokio::spawn(async move {
        let serving = axum::serve(listener, app).with_graceful_shutdown(stop);
        if let Err(error) = serving.await {
            tracing::error!(%error, "the server failed");
        }
    });
    let pruner = tokio::spawn(prune_nonces(state.clone(), shutdown_rx.clone()));
    let sweeper = tokio::spawn(media::sweeper::run(state.clone(), shutdown_rx));
    tracing::info!(peers = state.peer_count(), persistent, "relay started");
    Ok(RunningRelay { state, local_addr, shutdown, tasks: vec![server, pruner, sweeper] })
}

/// Resolves once the relay is shutting down.
async fn stopping(mut shutdown: watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stopping| *stopping).await;
}

async fn prune_nonces(state: Arc<RelayState>, shutdown: watch::Receiver<bool>) {
    let mut every = tokio::time::interval(PRUNE_EVERY);
    let stop = stopping(shutdown);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = every.tick() => match state.store.prune_nonces(now_ms()).await {
                Ok(pruned) => tracing::debug!(pruned, "expired federation nonces forgotten"),
                Err(error) => tracing::error!(%error, "pruning federation nonces failed"),
            },
        }
    }
}
