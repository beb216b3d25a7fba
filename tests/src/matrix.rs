//! The Matrix side of the end-to-end tests: the throwaway Synapse the test command starts
//! (`scripts/lib/synapse.sh`), people registered on it with its shared secret, and a Matrix
//! user driven by matrix-sdk in the test, who records what reaches them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Result};
use matrix_sdk::config::SyncSettings;
use matrix_sdk::deserialized_responses::EncryptionInfo;
use matrix_sdk::ruma::events::reaction::OriginalSyncReactionEvent;
use matrix_sdk::ruma::events::receipt::SyncReceiptEvent;
use matrix_sdk::ruma::events::room::member::{MembershipState, StrippedRoomMemberEvent};
use matrix_sdk::ruma::events::room::message::{MessageType, OriginalSyncRoomMessageEvent, Relation};
use matrix_sdk::ruma::events::room::MediaSource;
use matrix_sdk::ruma::events::typing::SyncTypingEvent;
use matrix_sdk::ruma::OwnedRoomId;
use matrix_sdk::{Client, Room};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::PATIENCE;

/// The test homeserver, from the environment the test command sets.
pub struct Homeserver {
    pub url: String,
    pub secret: String,
    pub server_name: String,
}

impl Homeserver {
    /// The homeserver, or None when there is none and none is required (a plain `cargo test`
    /// outside the test command): the Matrix tests then say so and pass. Under the test command
    /// (`ISTHMUS_REQUIRE_MATRIX=1`) a missing homeserver fails them.
    pub fn from_env() -> Result<Option<Self>> {
        let url = std::env::var("ISTHMUS_TEST_MATRIX_URL").ok();
        let secret = std::env::var("ISTHMUS_TEST_MATRIX_SHARED_SECRET").ok();
        match (url, secret) {
            (Some(url), Some(secret)) => {
                let server_name =
                    std::env::var("ISTHMUS_TEST_MATRIX_SERVER_NAME").unwrap_or_else(|_| "localhost".to_owned());
                Ok(Some(Homeserver { url, secret, server_name }))
            }
            _ if std::env::var_os("ISTHMUS_REQUIRE_MATRIX").is_some() => {
                bail!("ISTHMUS_REQUIRE_MATRIX is set but ISTHMUS_TEST_MATRIX_URL/_SHARED_SECRET are not")
            }
            _ => {
                eprintln!("skipped: no Matrix homeserver (scripts/test starts one)");
                Ok(None)
            }
        }
    }

    /// Registers `name` (made unique per call) with the shared secret; answers its Matrix id
    /// and password.
    pub async fn register(&self, name: &str) -> Result<(String, String)> {
        let username = format!("{name}{}", rand::random::<u32>());
        let password = format!("pw-{}", rand::random::<u64>());
        let registered = isthmus_matrix::shared_secret::register(&self.url, &self.secret, &username, &password).await?;
        Ok((registered.user_id, password))
    }
}

/// What reached the test's Matrix user.
#[derive(Clone, Debug)]
pub enum PeerSaw {
    Message {
        room: OwnedRoomId,
        event: String,
        sender: String,
        body: String,
        encrypted: bool,
        edits: Option<String>,
        reply_to: Option<String>,
    },
    Reaction {
        event: String,
        sender: String,
        target: String,
        key: String,
    },
    Read {
        sender: String,
        event: String,
    },
    Typing {
        users: Vec<String>,
    },
    Invite {
        room: OwnedRoomId,
        sender: String,
    },
    /// A picture or file, with where to download it.
    File {
        sender: String,
        name: String,
        source: MediaSource,
        encrypted: bool,
    },
}

/// A Matrix user driven by matrix-sdk in the test (in-memory store), syncing in the background.
pub struct MatrixPeer {
    pub client: Client,
    pub user_id: String,
    seen: Arc<Mutex<Vec<PeerSaw>>>,
    changed: Arc<Notify>,
    sync: JoinHandle<()>,
}

impl Drop for MatrixPeer {
    fn drop(&mut self) {
        self.sync.abort();
    }
}

impl MatrixPeer {
    /// Registers and signs in `name`; has synced once (its device keys are on the homeserver)
    /// when this returns. With `auto_join` it accepts every invitation.
    pub async fn start(homeserver: &Homeserver, name: &str, auto_join: bool) -> Result<Self> {
        let (user_id, password) = homeserver.register(name).await?;
        Self::sign_in(homeserver, user_id, &password, auto_join).await
    }

