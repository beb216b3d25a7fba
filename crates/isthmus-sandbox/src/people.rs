//! Who the demo people are and what they do on their own: answer, send a message request,
//! change their key, send pictures, host a group.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use isthmus_core::{Engine, Event};
use isthmus_proto::{Address, NetworkName};
use tokio::sync::broadcast;

use crate::{HARBOR, MEADOW};

/// The demo people: name, network and role. Each allows the other network, so it can write
/// to anyone who lets its own network reach them.
pub(crate) const PEOPLE: [(&str, &str, Role); 6] = [
    ("robin", MEADOW, Role::HostsGroup),
    ("finch", MEADOW, Role::SendsRequests),
    ("juniper", HARBOR, Role::Answers),
    ("wren", HARBOR, Role::SendsRequests),
    ("kestrel", MEADOW, Role::ChangesKey),
    ("heron", HARBOR, Role::SendsPictures),
];

/// Someone who turned up in the sandbox, as the demo people hear of it.
#[derive(Clone, Debug)]
pub(crate) struct Arrival {
    pub(crate) person: Address,
    /// A network besides their own that they are known to let write to them, if any.
    pub(crate) allows: Option<NetworkName>,
}

impl Arrival {
    /// Whether a demo person on `network` can write to them: a relay refuses a message from a
    /// network its recipient has not allowed.
    fn reachable_from(&self, network: &NetworkName) -> bool {
        self.person.network == *network || self.allows.as_ref() == Some(network)
    }
}

/// Paints a small landscape (sky, sun, hills) and sends it as a photo.
pub(crate) async fn send_picture(
    engine: &Engine,
    me: &Address,
    to: &Address,
    caption: &str,
) -> isthmus_core::Result<()> {
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
pub(crate) enum Role {
    /// Accepts requests and answers every message.
    Answers,
    /// Writes first to everyone who turns up in the sandbox, once they let its network reach
    /// them: a message request to handle.
    SendsRequests,
    /// Answers, and after its second answer to someone gets a new identity key (a changed
    /// safety number) and says so.
    ChangesKey,
    /// Answers every message with a picture.
    SendsPictures,
    /// Answers, and starts the demo group with everyone new who turns up.
    HostsGroup,
}

impl Role {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Role::Answers => "answers every message",
            Role::SendsRequests => "sends a message request to everyone new who lets its network reach them",
            Role::ChangesKey => "answers, then changes its identity key after its second answer",
            Role::SendsPictures => "answers every message with a picture",
            Role::HostsGroup => "answers, and starts a group with you and two people on harbor.test",
        }
    }
}

/// The demo group's name; its host (robin) starts it with everyone new who turns up.
pub(crate) const DEMO_GROUP: &str = "Sandbox picnic";
/// Who is in the demo group besides its host and the newcomer: people on the other network.
pub(crate) const DEMO_GROUP_GUESTS: [&str; 2] = ["juniper@harbor.test", "heron@harbor.test"];

/// Whether `account` (`name@network`) is one of the sandbox's own people, who do not answer
/// each other in the group nor greet each other as newcomers.
fn is_demo_person(account: &str) -> bool {
    PEOPLE.iter().any(|&(name, network, _)| account.split_once('@') == Some((name, network)))
}

/// In a group, the people who answer answer what a newcomer writes (once each), and nothing else.
async fn answer_in_group(
    engine: &Engine,
    me: &Address,
    role: Role,
    message: &isthmus_core::Message,
    group: isthmus_core::GroupId,
) {
    if message.notice.is_some() || is_demo_person(&message.author) || !matches!(role, Role::Answers | Role::HostsGroup)
    {
        return;
    }
    let _ = engine.mark_read(message.conversation).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let reply = format!("{} here, from {}. You said: \"{}\"", me.name, me.network, message.body);
    if let Err(error) = engine.send_group_text(me, group, reply).await {
        tracing::info!(code = ?error.code(), "demo group reply not sent");
    }
}

/// The host starts the demo group with `newcomer` and two people on the other network.
async fn host_group(engine: &Engine, me: &Address, newcomer: &Address) {
    let mut members = vec![newcomer.clone()];
    members.extend(DEMO_GROUP_GUESTS.iter().filter_map(|guest| guest.parse().ok()));
    match engine.create_group(me, DEMO_GROUP, &members).await {
        Ok(group) => {
            let hello = "Welcome to the sandbox's group: people on meadow.test and harbor.test, one chat. Say hi!";
            if let Err(error) = engine.send_group_text(me, group.id, hello).await {
                tracing::info!(code = ?error.code(), "demo group greeting not sent");
            }
        }
        Err(error) => tracing::info!(code = ?error.code(), "demo group not created"),
    }
}

/// Writes first to `person`: a message request in their inbox.
async fn send_request(engine: &Engine, me: &Address, person: &Address) {
    if person.network != me.network {
        let _ = engine.confirm_first_contact(me, person).await;
    }
    let text = format!(
        "Hi, I'm {} on {}. This is a message request: accept, delete, block or report it.",
        me.name, me.network
    );
    if let Err(error) = engine.send_text(me, person, text).await {
        tracing::info!(code = ?error.code(), "demo request not sent");
    }
}

/// What the demo person `me` does, for as long as the sandbox runs. `events` and `arrivals`
/// are subscribed before the person is spawned, so nothing said in between is missed;
/// `newcomers` is where the person tells the others of someone who wrote to it.
pub(crate) async fn act(
    engine: Engine,
    me: Address,
    role: Role,
    mut events: broadcast::Receiver<Event>,
    newcomers: broadcast::Sender<Arrival>,
    mut arrivals: broadcast::Receiver<Arrival>,
) {
    let mut answered: HashMap<Address, u32> = HashMap::new();
    // The accounts this person started the group with or wrote a request to: once each.
    let mut greeted: HashSet<String> = HashSet::new();
    loop {
        tokio::select! {
            event = events.recv() => {
                let message = match event {
                    Ok(Event::MessageAdded { message }) if message.author != me.to_string() => message,
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(_) => return,
                };
                if let Some(group) = engine.conversation(&message.conversation).ok().flatten().and_then(|c| c.group) {
                    answer_in_group(&engine, &me, role, &message, group).await;
                    continue;
                }
                let Ok(author) = message.author.parse::<Address>() else { continue };
                if !answered.contains_key(&author) {
                    // They wrote to this person's network, so they allowed it.
                    let allows = (author.network != me.network).then(|| me.network.clone());
                    let _ = newcomers.send(Arrival { person: author.clone(), allows });
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
                let Ok(arrival) = arrival else { continue };
                let account = arrival.person.account();
                if !matches!(role, Role::HostsGroup | Role::SendsRequests)
                    || is_demo_person(&account)
                    || !arrival.reachable_from(&me.network)
                    || !greeted.insert(account)
                {
                    continue;
                }
                if matches!(role, Role::HostsGroup) {
                    host_group(&engine, &me, &arrival.person).await;
                } else {
                    send_request(&engine, &me, &arrival.person).await;
                }
            }
        }
    }
}
