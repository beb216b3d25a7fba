//! From the client's sync to the engine. matrix-sdk calls the handlers while it processes a sync
//! response; they only hand what they saw to one task per account, which tells the engine in
//! order. So the sync never waits for the engine, and a send the engine is making (which holds
//! the engine's Matrix order until its event is recorded) never waits for the sync.

use std::collections::HashSet;

use isthmus_core::matrix_link::ingest::{MatrixEvent, MatrixMedia, MatrixRoom};
use isthmus_core::{Engine, MatrixChat};
use matrix_sdk::media::{MediaFormat, MediaRequestParameters};
use matrix_sdk::ruma::events::reaction::OriginalSyncReactionEvent;
use matrix_sdk::ruma::events::receipt::{ReceiptThread, ReceiptType, SyncReceiptEvent};
use matrix_sdk::ruma::events::room::member::{MembershipState, OriginalSyncRoomMemberEvent, StrippedRoomMemberEvent};
use matrix_sdk::ruma::events::room::message::{MessageType, OriginalSyncRoomMessageEvent, Relation};
use matrix_sdk::ruma::events::room::redaction::OriginalSyncRoomRedactionEvent;
use matrix_sdk::ruma::events::room::MediaSource;
use matrix_sdk::ruma::events::typing::SyncTypingEvent;
use matrix_sdk::ruma::{OwnedRoomId, OwnedUserId};
use matrix_sdk::{Client, Room, RoomMemberships, RoomState};
use tokio::sync::mpsc;

use crate::errors;

/// What a handler saw.
pub(crate) enum Seen {
    Event {
        room: Room,
        event: MatrixEvent,
    },
    /// A file or picture, to download (and decrypt) before the engine hears of it.
    Media {
        room: Room,
        event: MatrixEvent,
        source: MediaSource,
        file_name: String,
    },
    Typing {
        room: Room,
        users: Vec<String>,
    },
    /// The account was invited by `inviter`.
    Invite {
        room: Room,
        inviter: OwnedUserId,
    },
    /// The account left the room, or its invitation was withdrawn.
    Left {
        room: OwnedRoomId,
    },
}

pub(crate) fn register(client: &Client, seen: mpsc::UnboundedSender<Seen>) {
    let me = client.user_id().map(ToOwned::to_owned);
    let out = seen.clone();
    client.add_event_handler(move |event: OriginalSyncRoomMessageEvent, room: Room| {
        let out = out.clone();
        async move {
            match message(event) {
                Some((event, None)) => {
                    let _ = out.send(Seen::Event { room, event });
                }
                Some((event, Some((source, file_name)))) => {
                    let _ = out.send(Seen::Media { room, event, source, file_name });
                }
                None => {}
            }
        }
    });
    let out = seen.clone();
    client.add_event_handler(move |event: OriginalSyncReactionEvent, room: Room| {
        let out = out.clone();
        async move {
            let event = MatrixEvent::Reaction {
                event: event.event_id.to_string(),
                sender: event.sender.to_string(),
                target: event.content.relates_to.event_id.to_string(),
                emoji: event.content.relates_to.key,
            };
            let _ = out.send(Seen::Event { room, event });
        }
    });
    let out = seen.clone();
    client.add_event_handler(move |event: OriginalSyncRoomRedactionEvent, room: Room| {
        let out = out.clone();
        async move {
            let target = event.content.redacts.clone().or(event.redacts.clone());
            if let Some(target) = target {
                let event = MatrixEvent::Redaction {
                    event: event.event_id.to_string(),
                    sender: event.sender.to_string(),
                    target: target.to_string(),
                };
                let _ = out.send(Seen::Event { room, event });
            }
        }
    });
    let out = seen.clone();
    client.add_event_handler(move |event: SyncReceiptEvent, room: Room| {
        let out = out.clone();
        async move {
            for (event_id, receipts) in event.content.0 {
                for (kind, users) in receipts {
                    if kind != ReceiptType::Read && kind != ReceiptType::ReadPrivate {
                        continue;
                    }
                    for (user, receipt) in users {
                        if !matches!(receipt.thread, ReceiptThread::Unthreaded | ReceiptThread::Main) {
                            continue;
                        }
                        let event = MatrixEvent::Read { sender: user.to_string(), event: event_id.to_string() };
                        let _ = out.send(Seen::Event { room: room.clone(), event });
                    }
                }
            }
        }
    });
    let out = seen.clone();
    client.add_event_handler(move |event: SyncTypingEvent, room: Room| {
        let out = out.clone();
        async move {
            let users = event.content.user_ids.iter().map(ToString::to_string).collect();
            let _ = out.send(Seen::Typing { room, users });
        }
    });
    let out = seen.clone();
    let invited = me.clone();
    client.add_event_handler(move |event: StrippedRoomMemberEvent, room: Room| {
        let (out, me) = (out.clone(), invited.clone());
        async move {
            if Some(&event.state_key) == me.as_ref() && event.content.membership == MembershipState::Invite {
                let _ = out.send(Seen::Invite { room, inviter: event.sender });
            }
        }
    });
    let out = seen;
    client.add_event_handler(move |event: OriginalSyncRoomMemberEvent, room: Room| {
        let (out, me) = (out.clone(), me.clone());
        async move {
            let gone = matches!(event.content.membership, MembershipState::Leave | MembershipState::Ban);
            if gone && Some(&event.state_key) == me.as_ref() {
                let _ = out.send(Seen::Left { room: room.room_id().to_owned() });
            }
        }
    });
}

