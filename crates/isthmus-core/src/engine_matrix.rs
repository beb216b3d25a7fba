//! The engine's Matrix API (see `matrix_link`): Matrix accounts and consent, what their clients
//! report, and the user's actions on Matrix chats, which the public methods of `Engine` route
//! here when a chat is a Matrix one.

use std::sync::Arc;

use isthmus_proto::api::ReportReason;
use isthmus_proto::Address;

use crate::consent::disclosure::{matrix_disclosure, Disclosure, MATRIX_DISCLOSURE_VERSION};
use crate::consent::ledger::{self, Decision};
use crate::conversations;
use crate::engine::Engine;
use crate::events::Event;
use crate::ids::{ConversationId, MessageId};
use crate::matrix_link::events_map::{self, EventTarget, MessageRef};
use crate::matrix_link::ingest::{self, MatrixEvent, MatrixRoom, RoomOutcome};
use crate::matrix_link::{accounts, rules, MatrixAccount, MatrixAccountInfo, MatrixLink, MatrixOutgoing};
use crate::may_send::ChatState;
use crate::model::{Conversation, Message, MessageStatus};
use crate::send::Outgoing;
use crate::tx::Tx;
use crate::{Error, Result};

/// The ledger's counterpart for decisions about Matrix as a whole.
pub const MATRIX_NETWORK: &str = "matrix";

impl Engine {
    pub fn matrix_disclosure(&self) -> Disclosure {
        matrix_disclosure()
    }

    pub fn matrix_accounts(&self) -> Result<Vec<MatrixAccountInfo>> {
        Ok(accounts::load_all(&self.inner.store)?.iter().map(MatrixAccountInfo::from).collect())
    }

    /// The stored record, session included: for the Matrix client only.
    pub fn matrix_account(&self, user_id: &str) -> Result<Option<MatrixAccount>> {
        accounts::load(&self.inner.store, user_id)
    }

    /// The Matrix account whose chats carry `address`, if `address` is one.
    pub(crate) fn matrix_by_address(&self, address: &Address) -> Result<Option<MatrixAccount>> {
        accounts::by_address(&self.inner.store, address)
    }

    /// The key the Matrix client's own store is encrypted with: derived from the profile's data
    /// key, so it is as safe as the profile and never written down.
    pub fn matrix_store_key(&self, user_id: &str) -> [u8; 32] {
        self.inner.store.name_key("matrix-store-key", user_id.as_bytes())
    }

    /// Where the Matrix client of `user_id` keeps its (sealed) store: `matrix/<keyed hash>/` in
    /// the profile folder, or beside the attachments of an in-memory profile.
    pub fn matrix_store_dir(&self, user_id: &str) -> std::path::PathBuf {
        let base = match self.inner.profile_dir() {
            Some(dir) => dir.join("matrix"),
            None => self.inner.files.join(".matrix"),
        };
        base.join(hex::encode(&self.inner.store.name_key("matrix-store-dir", user_id.as_bytes())[..16]))
    }

    /// Adds a signed-in Matrix account, off: nothing is synced until the user turns it on.
    pub async fn add_matrix_account(&self, mut account: MatrixAccount) -> Result<MatrixAccountInfo> {
        let address = account.address()?;
        if accounts::load(&self.inner.store, &account.user_id)?.is_some() {
            return Err(Error::MatrixAccountExists(account.user_id));
        }
        if crate::account::load(&self.inner.store, &address)?.is_some() {
            return Err(Error::InvalidMatrixId(format!(
                "{}: this profile has an Isthmus account {address}, and the two would share their chats",
                account.user_id
            )));
        }
        account.enabled = false;
        account.disclosure_version = None;
        self.save_matrix_account(&account).await?;
        Ok(MatrixAccountInfo::from(&account))
    }

    /// Keeps a renewed session (the client refreshed its tokens).
    pub async fn update_matrix_session(&self, user_id: &str, session: serde_json::Value) -> Result<()> {
        let mut account = self.matrix_account_or_fail(user_id)?;
        account.session = session;
        self.save_matrix_account(&account).await
    }

