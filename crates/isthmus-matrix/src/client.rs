//! One account's running Matrix client: its sync loop, its ingestion task, and the engine's
//! `MatrixLink` over it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use isthmus_core::matrix_link::{MatrixAccount, MatrixFile, MatrixLink, MatrixOutgoing};
use isthmus_core::{ConnectionState, Engine, Error, MatrixChat, Result};
use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::api::client::receipt::create_receipt::v3::ReceiptType;
use matrix_sdk::ruma::events::reaction::ReactionEventContent;
use matrix_sdk::ruma::events::receipt::ReceiptThread;
use matrix_sdk::ruma::events::relation::{Annotation, InReplyTo};
use matrix_sdk::ruma::events::room::message::{Relation, ReplacementMetadata, RoomMessageEventContent};
use matrix_sdk::ruma::{EventId, OwnedEventId, RoomId, UserId};
use matrix_sdk::{Client, LoopCtrl, Room};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::errors::{self, from_http, from_sdk};
use crate::ingest;

/// How long a sync waits on the homeserver for something new.
const SYNC_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest pause between attempts while the homeserver cannot be reached.
const MAX_BACKOFF_MS: u64 = 60_000;

pub(crate) struct MatrixClient {
    client: Client,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl MatrixClient {
    /// Starts syncing `client` (signed in as `account`) into `engine`.
    pub(crate) fn start(engine: Engine, account: MatrixAccount, client: Client) -> Self {
        let (seen, incoming) = mpsc::unbounded_channel();
        ingest::register(&client, seen);
        let ingesting = tokio::spawn(ingest::run(engine.clone(), client.clone(), account.user_id.clone(), incoming));
        let syncing = tokio::spawn(sync_loop(client.clone(), engine.clone(), account.user_id.clone()));
        MatrixClient { client, tasks: Mutex::new(vec![syncing, ingesting]) }
    }

    fn room(&self, id: &str) -> Result<Room> {
        let id = <&RoomId>::try_from(id).map_err(|e| Error::Protocol(format!("a stored room id is not one: {e}")))?;
        self.client.get_room(id).ok_or(Error::NoSuchConversation)
    }
}

/// Syncs until stopped; while the homeserver cannot be reached, tries again after a pause that
/// doubles up to a minute. The engine hears how the account stands (connecting, connected,
/// offline with when it tries again), as it does of a relay connection. A session the
/// homeserver no longer knows ends the loop (the user has to sign in again).
async fn sync_loop(client: Client, engine: Engine, user_id: String) {
    let backoff = Arc::new(AtomicU64::new(0));
    let connected = Arc::new(std::sync::atomic::AtomicBool::new(false));
    engine.matrix_connection(&user_id, ConnectionState::Connecting, None);
    let settings = SyncSettings::default().timeout(SYNC_TIMEOUT);
    let result = client
        .sync_with_result_callback(settings, |result| {
            let (backoff, connected, engine, user_id) =
                (backoff.clone(), connected.clone(), engine.clone(), user_id.clone());
            async move {
                match result {
                    Ok(_) => {
                        backoff.store(0, Ordering::Relaxed);
                        if !connected.swap(true, Ordering::Relaxed) {
                            engine.matrix_connection(&user_id, ConnectionState::Connected, None);
                        }
                        Ok(LoopCtrl::Continue)
                    }
                    Err(error) => {
                        let error = from_sdk(error);
                        connected.store(false, Ordering::Relaxed);
                        if error.code() == isthmus_core::ErrorCode::Unauthorized {
                            tracing::warn!("the Matrix homeserver no longer knows this session; sign in again");
                            engine.matrix_connection(&user_id, ConnectionState::Offline, None);
                            return Ok(LoopCtrl::Break);
                        }
                        let wait = (backoff.load(Ordering::Relaxed) * 2).clamp(500, MAX_BACKOFF_MS);
                        backoff.store(wait, Ordering::Relaxed);
                        tracing::info!(code = ?error.code(), wait_ms = wait, "Matrix sync failed; trying again");
                        engine.matrix_connection(&user_id, ConnectionState::Offline, Some(wait));
                        tokio::time::sleep(Duration::from_millis(wait)).await;
                        Ok(LoopCtrl::Continue)
                    }
                }
            }
        })
        .await;
    if let Err(error) = result {
        tracing::warn!(error = %errors::redacted(&error), "Matrix sync stopped");
    }
}

fn event_id(raw: &str) -> Result<OwnedEventId> {
    <&EventId>::try_from(raw).map(ToOwned::to_owned).map_err(|e| Error::Protocol(format!("not an event id: {e}")))
}

fn user_id(raw: &str) -> Result<&UserId> {
    <&UserId>::try_from(raw).map_err(|e| Error::InvalidMatrixId(format!("{raw}: {e}")))
}

#[matrix_sdk::async_trait]
impl MatrixLink for MatrixClient {
    async fn send(&self, chat: &MatrixChat, outgoing: MatrixOutgoing) -> Result<String> {
        let room = self.room(&chat.room)?;
        let sent = match outgoing {
            MatrixOutgoing::Text { body, reply_to } => {
                let mut content = RoomMessageEventContent::text_plain(body);
                if let Some(reply_to) = reply_to {
                    content.relates_to = Some(Relation::Reply { in_reply_to: InReplyTo::new(event_id(&reply_to)?) });
                }
                room.send(content).await.map_err(from_sdk)?.event_id
            }
            MatrixOutgoing::Reaction { target, emoji } => {
                let content = ReactionEventContent::new(Annotation::new(event_id(&target)?, emoji));
                room.send(content).await.map_err(from_sdk)?.event_id
            }
            MatrixOutgoing::Edit { target, body } => {
                let content = RoomMessageEventContent::text_plain(body)
                    .make_replacement(ReplacementMetadata::new(event_id(&target)?, None), None);
                room.send(content).await.map_err(from_sdk)?.event_id
            }
            MatrixOutgoing::Unreact { reaction: target } | MatrixOutgoing::Delete { target } => {
                room.redact(&event_id(&target)?, None, None).await.map_err(from_http)?.event_id
            }
        };
        Ok(sent.to_string())
    }