/// A room message as the engine sees it: text (notices and emotes as text), a file or picture
/// (with where to download it), an edit, or None for what Isthmus does not show yet.
fn message(event: OriginalSyncRoomMessageEvent) -> Option<(MatrixEvent, Option<(MediaSource, String)>)> {
    let (event_id, sender) = (event.event_id.to_string(), event.sender.to_string());
    let sent_at = u64::from(event.origin_server_ts.0);
    match event.content.relates_to {
        Some(Relation::Replacement(replacement)) => {
            let body = text_of(&replacement.new_content.msgtype)?;
            Some((MatrixEvent::Edit { event: event_id, sender, target: replacement.event_id.to_string(), body }, None))
        }
        relation => {
            let reply_to = match relation {
                Some(Relation::Reply { in_reply_to }) => Some(in_reply_to.event_id.to_string()),
                _ => None,
            };
            let media = media_of(&event.content.msgtype);
            let body = match (&media, text_of(&event.content.msgtype)) {
                (Some((_, _, caption)), _) => caption.clone(),
                (None, Some(text)) => text,
                (None, None) => return None,
            };
            let body = if reply_to.is_some() { strip_reply_fallback(&body) } else { body };
            let message = MatrixEvent::Message { event: event_id, sender, body, sent_at, reply_to, attachment: None };
            Some((message, media.map(|(source, name, _)| (source, name))))
        }
    }
}

/// A file message's source, file name and caption (empty when the body is only the name).
fn media_of(message: &MessageType) -> Option<(MediaSource, String, String)> {
    let (source, name, caption) = match message {
        MessageType::Image(image) => (image.source.clone(), image.filename().to_owned(), image.caption()),
        MessageType::File(file) => (file.source.clone(), file.filename().to_owned(), file.caption()),
        MessageType::Video(video) => (video.source.clone(), video.filename().to_owned(), video.caption()),
        MessageType::Audio(audio) => (audio.source.clone(), audio.filename().to_owned(), audio.caption()),
        _ => return None,
    };
    Some((source, name, caption.unwrap_or_default().to_owned()))
}

fn text_of(message: &MessageType) -> Option<String> {
    match message {
        MessageType::Text(text) => Some(text.body.clone()),
        MessageType::Notice(notice) => Some(notice.body.clone()),
        MessageType::Emote(emote) => Some(format!("* {}", emote.body)),
        _ => None,
    }
}

/// Older clients quote the message replied to at the top of a reply's body (`> <@a:b> text`
/// lines, then an empty line); the quote is shown from the reply's relation instead.
fn strip_reply_fallback(body: &str) -> String {
    if !body.starts_with("> ") {
        return body.to_owned();
    }
    let mut lines = body.lines().skip_while(|line| line.starts_with("> "));
    match lines.next() {
        Some("") => lines.collect::<Vec<_>>().join("\n"),
        _ => body.to_owned(),
    }
}