    /// Signs a Matrix account out of this profile: its client stops and its record goes. Its
    /// chats stay, read-only, with their history.
    pub async fn remove_matrix_account(&self, user_id: &str) -> Result<()> {
        self.matrix_account_or_fail(user_id)?;
        if let Some(link) = self.detach_matrix(user_id) {
            link.stop().await;
        }
        let user_id = user_id.to_owned();
        self.matrix_write(move |tx| {
            accounts::remove(tx, &user_id);
            Ok(((), Vec::new()))
        })
        .await?;
        self.emit_matrix_chats_changed()
    }

    /// Turns Matrix on (under the Matrix disclosure the user was shown: `disclosure_version`) or
    /// off for an account, and records the decision. Off stops its client; on is followed by
    /// the caller starting it (`isthmus-matrix`).
    pub async fn set_matrix_enabled(
        &self,
        user_id: &str,
        enabled: bool,
        disclosure_version: Option<&str>,
    ) -> Result<MatrixAccountInfo> {
        let mut account = self.matrix_account_or_fail(user_id)?;
        if enabled && disclosure_version != Some(MATRIX_DISCLOSURE_VERSION) {
            return Err(Error::DisclosureOutdated {
                given: disclosure_version.unwrap_or("none").to_owned(),
                current: MATRIX_DISCLOSURE_VERSION.to_owned(),
            });
        }
        if !enabled {
            if let Some(link) = self.detach_matrix(user_id) {
                link.stop().await;
            }
        }
        account.enabled = enabled;
        account.disclosure_version = enabled.then(|| MATRIX_DISCLOSURE_VERSION.to_owned());
        let address = account.address()?.account();
        let record = account.clone();
        self.matrix_write(move |tx| {
            accounts::save(tx, &record)?;
            let decision = if enabled { Decision::InteropEnabled } else { Decision::InteropDisabled };
            let version = enabled.then_some(MATRIX_DISCLOSURE_VERSION);
            let entry = ledger::append(tx, &address, MATRIX_NETWORK, decision, version)?;
            Ok(((), vec![Event::ConsentRecorded { entry }]))
        })
        .await?;
        self.emit_matrix_chats_changed()?;
        Ok(MatrixAccountInfo::from(&account))
    }

    /// Hands the engine an account's running Matrix client.
    pub fn attach_matrix(&self, user_id: &str, link: Arc<dyn MatrixLink>) {
        if let Ok(mut links) = self.inner.matrix.lock() {
            links.insert(user_id.to_owned(), link);
        }
    }

    pub fn detach_matrix(&self, user_id: &str) -> Option<Arc<dyn MatrixLink>> {
        self.inner.matrix.lock().ok().and_then(|mut links| links.remove(user_id))
    }

    /// Whether the account's Matrix client is running.
    pub fn matrix_attached(&self, user_id: &str) -> bool {
        self.inner.matrix.lock().is_ok_and(|links| links.contains_key(user_id))
    }

    fn matrix_link(&self, account: &MatrixAccount) -> Result<Arc<dyn MatrixLink>> {
        self.inner
            .matrix
            .lock()
            .ok()
            .and_then(|links| links.get(&account.user_id).cloned())
            .ok_or_else(|| Error::HomeserverUnreachable(format!("{} is not connected", account.user_id)))
    }

    fn matrix_account_or_fail(&self, user_id: &str) -> Result<MatrixAccount> {
        accounts::load(&self.inner.store, user_id)?.ok_or_else(|| Error::NoSuchAccount(user_id.to_owned()))
    }

    async fn save_matrix_account(&self, account: &MatrixAccount) -> Result<()> {
        let record = account.clone();
        self.matrix_write(move |tx| Ok((accounts::save(tx, &record)?, Vec::new()))).await
    }

