//! Shared pieces of the end-to-end tests: real relays on 127.0.0.1:0 and real client engines.
//!
//! Every test builds its own networks and people, so tests run in parallel without sharing state.

pub mod balancer;
pub mod matrix;
pub mod process;
pub mod raw;
pub mod tls;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use isthmus_core::{Engine, Event, KdfParams, Profile, RelayTrust};
use isthmus_proto::{Address, NetworkName};
use isthmus_relay::{Peer, RelayConfig, RunningRelay};
use tokio::sync::broadcast;

/// How long a test waits for something that should happen within milliseconds. Generous,
/// because a loaded CI machine is slow; it bounds a hang, it does not measure speed.
pub const PATIENCE: Duration = Duration::from_secs(60);

pub const TEST_PASSPHRASE: &str = "correct horse battery staple";

/// Logs to stderr when ISTHMUS_TEST_LOG is set (e.g. `ISTHMUS_TEST_LOG=debug`), for debugging a test.
pub fn init_logging() {
    if let Ok(filter) = std::env::var("ISTHMUS_TEST_LOG") {
        let _ = tracing_subscriber::fmt().with_env_filter(filter).with_test_writer().try_init();
    }
}

/// Starts an in-memory relay for `domain` on an ephemeral loopback port.
pub async fn relay(domain: &str) -> Result<RunningRelay> {
    init_logging();
    let config = RelayConfig::new(NetworkName::parse(domain)?);
    Ok(isthmus_relay::start(config).await?)
}

/// Starts a relay whose data lives in `dir` (sled), as a real deployment does.
pub async fn durable_relay(domain: &str, dir: &Path) -> Result<RunningRelay> {
    let mut config = RelayConfig::new(NetworkName::parse(domain)?);
    config.data_dir = Some(dir.to_path_buf());
    Ok(isthmus_relay::start(config).await?)
}

pub fn peer_of(relay: &RunningRelay) -> Peer {
    relay.as_peer()
}

/// Makes two relays peers of each other, as both operators would in their peers files.
pub fn peer(a: &RunningRelay, b: &RunningRelay) {
    a.set_peers(vec![peer_of(b)]);
    b.set_peers(vec![peer_of(a)]);
}

/// Anything a person can join: an in-process relay or a relay process.
pub trait RelayAt {
    fn url(&self) -> String;

    /// How a client trusts the relay's certificate: the usual roots unless said otherwise.
    fn trust(&self) -> RelayTrust {
        RelayTrust::default()
    }
}

impl RelayAt for RunningRelay {
    fn url(&self) -> String {
        RunningRelay::url(self)
    }
}

/// A relay known only by its URL (a separate process, say).
pub struct RemoteRelay {
    pub url: String,
}

impl RelayAt for RemoteRelay {
    fn url(&self) -> String {
        self.url.clone()
    }
}

/// A person: a client engine on a profile with one account.
pub struct Person {
    pub engine: Engine,
    pub address: Address,
    pub events: broadcast::Receiver<Event>,
    pub profile_dir: Option<PathBuf>,
}

impl Person {
    /// A person with an in-memory profile and an account `name` on `relay`, online.
    pub async fn join(relay: &impl RelayAt, name: &str) -> Result<Self> {
        Self::join_with(Profile::in_memory(), None, relay, name).await
    }

    /// A person whose profile is a real encrypted folder in `dir`.
    pub async fn join_on_disk(dir: &Path, relay: &impl RelayAt, name: &str) -> Result<Self> {
        let profile = Profile::create(dir, TEST_PASSPHRASE, KdfParams::insecure_for_tests())?;
        Self::join_with(profile, Some(dir.to_path_buf()), relay, name).await
    }

    async fn join_with(profile: Profile, dir: Option<PathBuf>, relay: &impl RelayAt, name: &str) -> Result<Self> {
        let engine = Engine::open(profile)?;
        let events = engine.subscribe();
        let info = engine.add_account(&relay.url(), name, relay.trust()).await.context("add account")?;
        let address: Address = info.address.parse()?;
        engine.connect(&address)?;
        Ok(Self { engine, address, events, profile_dir: dir })
    }

    /// Re-opens an on-disk profile (after `leave`), and goes online again.
    pub async fn reopen(dir: &Path, address: Address) -> Result<Self> {
        let profile = Profile::unlock(dir, TEST_PASSPHRASE)?;
        let engine = Engine::open(profile)?;
        let events = engine.subscribe();
        engine.start()?;
        Ok(Self { engine, address, events, profile_dir: Some(dir.to_path_buf()) })
    }