    async fn send_file(&self, chat: &MatrixChat, file: MatrixFile) -> Result<String> {
        let room = self.room(&chat.room)?;
        let mime: mime::Mime = file.content_type.parse().unwrap_or(mime::APPLICATION_OCTET_STREAM);
        let caption = (!file.caption.is_empty()).then_some(file.caption);
        let config = matrix_sdk::attachment::AttachmentConfig::new().caption(caption);
        let response = room.send_attachment(file.file_name, &mime, file.bytes, config).await.map_err(from_sdk)?;
        Ok(response.event_id.to_string())
    }

    async fn typing(&self, chat: &MatrixChat, started: bool) -> Result<()> {
        self.room(&chat.room)?.typing_notice(started).await.map_err(from_sdk)
    }

    async fn read_up_to(&self, chat: &MatrixChat, event: &str) -> Result<()> {
        self.room(&chat.room)?
            .send_single_receipt(ReceiptType::Read, ReceiptThread::Unthreaded, event_id(event)?)
            .await
            .map_err(from_sdk)
    }

    async fn accept(&self, chat: &MatrixChat) -> Result<()> {
        self.room(&chat.room)?.join().await.map_err(from_sdk)
    }

    async fn leave(&self, chat: &MatrixChat) -> Result<()> {
        self.room(&chat.room)?.leave().await.map_err(from_sdk)
    }

    async fn set_ignored(&self, user: &str, ignored: bool) -> Result<()> {
        let user = user_id(user)?;
        let account = self.client.account();
        let done = if ignored { account.ignore_user(user).await } else { account.unignore_user(user).await };
        done.map_err(from_sdk)
    }

    async fn report(&self, chat: &MatrixChat, events: &[String], reason: &str) -> Result<()> {
        let room = self.room(&chat.room)?;
        if events.is_empty() || room.state() != matrix_sdk::RoomState::Joined {
            // An invitation has no events to report: the room itself is reported.
            let mut request =
                matrix_sdk::ruma::api::client::room::report_room::v3::Request::new(room.room_id().to_owned());
            request.reason = Some(reason.to_owned());
            self.client.send(request).await.map_err(from_http)?;
            return Ok(());
        }
        for event in events {
            room.report_content(event_id(event)?, None, Some(reason.to_owned())).await.map_err(from_sdk)?;
        }
        Ok(())
    }

    async fn open_direct(&self, user: &str) -> Result<MatrixChat> {
        let peer = user_id(user)?;
        let room = self.client.create_dm(peer).await.map_err(from_sdk)?;
        let me = self.client.user_id().map(ToString::to_string).unwrap_or_default();
        Ok(MatrixChat {
            room: room.room_id().to_string(),
            account: me,
            peer: peer.to_string(),
            encrypted: room.is_encrypted().await.unwrap_or(true),
        })
    }

    async fn stop(&self) {
        let tasks = match self.tasks.lock() {
            Ok(mut tasks) => std::mem::take(&mut *tasks),
            Err(_) => Vec::new(),
        };
        for task in tasks {
            task.abort();
            let _ = task.await;
        }
    }
}