    /// Runs `change` on the worker in one transaction, on disk before it answers; then its
    /// events go out.
    async fn matrix_write<T: Send + 'static>(
        &self,
        change: impl FnOnce(&mut Tx) -> Result<(T, Vec<Event>)> + Send + 'static,
    ) -> Result<T> {
        self.inner
            .worker
            .call(move |state| {
                Box::pin(async move {
                    let mut tx = Tx::new(state.store.clone());
                    let (answer, events) = change(&mut tx)?;
                    tx.commit()?;
                    state.durable();
                    state.emit(events);
                    Ok(answer)
                })
            })
            .await
    }

    /// Matrix chats change what they may do with their account's switch: say so.
    fn emit_matrix_chats_changed(&self) -> Result<()> {
        for conversation in self.conversations(None)?.into_iter().filter(Conversation::is_matrix) {
            let _ = self.events().send(Event::ConversationChanged { conversation });
        }
        Ok(())
    }

    // What the Matrix client reports.

    /// A room the account is in or invited to. Answers its chat, and whether the client should
    /// join now (an invitation from someone the user already chats with).
    pub async fn matrix_room(&self, user_id: &str, room: MatrixRoom) -> Result<RoomOutcome> {
        let account = self.matrix_account_or_fail(user_id)?.address()?;
        let peer = accounts::matrix_address(&room.chat.peer)?;
        let user_id = user_id.to_owned();
        self.inner
            .worker
            .call(move |state| Box::pin(async move { ingest::room(state, &account, &user_id, &peer, room) }))
            .await
    }

    /// The chat of a room the engine was told of, if any.
    pub fn matrix_room_chat(&self, user_id: &str, room: &str) -> Result<Option<Conversation>> {
        ingest::room_conversation(&Tx::new(self.inner.store.clone()), user_id, room)
    }

    /// A room the account left or whose invitation was withdrawn.
    pub async fn matrix_room_gone(&self, user_id: &str, room: &str) -> Result<()> {
        let (user_id, room) = (user_id.to_owned(), room.to_owned());
        self.inner.worker.call(move |state| Box::pin(async move { ingest::room_gone(state, &user_id, &room) })).await
    }

    /// An event of a room's timeline.
    pub async fn matrix_event(&self, user_id: &str, room: &str, event: MatrixEvent) -> Result<()> {
        let me = self.matrix_account_or_fail(user_id)?.address()?;
        let prepared = match &event {
            MatrixEvent::Message { event: id, sender, attachment: Some(media), .. }
                if events_map::target(&Tx::new(self.inner.store.clone()), user_id, id)?.is_none() =>
            {
                let origin = accounts::matrix_address(sender).map(|a| a.network.to_string()).unwrap_or_default();
                Some(self.prepared_received(media.clone(), origin).await?)
            }
            _ => None,
        };
        let local = prepared.as_ref().and_then(|record| record.local_file.clone());
        // Waits for a send in progress to record its event, so its echo is known as the user's.
        let _order = self.inner.matrix_order.lock().await;
        let (user_id, room) = (user_id.to_owned(), room.to_owned());
        let stored = self
            .inner
            .worker
            .call(move |state| Box::pin(async move { ingest::event(state, &user_id, &me, &room, event, prepared) }))
            .await;
        if !matches!(stored, Ok(true)) {
            if let Some(local) = local {
                let _ = std::fs::remove_file(self.inner.files.join(local));
            }
        }
        stored.map(|_| ())
    }

    /// A file a Matrix client delivered, checked and cleaned as an Isthmus attachment is, and
    /// kept encrypted in the profile.
    async fn prepared_received(
        &self,
        media: crate::matrix_link::ingest::MatrixMedia,
        origin: String,
    ) -> Result<crate::media::records::AttachmentRecord> {
        let (files, max) = (self.inner.files.clone(), self.inner.max_attachment_bytes);
        tokio::task::spawn_blocking(move || {
            let source = crate::media::prepare::Source::Bytes { name: &media.file_name, bytes: &media.bytes };
            crate::media::prepare::prepare_from(source, false, &files, max, &origin)
        })
        .await
        .map_err(|_| Error::Stopped)?
    }

    /// Sends a file to a Matrix chat: prepared as for an Isthmus chat (a picture is re-encoded
    /// without its metadata), shown at once as pending, then handed to the Matrix client, which
    /// encrypts and uploads it to the user's own homeserver.
    pub(crate) async fn matrix_send_file(
        &self,
        account: MatrixAccount,
        peer: &Address,
        path: &std::path::Path,
        caption: &str,
        as_file: bool,
    ) -> Result<Message> {
        let (conversation, link) = self.matrix_writable(account.clone(), peer)?;
        let chat = conversation.matrix.clone().ok_or(Error::NoSuchConversation)?;
        let address = account.address()?;
        let record = self.prepared_attachment(&address, path, as_file).await?;
        let local = self.inner.files.join(record.local_file.clone().unwrap_or_default());
        let key = record.key.clone();
        let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>> {
            let key: [u8; 32] = key.as_slice().try_into().map_err(|_| Error::Crypto("attachment key".into()))?;
            let mut plain = Vec::new();
            let file = std::fs::File::open(&local).map_err(|e| Error::Store(crate::store::Error::Io(e)))?;
            crate::media::cipher::decrypt(&key, std::io::BufReader::new(file), &mut plain)
                .map_err(|e| Error::Crypto(e.to_string()))?;
            Ok(plain)
        })
        .await
        .map_err(|_| Error::Stopped)??;
        let file = crate::matrix_link::MatrixFile {
            file_name: record.file_name.clone(),
            content_type: record.content_type.clone(),
            bytes,
            caption: caption.to_owned(),
        };
        let id = conversation.id;
        let caption = caption.to_owned();
        let _order = self.inner.matrix_order.lock().await;
        let added = self
            .inner
            .worker
            .call(move |state| {
                Box::pin(async move {
                    let mut tx = Tx::new(state.store.clone());
                    let mut conversation = conversations::load(&tx, &id)?.ok_or(Error::NoSuchConversation)?;
                    let (message, _) = crate::media_ops::store_attachment_message(
                        &mut tx,
                        &mut conversation,
                        &address,
                        caption,
                        &record,
                    )?;
                    tx.commit()?;
                    state.durable();
                    state.emit([
                        Event::MessageAdded { message: message.clone() },
                        Event::ConversationChanged { conversation },
                    ]);
                    Ok(message)
                })
            })
            .await?;
        let sent = link.send_file(&chat, file).await;
        self.settle_matrix_send(account.user_id.clone(), added, sent).await
    }

    /// Records what the homeserver answered to a new message: its event (sent), or why not
    /// (failed).
    async fn settle_matrix_send(&self, user_id: String, added: Message, sent: Result<String>) -> Result<Message> {
        self.inner
            .worker
            .call(move |state| {
                Box::pin(async move {
                    let mut tx = Tx::new(state.store.clone());
                    let mut message = conversations::find(&tx, &added.conversation, &added.id)?.unwrap_or(added);
                    match &sent {
                        Ok(event) => {
                            let at = MessageRef { conversation: message.conversation, message: message.id };
                            events_map::link(&mut tx, &user_id, event, &EventTarget { at, reaction: None }, true)?;
                            conversations::advance_status(&mut message, MessageStatus::Sent);
                        }
                        Err(error) => {
                            message.status = MessageStatus::Failed;
                            message.failure = Some(error.to_string());
                        }
                    }
                    let mut events = Vec::new();
                    crate::message_changes::save(&mut tx, &mut events, &message)?;
                    tx.commit()?;
                    state.durable();
                    state.emit(events);
                    Ok(message)
                })
            })
            .await
    }

    /// How the account's client stands with its homeserver, told as the same `Connection` event
    /// a relay connection sends (the account is its Matrix id written as an address).
    pub fn matrix_connection(&self, user_id: &str, state: crate::events::ConnectionState, retry_in_ms: Option<u64>) {
        if let Ok(address) = accounts::matrix_address(user_id) {
            let _ = self.events().send(Event::Connection { account: address.account(), state, retry_in_ms });
        }
    }

    /// Who is typing in a room now (Matrix sends the whole list each time).
    pub fn matrix_typing(&self, user_id: &str, room: &str, typing: &[String]) -> Result<()> {
        let tx = Tx::new(self.inner.store.clone());
        let Some(conversation) = ingest::room_conversation(&tx, user_id, room)? else { return Ok(()) };
        if conversation.request {
            return Ok(());
        }
        let me = self.matrix_account_or_fail(user_id)?.address()?.account();
        let author = conversation.peer.account();
        if author == me {
            return Ok(());
        }
        let started = typing.iter().any(|id| accounts::matrix_address(id).is_ok_and(|a| a.account() == author));
        let _ = self.events().send(Event::Typing { conversation: conversation.id, author, started });
        Ok(())
    }

    // The user's actions on Matrix chats (routed here by the public methods).

    /// Opens a direct chat with a Matrix user: an encrypted room with them invited.
    pub async fn open_matrix_chat(&self, user_id: &str, peer: &str) -> Result<Conversation> {
        let account = self.matrix_account_or_fail(user_id)?;
        let address = account.address()?;
        let peer_address = accounts::matrix_address(peer)?;
        if peer_address == address {
            return Err(Error::Protocol("that is this account itself".into()));
        }
        let existing = conversations::load(
            &Tx::new(self.inner.store.clone()),
            &conversations::conversation_id(&self.inner.store, &address, &peer_address),
        )?;
        if let Some(existing) = existing.filter(Conversation::is_matrix) {
            return conversations::filled(&self.inner.store, existing);
        }
        let state = rules::send_state(&self.inner.store, Some(&account), &peer_address, &address, ChatState::None);
        if let Some(error) = rules::refusal_error(&state, MATRIX_NETWORK, &peer_address) {
            return Err(error);
        }
        let chat = self.matrix_link(&account)?.open_direct(peer).await?;
        let outcome = self.matrix_room(user_id, MatrixRoom { chat, invited: false }).await?;
        let conversation = outcome.conversation.ok_or(Error::NoSuchConversation)?;
        conversations::filled(&self.inner.store, conversation)
    }

    /// The chat, its account and client, when the user may write in it now.
    fn matrix_writable(&self, account: MatrixAccount, peer: &Address) -> Result<(Conversation, Arc<dyn MatrixLink>)> {
        let address = account.address()?;
        let id = conversations::conversation_id(&self.inner.store, &address, peer);
        let conversation = conversations::load(&Tx::new(self.inner.store.clone()), &id)?
            .filter(Conversation::is_matrix)
            .ok_or(Error::NoSuchConversation)?;
        let chat = if conversation.request { ChatState::Request } else { ChatState::Open };
        let state = rules::send_state(&self.inner.store, Some(&account), peer, &address, chat);
        if let Some(error) = rules::refusal_error(&state, MATRIX_NETWORK, peer) {
            return Err(error);
        }
        Ok((conversation, self.matrix_link(&account)?))
    }

    pub(crate) async fn matrix_send(
        &self,
        account: MatrixAccount,
        peer: &Address,
        outgoing: Outgoing,
    ) -> Result<Option<Message>> {
        let (conversation, link) = self.matrix_writable(account.clone(), peer)?;
        let chat = conversation.matrix.clone().ok_or(Error::NoSuchConversation)?;
        let id = conversation.id;
        let remote = self.matrix_outgoing(&id, &outgoing)?;
        let me = account.address()?.account();
        let _order = self.inner.matrix_order.lock().await;
        match outgoing {
            Outgoing::Text { .. } => {
                // Shown at once as pending; the homeserver's answer makes it sent, or failed.
                let added = self.compose_matrix(id, me, outgoing).await?.ok_or(Error::NoSuchMessage)?;
                let sent = link.send(&chat, remote).await;
                let updated = self.settle_matrix_send(account.user_id.clone(), added, sent).await?;
                Ok(Some(updated))
            }
            _ => {
                // A change goes to the homeserver first, so a refusal leaves nothing changed here.
                let reaction = match &outgoing {
                    Outgoing::Reaction { target, emoji, remove: false } => Some((*target, emoji.clone())),
                    _ => None,
                };
                let removed = match &outgoing {
                    Outgoing::Reaction { target, emoji, remove: true } => Some((*target, emoji.clone())),
                    _ => None,
                };
                let event = link.send(&chat, remote).await?;
                let user_id = account.user_id.clone();
                let author = me.clone();
                self.compose_matrix_change(id, me, outgoing, move |tx| {
                    if let Some((target, emoji)) = reaction {
                        let at = MessageRef { conversation: id, message: target };
                        events_map::set_own_reaction(tx, &at, &emoji, Some(&event))?;
                        // Its redaction, from this device or another, takes back exactly this.
                        let reaction = crate::model::Reaction { author, emoji };
                        events_map::link(tx, &user_id, &event, &EventTarget { at, reaction: Some(reaction) }, false)?;
                    } else if let Some((target, emoji)) = removed {
                        events_map::set_own_reaction(
                            tx,
                            &MessageRef { conversation: id, message: target },
                            &emoji,
                            None,
                        )?;
                    }
                    Ok(())
                })
                .await?;
                Ok(None)
            }
        }
    }

    /// The user's `outgoing` in Matrix's terms: the events it is about.
    fn matrix_outgoing(&self, conversation: &ConversationId, outgoing: &Outgoing) -> Result<MatrixOutgoing> {
        let tx = Tx::new(self.inner.store.clone());
        let event_of = |message: &MessageId| -> Result<String> {
            events_map::event(&tx, &MessageRef { conversation: *conversation, message: *message })?
                .ok_or(Error::NoSuchMessage)
        };
        Ok(match outgoing {
            Outgoing::Text { body, quote } => {
                MatrixOutgoing::Text { body: body.clone(), reply_to: quote.as_ref().map(&event_of).transpose()? }
            }
            Outgoing::Reaction { target, emoji, remove: false } => {
                MatrixOutgoing::Reaction { target: event_of(target)?, emoji: emoji.clone() }
            }
            Outgoing::Reaction { target, emoji, remove: true } => MatrixOutgoing::Unreact {
                reaction: events_map::own_reaction(
                    &tx,
                    &MessageRef { conversation: *conversation, message: *target },
                    emoji,
                )?
                .ok_or(Error::NoSuchMessage)?,
            },
            Outgoing::Edit { target, body } => MatrixOutgoing::Edit { target: event_of(target)?, body: body.clone() },
            Outgoing::Delete { target } => MatrixOutgoing::Delete { target: event_of(target)? },
        })
    }

    async fn compose_matrix(&self, id: ConversationId, me: String, outgoing: Outgoing) -> Result<Option<Message>> {
        self.compose_matrix_change(id, me, outgoing, |_| Ok(())).await
    }

    /// Applies the user's `outgoing` to the chat as `send` does for Isthmus chats, with `more`
    /// written in the same transaction.
    async fn compose_matrix_change(
        &self,
        id: ConversationId,
        me: String,
        outgoing: Outgoing,
        more: impl FnOnce(&mut Tx) -> Result<()> + Send + 'static,
    ) -> Result<Option<Message>> {
        self.inner
            .worker
            .call(move |state| {
                Box::pin(async move {
                    let mut tx = Tx::new(state.store.clone());
                    let mut conversation = conversations::load(&tx, &id)?.ok_or(Error::NoSuchConversation)?;
                    let composed = crate::send::compose(&mut tx, &mut conversation, &me, outgoing)?;
                    more(&mut tx)?;
                    tx.commit()?;
                    state.durable();
                    state.emit(composed.events);
                    Ok(composed.added)
                })
            })
            .await
    }

    pub(crate) async fn matrix_send_typing(&self, account: MatrixAccount, peer: &Address, started: bool) -> Result<()> {
        let Ok((conversation, link)) = self.matrix_writable(account, peer) else {
            // Not allowed to write here: no typing either (as for Isthmus chats).
            return Ok(());
        };
        match &conversation.matrix {
            Some(chat) => link.typing(chat, started).await,
            None => Ok(()),
        }
    }

    /// After `read_marks` marked the chat read: a read receipt for the newest incoming event,
    /// unless the chat is a request or the user turned read receipts off.
    pub(crate) async fn matrix_read_receipt(&self, conversation: &Conversation) -> Result<()> {
        let (Some(chat), false) = (&conversation.matrix, conversation.request) else { return Ok(()) };
        if !self.privacy()?.read_receipts {
            return Ok(());
        }
        let Some(account) = self.matrix_by_address(&conversation.account)? else { return Ok(()) };
        if !account.enabled {
            return Ok(());
        }
        let page = conversations::messages(&self.inner.store, &conversation.id, None, 50)?;
        let newest = page.items.iter().find(|m| m.direction == crate::model::Direction::Incoming);
        let Some(newest) = newest else { return Ok(()) };
        let tx = Tx::new(self.inner.store.clone());
        let Some(event) = events_map::event(&tx, &MessageRef { conversation: conversation.id, message: newest.id })?
        else {
            return Ok(());
        };
        self.matrix_link(&account)?.read_up_to(chat, &event).await
    }

    /// Accepting a Matrix request joins its room; deleting it declines the invitation.
    pub(crate) async fn matrix_decide_request(&self, conversation: &Conversation, accept: bool) -> Result<()> {
        let chat = conversation.matrix.as_ref().ok_or(Error::NoSuchConversation)?;
        let account = self
            .matrix_by_address(&conversation.account)?
            .ok_or_else(|| Error::NoSuchAccount(conversation.account.to_string()))?;
        if !account.enabled {
            return Err(Error::InteropOff(MATRIX_NETWORK.into()));
        }
        let link = self.matrix_link(&account)?;
        if accept {
            link.accept(chat).await
        } else {
            link.leave(chat).await
        }
    }

    /// Blocking a Matrix user puts them on the account's ignore list (and declines their
    /// request); unblocking takes them off.
    pub(crate) async fn matrix_set_blocked(
        &self,
        account: &MatrixAccount,
        peer: &Address,
        blocked: bool,
    ) -> Result<()> {
        let link = self.matrix_link(account)?;
        let id = conversations::conversation_id(&self.inner.store, &account.address()?, peer);
        let conversation = conversations::load(&Tx::new(self.inner.store.clone()), &id)?;
        let user = conversation.as_ref().and_then(|c| c.matrix.as_ref()).map(|c| c.peer.clone());
        let user = user.unwrap_or_else(|| format!("@{}:{}", peer.name, peer.network));
        link.set_ignored(&user, blocked).await?;
        if let Some(chat) = conversation.filter(|c| c.request && blocked).and_then(|c| c.matrix) {
            link.leave(&chat).await?;
        }
        Ok(())
    }

    /// Reports a Matrix chat's messages to the user's homeserver.
    pub(crate) async fn matrix_report(
        &self,
        conversation: &Conversation,
        message_ids: &[MessageId],
        reason: ReportReason,
    ) -> Result<()> {
        let chat = conversation.matrix.as_ref().ok_or(Error::NoSuchConversation)?;
        let account = self
            .matrix_by_address(&conversation.account)?
            .ok_or_else(|| Error::NoSuchAccount(conversation.account.to_string()))?;
        let tx = Tx::new(self.inner.store.clone());
        let mut events = Vec::new();
        for id in message_ids {
            if let Some(event) = events_map::event(&tx, &MessageRef { conversation: conversation.id, message: *id })? {
                events.push(event);
            }
        }
        self.matrix_link(&account)?.report(chat, &events, reason.as_str()).await
    }
}
