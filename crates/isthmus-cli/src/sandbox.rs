//! `isthmus-cli sandbox`: two peered networks on loopback with demo people who answer, so a
//! new user or a tester sees real flows without running a server.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use isthmus_core::{Engine, Event, Profile};
use isthmus_proto::{Address, NetworkName};
use isthmus_relay::{Peer, RelayConfig, RunningRelay};

pub const MEADOW: &str = "meadow.test";
pub const HARBOR: &str = "harbor.test";

/// A running sandbox: both relays and the demo people's engines.
pub struct Sandbox {
    pub meadow: RunningRelay,
    pub harbor: RunningRelay,
    pub people: Vec<DemoPerson>,
    /// Kept so the temporary folder lives as long as the sandbox.
    _temp: Option<tempfile::TempDir>,
    pub data_dir: PathBuf,
}

#[allow(dead_code)] // `engine` is held, not read: dropping it would take the person offline.
pub struct DemoPerson {
    pub address: Address,
    pub role: &'static str,
    /// Kept alive for as long as the sandbox runs.
    pub engine: Engine,
}

fn peer_of(relay: &RunningRelay) -> Peer {
    Peer { domain: relay.domain().clone(), url: relay.url(), public_key: relay.public_key() }
}

impl Sandbox {
    /// Starts the relays (data in `data_dir`, else a temporary folder) and the demo people.
    pub async fn start(data_dir: Option<PathBuf>, meadow_listen: &str, harbor_listen: &str) -> Result<Self> {
        let (temp, data_dir) = match data_dir {
            Some(dir) => (None, dir),
            None => {
                let temp = tempfile::Builder::new().prefix("isthmus-sandbox-").tempdir()?;
                let dir = temp.path().to_path_buf();
                (Some(temp), dir)
            }
        };
        let relay = |domain: &str, listen: &str| -> Result<RelayConfig> {
            let mut config = RelayConfig::new(NetworkName::parse(domain)?);
            config.listen = listen.parse().with_context(|| format!("bad listen address {listen}"))?;
            config.data_dir = Some(data_dir.join(domain));
            Ok(config)
        };
        let meadow = isthmus_relay::start(relay(MEADOW, meadow_listen)?).await?;
        let harbor = isthmus_relay::start(relay(HARBOR, harbor_listen)?).await?;
        meadow.set_peers(vec![peer_of(&harbor)]);
        harbor.set_peers(vec![peer_of(&meadow)]);

        let mut people = Vec::new();
        for (relay, name, other, role) in
            [(&meadow, "robin", HARBOR, "answers every message"), (&harbor, "juniper", MEADOW, "answers every message")]
        {
            let engine = Engine::open(Profile::in_memory())?;
            let info = engine.add_account(&relay.url(), name).await?;
            let address: Address = info.address.parse()?;
            engine.set_interop(&address, vec![NetworkName::parse(other)?]).await?;
            engine.connect(&address)?;
            tokio::spawn(answer_everyone(engine.clone(), address.clone()));
            people.push(DemoPerson { address, role, engine });
        }
        Ok(Self { meadow, harbor, people, _temp: temp, data_dir })
    }
}

/// A demo person who reads what arrives and answers it.
async fn answer_everyone(engine: Engine, me: Address) {
    let mut events = engine.subscribe();
    loop {
        let message = match events.recv().await {
            Ok(Event::MessageAdded { message }) if message.author != me.to_string() => message,
            Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
            Err(_) => return,
        };
        let Ok(author) = message.author.parse::<Address>() else { continue };
        let _ = engine.mark_read(message.conversation).await;
        let _ = engine.send_typing(&me, &author, true).await;
        tokio::time::sleep(Duration::from_millis(600)).await;
        let reply = format!("{} here. You said: \"{}\"", me.name, message.body);
        if let Err(error) = engine.send_text(&me, &author, reply).await {
            tracing::info!(code = ?error.code(), "demo reply not sent");
        }
    }
}
