//! `isthmus-cli sandbox`: two peered networks on loopback with demo people who answer, so a
//! new user or a tester sees real flows without running a server.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use isthmus_core::{Engine, Event, Profile, DISCLOSURE_VERSION};
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

        let (newcomers, _) = tokio::sync::broadcast::channel::<Address>(64);
        let mut people = Vec::new();
        for (relay, name, other, role) in [
            (&meadow, "robin", HARBOR, Role::Answers),
            (&harbor, "juniper", MEADOW, Role::Answers),
            (&harbor, "wren", MEADOW, Role::SendsRequests),
            (&meadow, "kestrel", HARBOR, Role::ChangesKey),
            (&harbor, "heron", MEADOW, Role::SendsPictures),
        ] {
            let engine = Engine::open(Profile::in_memory())?;
            let info = engine.add_account(&relay.url(), name).await?;
            let address: Address = info.address.parse()?;
            engine.enable_interop(&address, &NetworkName::parse(other)?, DISCLOSURE_VERSION).await?;
            engine.connect(&address)?;
            tokio::spawn(act(engine.clone(), address.clone(), role, newcomers.clone()));
            people.push(DemoPerson { address, role: role.describe(), engine });
        }
        Ok(Self { meadow, harbor, people, _temp: temp, data_dir })
    }
}

/// Paints a small landscape (sky, sun, hills) and sends it as a photo.
async fn send_picture(engine: &Engine, me: &Address, to: &Address, caption: &str) -> isthmus_core::Result<()> {
    let picture = image::RgbImage::from_fn(640, 400, |x, y| {
        let (dx, dy) = (x as i32 - 480, y as i32 - 110);
        let hill = 300 - ((x as f32 / 60.0).sin() * 30.0) as u32;
        if dx * dx + dy * dy < 45 * 45 {
            image::Rgb([250, 204, 21])
        } else if y > hill {
            image::Rgb([34, 120 + (y % 40) as u8, 60])
        } else {
            image::Rgb([96, 165 - (y / 4) as u8, 250])
        }
    });
    let file =
        tempfile::Builder::new().suffix(".png").tempfile().map_err(|e| isthmus_core::Error::Protocol(e.to_string()))?;
    picture.save(file.path()).map_err(|e| isthmus_core::Error::Protocol(e.to_string()))?;
    engine.send_file(me, to, file.path(), caption, false).await.map(drop)
}

/// What a demo person does on their own.
#[derive(Clone, Copy, Debug)]
enum Role {
    /// Accepts requests and answers every message.
    Answers,
    /// Writes first to everyone who turns up in the sandbox: a message request to handle.
    SendsRequests,
    /// Answers, and after its second answer to someone gets a new identity key (a changed
    /// safety number) and says so.
    ChangesKey,
    /// Answers every message with a picture.
    SendsPictures,
}

impl Role {
    fn describe(self) -> &'static str {
        match self {
            Role::Answers => "answers every message",
            Role::SendsRequests => "sends a message request to everyone who writes to the sandbox",
            Role::ChangesKey => "answers, then changes its identity key after its second answer",
            Role::SendsPictures => "answers every message with a picture",
        }
    }
}

async fn act(engine: Engine, me: Address, role: Role, newcomers: tokio::sync::broadcast::Sender<Address>) {
    let mut events = engine.subscribe();
    let mut arrivals = newcomers.subscribe();
    let mut answered: std::collections::HashMap<Address, u32> = std::collections::HashMap::new();
    let mut greeted = std::collections::HashSet::new();
    loop {
        tokio::select! {
            event = events.recv() => {
                let message = match event {
                    Ok(Event::MessageAdded { message }) if message.author != me.to_string() => message,
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(_) => return,
                };
                let Ok(author) = message.author.parse::<Address>() else { continue };
                if !answered.contains_key(&author) {
                    let _ = newcomers.send(author.clone());
                }
                if matches!(role, Role::SendsRequests) {
                    continue;
                }
                let count = answered.entry(author.clone()).or_insert(0);
                *count += 1;
                let nth = *count;
                if let Ok(Some(conversation)) = engine.conversation(&message.conversation) {
                    if conversation.request {
                        let _ = engine.accept_request(conversation.id).await;
                    }
                }
                let _ = engine.mark_read(message.conversation).await;
                let _ = engine.send_typing(&me, &author, true).await;
                tokio::time::sleep(Duration::from_millis(600)).await;
                let reply = format!("{} here. You said: \"{}\"", me.name, message.body);
                let sent = if matches!(role, Role::SendsPictures) {
                    send_picture(&engine, &me, &author, &reply).await
                } else {
                    engine.send_text(&me, &author, reply).await.map(drop)
                };
                if let Err(error) = sent {
                    tracing::info!(code = ?error.code(), "demo reply not sent");
                }
                if matches!(role, Role::ChangesKey) && nth == 2 {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    if engine.reset_identity(&me).await.is_ok() {
                        let _ = engine.send_text(&me, &author, "I reinstalled Isthmus, so my safety number changed.").await;
                    }
                }
            }
            arrival = arrivals.recv() => {
                let Ok(person) = arrival else { continue };
                if !matches!(role, Role::SendsRequests) || person == me || !greeted.insert(person.clone()) {
                    continue;
                }
                if person.network != me.network {
                    let _ = engine.confirm_first_contact(&me, &person).await;
                }
                let text = format!("Hi, I'm {} on {}. This is a message request: accept, delete, block or report it.", me.name, me.network);
                if let Err(error) = engine.send_text(&me, &person, text).await {
                    tracing::info!(code = ?error.code(), "demo request not sent");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_people_answer_send_a_request_and_change_their_key() {
        let sandbox = Sandbox::start(None, "127.0.0.1:0", "127.0.0.1:0").await.expect("the sandbox starts");
        let me = Engine::open(Profile::in_memory()).expect("engine");
        let mut events = me.subscribe();
        let address: Address =
            me.add_account(&sandbox.meadow.url(), "tester").await.expect("account").address.parse().expect("address");
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
}