/// Tells the engine what the handlers saw, in order, until the client stops.
pub(crate) async fn run(engine: Engine, client: Client, user_id: String, mut seen: mpsc::UnboundedReceiver<Seen>) {
    let mut known: HashSet<OwnedRoomId> = HashSet::new();
    while let Some(item) = seen.recv().await {
        let outcome = match item {
            Seen::Invite { room, inviter } => invite(&engine, &user_id, &room, &inviter, &mut known).await,
            Seen::Event { room, event } => match joined(&engine, &user_id, &room, &mut known).await {
                Ok(true) => engine.matrix_event(&user_id, room.room_id().as_str(), event).await,
                other => other.map(|_| ()),
            },
            Seen::Media { room, mut event, source, file_name } => {
                match joined(&engine, &user_id, &room, &mut known).await {
                    Ok(true) => {
                        let request = MediaRequestParameters { source, format: MediaFormat::File };
                        match client.media().get_media_content(&request, false).await {
                            Ok(bytes) => {
                                if let MatrixEvent::Message { attachment, .. } = &mut event {
                                    *attachment = Some(MatrixMedia { file_name, bytes });
                                }
                            }
                            // The message still arrives, with its caption; the file is missing.
                            Err(error) => {
                                tracing::warn!(error = %errors::redacted(&error), "a Matrix file could not be downloaded")
                            }
                        }
                        engine.matrix_event(&user_id, room.room_id().as_str(), event).await
                    }
                    other => other.map(|_| ()),
                }
            }
            Seen::Typing { room, users } => match joined(&engine, &user_id, &room, &mut known).await {
                Ok(true) => engine.matrix_typing(&user_id, room.room_id().as_str(), &users),
                other => other.map(|_| ()),
            },
            Seen::Left { room } => {
                known.remove(&room);
                engine.matrix_room_gone(&user_id, room.as_str()).await
            }
        };
        if let Err(error) = outcome {
            tracing::warn!(code = ?error.code(), "a Matrix event could not be stored");
        }
    }
}

async fn invite(
    engine: &Engine,
    user_id: &str,
    room: &Room,
    inviter: &OwnedUserId,
    known: &mut HashSet<OwnedRoomId>,
) -> isthmus_core::Result<()> {
    if known.contains(room.room_id()) {
        return Ok(());
    }
    let chat = MatrixChat {
        room: room.room_id().to_string(),
        account: user_id.to_owned(),
        peer: inviter.to_string(),
        encrypted: room.is_encrypted().await.unwrap_or(false),
    };
    let outcome = engine.matrix_room(user_id, MatrixRoom { chat, invited: true }).await?;
    known.insert(room.room_id().to_owned());
    if outcome.conversation.is_none() {
        // From someone the user blocked: declined, and nothing is shown.
        room.leave().await.map_err(errors::from_sdk)?;
    } else if outcome.join {
        room.join().await.map_err(errors::from_sdk)?;
    }
    Ok(())
}

/// Makes sure the engine knows a joined room; false for a room Isthmus does not show (a room
/// with several people: only direct chats are shown yet).
async fn joined(
    engine: &Engine,
    user_id: &str,
    room: &Room,
    known: &mut HashSet<OwnedRoomId>,
) -> isthmus_core::Result<bool> {
    if known.contains(room.room_id()) {
        return Ok(true);
    }
    if room.state() != RoomState::Joined {
        return Ok(false);
    }
    let encrypted = room.is_encrypted().await.unwrap_or(false);
    if let Some(conversation) = engine.matrix_room_chat(user_id, room.room_id().as_str())? {
        if conversation.matrix.as_ref().is_some_and(|chat| chat.encrypted == encrypted) && !conversation.request {
            known.insert(room.room_id().to_owned());
            return Ok(true);
        }
    }
    let Some(peer) = direct_peer(user_id, room).await else {
        return Ok(false);
    };
    let chat = MatrixChat { room: room.room_id().to_string(), account: user_id.to_owned(), peer, encrypted };
    engine.matrix_room(user_id, MatrixRoom { chat, invited: false }).await?;
    known.insert(room.room_id().to_owned());
    Ok(true)
}

/// The other person of a direct chat: the room's direct target, or its only other member.
async fn direct_peer(user_id: &str, room: &Room) -> Option<String> {
    let targets: Vec<String> = room
        .direct_targets()
        .into_iter()
        .filter_map(|target| target.as_user_id().map(ToString::to_string))
        .filter(|target| target != user_id)
        .collect();
    if targets.len() == 1 {
        return targets.into_iter().next();
    }
    let members = room.members(RoomMemberships::JOIN | RoomMemberships::INVITE).await.ok()?;
    let others: Vec<String> =
        members.iter().map(|m| m.user_id().to_string()).filter(|member| member != user_id).collect();
    (others.len() == 1).then(|| others.into_iter().next()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_fallback_is_cut_from_a_reply() {
        assert_eq!(strip_reply_fallback("> <@a:b> earlier\n> more\n\nthe reply"), "the reply");
        assert_eq!(strip_reply_fallback("> a quote of my own"), "> a quote of my own");
        assert_eq!(strip_reply_fallback("plain"), "plain");
    }
}
