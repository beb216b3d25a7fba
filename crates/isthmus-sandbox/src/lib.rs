//! The sandbox: two peered networks (meadow.test and harbor.test) on loopback with demo people
//! who answer, send message requests, host a group and change their key, so a new user or a
//! tester sees real flows without running a server. `isthmus-cli sandbox` and
//! `isthmus-desktop --sandbox` both start it; it is the one place outside the CLI that depends
//! on the relay crate.
#![deny(unsafe_code)]

mod history;
mod people;

use std::path::PathBuf;

use isthmus_core::{Engine, Profile, RelayTrust, DISCLOSURE_VERSION};
use isthmus_proto::{Address, NetworkName};
use isthmus_relay::{Peer, RelayConfig, RunningRelay};

use people::Arrival;

pub use history::{history_number, HistoryError, FIRST_LINE, HISTORY_SENDER};

pub const MEADOW: &str = "meadow.test";
pub const HARBOR: &str = "harbor.test";

/// How a sandbox is set up beyond where its relays listen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// How many messages of history [`Sandbox::seed_history`] will deliver in one go. The relays
    /// make room for them: a public relay throttles one account to 50 sends a second after a
    /// burst of 500, and the outbox backs off up to 30 s each time it is told to wait, so 10,000
    /// messages would take many minutes.
    pub history: usize,
}

/// A running sandbox: both relays and the demo people's engines.
pub struct Sandbox {
    pub meadow: RunningRelay,
    pub harbor: RunningRelay,
    pub people: Vec<DemoPerson>,
    /// Kept so the temporary folder lives as long as the sandbox.
    _temp: Option<tempfile::TempDir>,
    pub data_dir: PathBuf,
    /// Announces someone new to the demo people (the group host and the request senders write
    /// to them).
    newcomers: tokio::sync::broadcast::Sender<Arrival>,
}