    /// Accepts the message request from `from` (someone new who wrote first).
    pub async fn accepts(&self, from: &Address) -> Result<()> {
        self.engine.accept_request(self.engine.conversation_id(&self.address, from)).await?;
        Ok(())
    }

    /// Lets `network` reach this person, under the current disclosure.
    pub async fn allows(&self, network: &str) -> Result<()> {
        self.engine
            .enable_interop(&self.address, &NetworkName::parse(network)?, isthmus_core::DISCLOSURE_VERSION)
            .await?;
        Ok(())
    }

    /// Confirms writing to `peer` on another network for the first time.
    pub async fn confirms(&self, peer: &Address) -> Result<()> {
        self.engine.confirm_first_contact(&self.address, peer).await?;
        Ok(())
    }

    /// Drops the events received so far, so that the next wait sees only what happens next.
    pub fn forget_events(&mut self) {
        self.events = self.engine.subscribe();
    }

    /// Waits for an event that `pick` accepts, and returns what it made of it.
    pub async fn wait_for<T>(&mut self, what: &str, mut pick: impl FnMut(&Event) -> Option<T>) -> Result<T> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let event = tokio::time::timeout_at(deadline, self.events.recv())
                .await
                .with_context(|| format!("{} waited in vain for {what}", self.address))?;
            match event {
                Ok(event) => {
                    if let Some(found) = pick(&event) {
                        return Ok(found);
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(error) => bail!("event stream ended: {error}"),
            }
        }
    }

    /// Like `wait_for`, but gives up after `limit` and returns None: for showing that
    /// something does not happen (after a sync point that makes "not yet" mean "not at all").
    pub async fn wait_for_at_most<T>(
        &mut self,
        limit: Duration,
        mut pick: impl FnMut(&Event) -> Option<T>,
    ) -> Option<T> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Ok(event)) => {
                    if let Some(found) = pick(&event) {
                        return Some(found);
                    }
                }
                Ok(Err(broadcast::error::RecvError::Lagged(_))) => {}
                Ok(Err(_)) | Err(_) => return None,
            }
        }
    }

    /// The same person, online again after `engine.stop()`, with a fresh event stream.
    pub async fn rejoin(person: Person) -> Result<Self> {
        let events = person.engine.subscribe();
        person.engine.start()?;
        Ok(Self { events, ..person })
    }

    /// Waits until a message with `body` from `author` has been stored.
    pub async fn receives(&mut self, author: &Address, body: &str) -> Result<isthmus_core::Message> {
        let author = author.to_string();
        self.wait_for(&format!("\"{body}\" from {author}"), |event| match event {
            Event::MessageAdded { message } if message.author == author && message.body == body => {
                Some(message.clone())
            }
            _ => None,
        })
        .await
    }

    /// Waits until every (author, body) has arrived, in any order.
    pub async fn receives_all(&mut self, expected: &[(&Address, &str)]) -> Result<()> {
        let mut missing: Vec<(String, String)> =
            expected.iter().map(|(a, b)| (a.to_string(), (*b).to_owned())).collect();
        self.wait_for(&format!("{missing:?}"), |event| {
            if let Event::MessageAdded { message } = event {
                missing.retain(|(author, body)| !(message.author == *author && message.body == *body));
            }
            missing.is_empty().then_some(())
        })
        .await
    }

    /// Waits until the message `id` reaches `status` (or a later one).
    pub async fn sees_status(
        &mut self,
        id: isthmus_core::MessageId,
        status: isthmus_core::MessageStatus,
    ) -> Result<isthmus_core::Message> {
        self.wait_for(&format!("message {id} to be {status:?}"), |event| match event {
            Event::MessageUpdated { message } if message.id == id && message.status == status => Some(message.clone()),
            _ => None,
        })
        .await
    }

    /// Waits until the message `id` fails and returns its error code.
    pub async fn sees_failure(&mut self, id: isthmus_core::MessageId) -> Result<String> {
        self.wait_for(&format!("message {id} to fail"), |event| match event {
            Event::MessageUpdated { message }
                if message.id == id && message.status == isthmus_core::MessageStatus::Failed =>
            {
                message.failure.clone()
            }
            _ => None,
        })
        .await
    }
}

/// Every file under `dir`, recursively, with its bytes.
pub fn files_under(dir: &Path) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path)?;
                found.push((path, bytes));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|window| window == needle)
}