    /// Another device of an existing account (`user_id`, `password`), driven by the test.
    pub async fn sign_in(homeserver: &Homeserver, user_id: String, password: &str, auto_join: bool) -> Result<Self> {
        let client = Client::builder().homeserver_url(&homeserver.url).build().await?;
        client.matrix_auth().login_username(&user_id, password).initial_device_display_name("test peer").await?;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let changed = Arc::new(Notify::new());
        let record = {
            let (seen, changed) = (seen.clone(), changed.clone());
            move |saw: PeerSaw| {
                seen.lock().expect("lock").push(saw);
                changed.notify_waiters();
            }
        };
        let add = record.clone();
        client.add_event_handler(
            move |event: OriginalSyncRoomMessageEvent, room: Room, encryption: Option<EncryptionInfo>| {
                let add = add.clone();
                async move {
                    let file = match &event.content.msgtype {
                        MessageType::Image(image) => Some((image.filename().to_owned(), image.source.clone())),
                        MessageType::File(file) => Some((file.filename().to_owned(), file.source.clone())),
                        _ => None,
                    };
                    if let Some((name, source)) = file {
                        let sender = event.sender.to_string();
                        add(PeerSaw::File { sender, name, source, encrypted: encryption.is_some() });
                        return;
                    }
                    let (edits, reply_to) = match &event.content.relates_to {
                        Some(Relation::Replacement(r)) => (Some(r.event_id.to_string()), None),
                        Some(Relation::Reply { in_reply_to }) => (None, Some(in_reply_to.event_id.to_string())),
                        _ => (None, None),
                    };
                    let body = match &event.content.relates_to {
                        Some(Relation::Replacement(r)) => r.new_content.msgtype.body().to_owned(),
                        _ => event.content.msgtype.body().to_owned(),
                    };
                    add(PeerSaw::Message {
                        room: room.room_id().to_owned(),
                        event: event.event_id.to_string(),
                        sender: event.sender.to_string(),
                        body,
                        encrypted: encryption.is_some(),
                        edits,
                        reply_to,
                    });
                }
            },
        );
        let add = record.clone();
        client.add_event_handler(move |event: OriginalSyncReactionEvent| {
            let add = add.clone();
            async move {
                add(PeerSaw::Reaction {
                    event: event.event_id.to_string(),
                    sender: event.sender.to_string(),
                    target: event.content.relates_to.event_id.to_string(),
                    key: event.content.relates_to.key,
                });
            }
        });
        let add = record.clone();
        client.add_event_handler(move |event: SyncReceiptEvent| {
            let add = add.clone();
            async move {
                for (event_id, receipts) in event.content.0 {
                    for users in receipts.values() {
                        for user in users.keys() {
                            add(PeerSaw::Read { sender: user.to_string(), event: event_id.to_string() });
                        }
                    }
                }
            }
        });
        let add = record.clone();
        client.add_event_handler(move |event: SyncTypingEvent| {
            let add = add.clone();
            async move { add(PeerSaw::Typing { users: event.content.user_ids.iter().map(ToString::to_string).collect() }) }
        });
        let me = client.user_id().map(ToOwned::to_owned);
        client.add_event_handler(move |event: StrippedRoomMemberEvent, room: Room| {
            let (add, me) = (record.clone(), me.clone());
            async move {
                if Some(&event.state_key) == me.as_ref() && event.content.membership == MembershipState::Invite {
                    add(PeerSaw::Invite { room: room.room_id().to_owned(), sender: event.sender.to_string() });
                    if auto_join {
                        // Joining right away can race the homeserver's own processing of the
                        // invite: try a few times.
                        for _ in 0..20 {
                            if room.join().await.is_ok() {
                                break;
                            }
                            tokio::time::sleep(Duration::from_millis(250)).await;
                        }
                    }
                }
            }
        });
        let response = client.sync_once(SyncSettings::default()).await?;
        let background = client.clone();
        let sync = tokio::spawn(async move {
            let settings = SyncSettings::default().token(response.next_batch).timeout(Duration::from_secs(5));
            let _ = background.sync(settings).await;
        });
        Ok(MatrixPeer { client, user_id, seen, changed, sync })
    }

    /// Waits until something that `pick` accepts has reached this user.
    pub async fn wait_for<T>(&self, what: &str, mut pick: impl FnMut(&PeerSaw) -> Option<T>) -> Result<T> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let changed = self.changed.notified();
            if let Some(found) = self.seen.lock().expect("lock").iter().find_map(&mut pick) {
                return Ok(found);
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                bail!("{} waited in vain for {what}", self.user_id);
            }
        }
    }

    /// Downloads (and decrypts) a file that reached this user.
    pub async fn download(&self, source: MediaSource) -> Result<Vec<u8>> {
        use matrix_sdk::media::{MediaFormat, MediaRequestParameters};
        let request = MediaRequestParameters { source, format: MediaFormat::File };
        Ok(self.client.media().get_media_content(&request, false).await?)
    }

    /// Everything seen so far.
    pub fn seen(&self) -> Vec<PeerSaw> {
        self.seen.lock().expect("lock").clone()
    }

    /// Waits until the room is joined (its invitation accepted).
    pub async fn joined(&self, room: &str) -> Result<Room> {
        let room: OwnedRoomId = room.try_into()?;
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if let Some(found) = self.client.get_room(&room) {
                if found.state() == matrix_sdk::RoomState::Joined {
                    return Ok(found);
                }
            }
            if tokio::time::Instant::now() > deadline {
                bail!("{} never joined {room}", self.user_id);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