/// Why the sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("a sandbox relay did not start: {0}")]
    Relay(#[from] isthmus_relay::Error),
    #[error("a demo person could not join: {0}")]
    Engine(#[from] isthmus_core::Error),
    #[error("invalid name or address: {0}")]
    Name(#[from] isthmus_proto::Error),
    #[error("bad listen address {0}")]
    Listen(String),
    #[error("the sandbox has no demo person {0}")]
    NoSuchPerson(String),
    #[error("no temporary folder for the sandbox: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[allow(dead_code)] // `engine` is held, not read: dropping it would take the person offline.
pub struct DemoPerson {
    pub address: Address,
    pub role: &'static str,
    /// Kept alive for as long as the sandbox runs.
    pub engine: Engine,
}

fn peer_of(relay: &RunningRelay) -> Peer {
    relay.as_peer()
}

/// The sandbox network that is not `network`.
fn other_network(network: &str) -> &'static str {
    if network == MEADOW {
        HARBOR
    } else {
        MEADOW
    }
}

impl Sandbox {
    /// Starts the relays (data in `data_dir`, else a temporary folder) and the demo people.
    pub async fn start(data_dir: Option<PathBuf>, meadow_listen: &str, harbor_listen: &str) -> Result<Self> {
        Self::start_with(data_dir, meadow_listen, harbor_listen, Options::default()).await
    }

    /// [`Sandbox::start`] with `options`.
    pub async fn start_with(
        data_dir: Option<PathBuf>,
        meadow_listen: &str,
        harbor_listen: &str,
        options: Options,
    ) -> Result<Self> {
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
            config.listen = listen.parse().map_err(|_| Error::Listen(listen.to_owned()))?;
            config.data_dir = Some(data_dir.join(domain));
            config.limits = history::relay_limits(options.history);
            Ok(config)
        };
        let meadow = isthmus_relay::start(relay(MEADOW, meadow_listen)?).await?;
        let harbor = isthmus_relay::start(relay(HARBOR, harbor_listen)?).await?;
        meadow.set_peers(vec![peer_of(&harbor)]);
        harbor.set_peers(vec![peer_of(&meadow)]);

        let (newcomers, _) = tokio::sync::broadcast::channel::<Arrival>(64);
        let mut people = Vec::new();
        for (name, network, role) in people::PEOPLE {
            let relay = if network == MEADOW { &meadow } else { &harbor };
            let engine = Engine::open(Profile::in_memory())?;
            let events = engine.subscribe();
            let info = engine.add_account(&relay.url(), name, RelayTrust::default()).await?;
            let address: Address = info.address.parse()?;
            engine.enable_interop(&address, &NetworkName::parse(other_network(network))?, DISCLOSURE_VERSION).await?;
            engine.connect(&address)?;
            // Subscribed here, not in the task: a welcome right after start must not be missed.
            let arrivals = newcomers.subscribe();
            tokio::spawn(people::act(engine.clone(), address.clone(), role, events, newcomers.clone(), arrivals));
            people.push(DemoPerson { address, role: role.describe(), engine });
        }
        Ok(Self { meadow, harbor, people, _temp: temp, data_dir, newcomers })
    }

    /// Welcomes `person`, who has allowed no other network yet: the demo people hear of them,
    /// and those who can reach them write first. Robin starts the demo group with them and
    /// the request sender on their network (finch, for someone on meadow.test) writes a
    /// message request; the one on the other network (wren) waits for [`Sandbox::introduce`].
    /// The desktop app welcomes its user at start, so the inbox is not empty on first run.
    pub fn welcome(&self, person: &Address) {
        self.announce(Arrival { person: person.clone(), allows: None });
    }

    /// Tells the demo people that `person` allowed the sandbox's other network, as a first
    /// message to someone there would: the request sender there (wren, for someone on
    /// meadow.test) then writes to them, and whoever has not yet greeted them does. The desktop
    /// app calls this once its user let the other network in, so the request has somewhere to
    /// land.
    pub fn introduce(&self, person: &Address) {
        let allows = NetworkName::parse(other_network(person.network.as_str())).ok();
        self.announce(Arrival { person: person.clone(), allows });
    }

    fn announce(&self, arrival: Arrival) {
        // No receiver only means no demo person is listening any more; nothing to tell.
        let _ = self.newcomers.send(arrival);
    }

    /// Has the demo person `name` send `to` a picture (a painted landscape, 640x400) with a
    /// caption, as the picture sender does: for benchmarks and soaks that need real pictures.
    pub async fn send_picture(&self, name: &str, to: &Address, caption: &str) -> Result<()> {
        let person = self
            .people
            .iter()
            .find(|person| person.address.name.as_str() == name)
            .ok_or_else(|| Error::NoSuchPerson(name.to_owned()))?;
        Ok(people::send_picture(&person.engine, &person.address, to, caption).await?)
    }

    /// The relay URL of `network` (meadow.test or harbor.test).
    pub fn relay_url(&self, network: &str) -> Option<String> {
        match network {
            MEADOW => Some(self.meadow.url()),
            HARBOR => Some(self.harbor.url()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use isthmus_core::Event;

    use super::*;

    async fn next<T>(
        events: &mut tokio::sync::broadcast::Receiver<Event>,
        what: &str,
        mut pick: impl FnMut(&Event) -> Option<T>,
    ) -> T {
        let wait = async {
            loop {
                match events.recv().await {
                    Ok(event) => {
                        if let Some(found) = pick(&event) {
                            return found;
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(error) => panic!("event stream ended: {error}"),
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(60), wait)
            .await
            .unwrap_or_else(|_| panic!("waited in vain for {what}"))
    }

    /// Someone new on meadow, online, who allowed no other network and of whom the demo people
    /// have not heard.
    async fn newcomer(sandbox: &Sandbox, name: &str) -> (Engine, tokio::sync::broadcast::Receiver<Event>, Address) {
        let me = Engine::open(Profile::in_memory()).expect("engine");
        let events = me.subscribe();
        let info = me.add_account(&sandbox.meadow.url(), name, RelayTrust::default()).await.expect("account");
        let address: Address = info.address.parse().expect("address");
        me.connect(&address).expect("online");
        (me, events, address)
    }

    /// `address` allows harbor, and the demo people are told, as the desktop app does.
    async fn allow_harbor(sandbox: &Sandbox, me: &Engine, address: &Address) {
        me.enable_interop(address, &NetworkName::parse(HARBOR).expect("valid"), DISCLOSURE_VERSION)
            .await
            .expect("interop");
        sandbox.introduce(address);
    }

    /// The author of a message that arrives, with its chat.
    fn arrived(event: &Event) -> Option<(String, isthmus_core::ConversationId)> {
        match event {
            Event::MessageAdded { message } => Some((message.author.clone(), message.conversation)),
            _ => None,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_people_answer_send_a_request_and_change_their_key() {
        let sandbox = Sandbox::start(None, "127.0.0.1:0", "127.0.0.1:0").await.expect("the sandbox starts");
        let me = Engine::open(Profile::in_memory()).expect("engine");
        let mut events = me.subscribe();
        let address: Address = me
            .add_account(&sandbox.meadow.url(), "tester", RelayTrust::default())
            .await
            .expect("account")
            .address
            .parse()
            .expect("address");
        me.enable_interop(&address, &NetworkName::parse(HARBOR).expect("valid"), DISCLOSURE_VERSION)
            .await
            .expect("interop");
        me.connect(&address).expect("online");
        let juniper: Address = "juniper@harbor.test".parse().expect("valid");
        me.confirm_first_contact(&address, &juniper).await.expect("confirm");
        me.send_text(&address, &juniper, "hello juniper").await.expect("send");

        // Juniper answers, and wren (who writes to everyone new) opens a request.
        let mut answered = false;
        let mut requested = false;
        next(&mut events, "juniper's answer and wren's request", |event| {
            if let Event::MessageAdded { message } = event {
                answered |= message.author == "juniper@harbor.test" && message.body.contains("hello juniper");
                requested |= message.author == "wren@harbor.test";
            }
            (answered && requested).then_some(())
        })
        .await;
        let wren = me.conversation_id(&address, &"wren@harbor.test".parse().expect("valid"));
        assert!(
            me.conversation(&wren).expect("read").expect("wren's chat").request,
            "wren's first message is a request"
        );

        // Kestrel answers twice, then changes its identity key and says so.
        let kestrel: Address = "kestrel@meadow.test".parse().expect("valid");
        for text in ["one", "two"] {
            me.send_text(&address, &kestrel, text).await.expect("send");
            next(&mut events, "kestrel's answer", |event| match event {
                Event::MessageAdded { message }
                    if message.author == kestrel.to_string() && message.body.contains(text) =>
                {
                    Some(())
                }
                _ => None,
            })
            .await;
        }
        next(&mut events, "kestrel's key change", |event| match event {
            Event::KeyChanged { peer, .. } if *peer == kestrel.to_string() => Some(()),
            _ => None,
        })
        .await;
        assert!(
            me.contact(&address, &kestrel).expect("read").key_change_held,
            "sending to kestrel waits for an acknowledgement"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_introduced_newcomer_who_allows_the_other_network_gets_a_request() {
        let sandbox = Sandbox::start(None, "127.0.0.1:0", "127.0.0.1:0").await.expect("the sandbox starts");
        let (me, mut events, address) = newcomer(&sandbox, "newcomer").await;
        allow_harbor(&sandbox, &me, &address).await;
        let wren = next(&mut events, "wren's request", |event| match event {
            Event::MessageAdded { message } if message.author == "wren@harbor.test" => Some(message.conversation),
            _ => None,
        })
        .await;
        assert!(
            me.conversation(&wren).expect("read").expect("wren's chat").request,
            "the desktop app's sandbox relies on this: wren writes first, so it is a request"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_newcomer_is_added_to_the_demo_group_with_people_on_both_networks_who_answer_there() {
        let sandbox = Sandbox::start(None, "127.0.0.1:0", "127.0.0.1:0").await.expect("the sandbox starts");
        let (me, mut events, address) = newcomer(&sandbox, "picnicker").await;
        allow_harbor(&sandbox, &me, &address).await;
        next(&mut events, "robin's greeting in the group", |event| match event {
            Event::MessageAdded { message }
                if message.author == "robin@meadow.test" && message.body.starts_with("Welcome") =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
        let group = me.groups(&address).expect("groups").into_iter().next().expect("the demo group");
        assert_eq!(group.name, people::DEMO_GROUP);
        let networks: std::collections::BTreeSet<String> =
            group.members.iter().filter_map(|m| m.address.split('@').nth(1).map(str::to_owned)).collect();
        assert_eq!(networks.len(), 2, "people on both networks: {networks:?}");
        me.send_group_text(&address, group.id, "hello picnic").await.expect("send");
        next(&mut events, "juniper's answer in the group", |event| match event {
            Event::MessageAdded { message }
                if message.author == "juniper@harbor.test"
                    && message.conversation == group.conversation
                    && message.body.contains("hello picnic") =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_welcomed_newcomer_gets_finchs_request_and_the_group_at_once_and_wrens_request_once_harbor_is_allowed() {
        let sandbox = Sandbox::start(None, "127.0.0.1:0", "127.0.0.1:0").await.expect("the sandbox starts");
        let (me, mut events, address) = newcomer(&sandbox, "firstrun").await;
        sandbox.welcome(&address);

        // With no setting changed, finch (on meadow, like the user) writes and robin starts the group.
        let mut finch = None;
        let mut greeted = false;
        next(&mut events, "finch's request and robin's group", |event| {
            if let Some((author, conversation)) = arrived(event) {
                assert_ne!(author, "wren@harbor.test", "wren is on harbor, which the user has not allowed");
                if author == "finch@meadow.test" {
                    finch = Some(conversation);
                }
                greeted |= author == "robin@meadow.test";
            }
            finch.filter(|_| greeted)
        })
        .await;
        let finch = finch.expect("finch wrote");
        assert!(
            me.conversation(&finch).expect("read").expect("finch's chat").request,
            "finch writes first, so the first run has a message request to handle"
        );
        let group = me.groups(&address).expect("groups").into_iter().next().expect("robin's group");
        assert_eq!(group.name, people::DEMO_GROUP, "robin starts the demo group on welcome");
        let wren = me.conversation_id(&address, &"wren@harbor.test".parse().expect("valid"));
        assert!(me.conversation(&wren).expect("read").is_none(), "wren has not written: harbor cannot reach the user");

        // Once the user allows harbor, wren writes: welcoming did not use up wren's request.
        allow_harbor(&sandbox, &me, &address).await;
        let wren = next(&mut events, "wren's request after harbor is allowed", |event| {
            arrived(event).filter(|(author, _)| author == "wren@harbor.test").map(|(_, conversation)| conversation)
        })
        .await;
        assert!(
            me.conversation(&wren).expect("read").expect("wren's chat").request,
            "wren's first message is a request"
        );
        assert_eq!(
            me.groups(&address).expect("groups").len(),
            1,
            "robin started the group once, though the user turned up twice"
        );
    }
}
