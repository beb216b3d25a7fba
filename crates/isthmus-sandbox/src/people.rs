//! What the demo people do on their own: answer, send a message request, change their key,
//! send pictures.

use std::time::Duration;

use isthmus_core::{Engine, Event};
use isthmus_proto::Address;

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
    /// Writes first to everyone who turns up in the sandbox: a message request to handle.
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
            Role::SendsRequests => "sends a message request to everyone who writes to the sandbox",
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

/// Whether `author` is one of the sandbox's own people (who do not answer each other in the group).
fn is_demo_person(author: &str) -> bool {
    ["robin@meadow.test", "juniper@harbor.test", "wren@harbor.test", "kestrel@meadow.test", "heron@harbor.test"]
        .contains(&author)
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

pub(crate) async fn act(engine: Engine, me: Address, role: Role, newcomers: tokio::sync::broadcast::Sender<Address>) {
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
                if let Some(group) = engine.conversation(&message.conversation).ok().flatten().and_then(|c| c.group) {
                    answer_in_group(&engine, &me, role, &message, group).await;
                    continue;
                }
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
                if matches!(role, Role::HostsGroup) && person != me && !is_demo_person(&person.account()) && greeted.insert(person.clone()) {
                    host_group(&engine, &me, &person).await;
                    continue;
                }
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
