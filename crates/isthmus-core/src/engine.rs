//! `Engine`: the client engine's public face. A front end (CLI, desktop shell, tests) opens a
//! profile, starts the engine, calls its methods and subscribes to its events.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use isthmus_proto::{Address, NetworkName, UserName};
use libsignal_protocol::IdentityKey;
use tokio::sync::{broadcast, Notify};
use tokio::task::JoinHandle;

use crate::account::{self, AccountInfo, AccountRecord};
use crate::connection::{self, ConnectionContext, ConnectionHandle};
use crate::conversations;
use crate::events::Event;
use crate::ids::ConversationId;
use crate::keys;
use crate::model::{Conversation, Message, Page};
use crate::relay_client::{Credentials, RelayClient, RelayTrust};
use crate::safety::{self, SafetyNumber};
use crate::send::Outgoing;
use crate::sender::{self, SenderContext};
use crate::store::{Profile, SealedStore, Tree};
use crate::time::now_ms;
use crate::worker::Worker;
use crate::{Error, Result};

/// How many events a slow subscriber may fall behind before it misses some (it can re-query).
const EVENT_BUFFER: usize = 4096;

#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    _profile: Profile,
    /// Where encrypted attachment files live: `attachments/` in the profile folder, or a
    /// temporary folder for in-memory profiles.
    pub(crate) files: std::path::PathBuf,
    _scratch: Option<tempfile::TempDir>,
    pub(crate) max_attachment_bytes: u64,
    pub(crate) store: Arc<SealedStore>,
    pub(crate) worker: Worker,
    events: broadcast::Sender<Event>,
    online: Mutex<HashMap<Address, Online>>,
    /// One HTTP client per account, so connections (and their TLS sessions) are reused.
    relays: Mutex<HashMap<Address, RelayClient>>,
    /// Held while the search index is rebuilt, so two rebuilds never interleave.
    pub(crate) search_rebuild: tokio::sync::Mutex<()>,
    /// The running Matrix clients, by Matrix id (`engine_matrix`).
    pub(crate) matrix: Mutex<HashMap<String, Arc<dyn crate::matrix_link::MatrixLink>>>,
    /// Held by a Matrix send until its event is recorded, and by the ingestion of a Matrix
    /// event while it checks whether it knows it: the echo of the user's own send is then
    /// always recognised as theirs.
    pub(crate) matrix_order: tokio::sync::Mutex<()>,
}

impl Inner {
    pub(crate) fn profile_dir(&self) -> Option<&std::path::Path> {
        self._profile.dir()
    }
}

/// The tasks that keep one account online; they stop when this is dropped.
struct Online {
    connection: ConnectionHandle,
    outbox_wake: Arc<Notify>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Online {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// A chat's page with the events that follow it (`Engine::timeline`).
pub struct Timeline {
    pub page: Page<Message>,
    /// Every engine event from before the page was read; those of other chats too.
    pub changes: broadcast::Receiver<Event>,
}

impl Engine {
    /// Opens the engine on an unlocked profile. Nothing goes online until `start`.
    pub fn open(profile: Profile) -> Result<Self> {
        let store = profile.store();
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        let (files, scratch) = match profile.dir() {
            Some(dir) => (dir.join("attachments"), None),
            None => {
                let scratch = tempfile::Builder::new()
                    .prefix("isthmus-attachments-")
                    .tempdir()
                    .map_err(crate::store::Error::Io)?;
                (scratch.path().to_path_buf(), Some(scratch))
            }
        };
        std::fs::create_dir_all(&files).map_err(crate::store::Error::Io)?;
        let worker = Worker::spawn(store.clone(), events.clone())?;
        // A profile without a chat has a complete index: nothing to rebuild on its first start,
        // where the rebuild's clearing would race the first searches.
        if !crate::search::is_current(&store)? && store.raw().scan_prefix(Tree::Conversations, &[])?.is_empty() {
            crate::search::mark_current(&store)?;
        }
        Ok(Self {
            inner: Arc::new(Inner {
                _profile: profile,
                files,
                _scratch: scratch,
                max_attachment_bytes: crate::media::DEFAULT_MAX_ATTACHMENT_BYTES,
                store,
                worker,
                events,
                online: Mutex::new(HashMap::new()),
                relays: Mutex::new(HashMap::new()),
                search_rebuild: tokio::sync::Mutex::new(()),
                matrix: Mutex::new(HashMap::new()),
                matrix_order: tokio::sync::Mutex::new(()),
            }),
        })
    }

    pub(crate) fn events(&self) -> &broadcast::Sender<Event> {
        &self.inner.events
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.events.subscribe()
    }

    pub fn store(&self) -> &Arc<SealedStore> {
        &self.inner.store
    }

    /// Registers a new account `name` on the relay at `relay_url` and adds it to the profile.
    /// `trust` says how the relay's certificate is checked. Nothing is stored unless the relay
    /// answered, over a connection that passed those checks, and accepted the registration.
    pub async fn add_account(&self, relay_url: &str, name: &str, trust: RelayTrust) -> Result<AccountInfo> {
        self.add_invited_account(relay_url, name, trust, None).await
    }

    /// Like `add_account`, with an invitation token for a network whose registration policy
    /// is `invite` (its operator issues them).
    pub async fn add_invited_account(
        &self,
        relay_url: &str,
        name: &str,
        trust: RelayTrust,
        invite: Option<&str>,
    ) -> Result<AccountInfo> {
        let relay = RelayClient::new(relay_url, &trust)?;
        let health = relay.health().await?;
        let network = health
            .get("network")
            .and_then(|n| n.as_str())
            .ok_or_else(|| Error::Protocol("the relay did not say which network it is".into()))?;
        let address = Address::new(UserName::parse(name)?, NetworkName::parse(network)?);
        let prepare_for = address.clone();
        let (tx, local, request) = self
            .inner
            .worker
            .call(move |state| Box::pin(async move { crate::account_setup::prepare(state, &prepare_for) }))
            .await?;
        let request = isthmus_proto::api::RegisterRequest { invite: invite.map(str::to_owned), ..request };
        // Registration answers forbidden only when the network's policy turns the request away.
        let registered = relay.register(&request).await.map_err(|error| match error {
            Error::Relay { code: Some(isthmus_proto::api::ErrorCode::Forbidden), .. } => Error::InvitationRequired,
            other => other,
        })?;
        let record = AccountRecord {
            address: address.clone(),
            relay_url: relay.base_url().to_owned(),
            secret: registered.secret,
            registration_id: local.registration_id,
            created_at: now_ms(),
            interop: Vec::new(),
            next_prekey_id: keys::FIRST_ONE_TIME_ID + keys::PREKEY_BATCH,
            next_kyber_prekey_id: keys::FIRST_ONE_TIME_ID + keys::PREKEY_BATCH,
            trust,
        };
        let info = AccountInfo::from(&record);
        self.inner
            .worker
            .call(move |state| Box::pin(async move { crate::account_setup::finish(state, tx, &local, &record) }))
            .await?;
        Ok(info)
    }

    pub fn accounts(&self) -> Result<Vec<AccountInfo>> {
        Ok(account::load_all(&self.inner.store)?.iter().map(AccountInfo::from).collect())
    }

    pub(crate) fn account(&self, address: &Address) -> Result<AccountRecord> {
        account::load(&self.inner.store, address)?.ok_or_else(|| Error::NoSuchAccount(address.to_string()))
    }

    /// The HTTP client for the account's relay, made once and reused.
    pub(crate) fn relay(&self, record: &AccountRecord) -> Result<RelayClient> {
        let mut relays = self.inner.relays.lock().map_err(|_| Error::Stopped)?;
        if let Some(client) = relays.get(&record.address).filter(|client| client.base_url() == record.relay_url) {
            return Ok(client.clone());
        }
        let client = RelayClient::new(&record.relay_url, &record.trust)?;
        relays.insert(record.address.clone(), client.clone());
        Ok(client)
    }

    pub(crate) fn credentials(record: &AccountRecord) -> Credentials {
        Credentials { address: record.address.clone(), secret: record.secret.clone() }
    }

    /// Brings every account of the profile online.
    pub fn start(&self) -> Result<()> {
        for record in account::load_all(&self.inner.store)? {
            self.go_online(record)?;
        }
        self.forget_old_envelope_ids();
        self.keep_search_index_current();
        self.bring_search_index_up_to_date();
        Ok(())
    }

    /// Once per start, off the caller's path: received-envelope ids past their retention are
    /// forgotten (`seen`), so the duplicate check does not grow with every message ever received.
    fn forget_old_envelope_ids(&self) {
        let worker = self.inner.worker.clone();
        tokio::spawn(async move {
            let cutoff = crate::time::now_ms().saturating_sub(crate::seen::RETENTION_MS);
            let (mut pruned, mut after) = (0, None);
            loop {
                let page = worker
                    .call(move |state| Box::pin(async move { crate::seen::prune_page(state, cutoff, after) }))
                    .await;
                let (removed, next) = match page {
                    Ok(page) => page,
                    Err(error) => {
                        tracing::warn!(code = ?error.code(), "could not forget old envelope ids");
                        return;
                    }
                };
                pruned += removed;
                let Some(key) = next else { break };
                after = Some(key);
            }
            tracing::debug!(pruned, "old envelope ids forgotten");
        });
    }

    /// Brings one account online: its connection, its sender, and prekey top-ups.
    pub fn connect(&self, address: &Address) -> Result<()> {
        let record = self.account(address)?;
        self.go_online(record)
    }

    fn go_online(&self, record: AccountRecord) -> Result<()> {
        let mut online = self.inner.online.lock().map_err(|_| Error::Stopped)?;
        if online.contains_key(&record.address) {
            return Ok(());
        }
        let relay = self.relay(&record)?;
        let credentials = Self::credentials(&record);
        let outbox_wake = Arc::new(Notify::new());
        let drained = Arc::new(Notify::new());
        let (connection, connection_task) = connection::spawn(ConnectionContext {
            account: record.address.clone(),
            relay: relay.clone(),
            credentials: credentials.clone(),
            worker: self.inner.worker.clone(),
            events: self.inner.events.clone(),
            outbox_wake: outbox_wake.clone(),
            drained: drained.clone(),
        });
        let sender_task = tokio::spawn(sender::run(SenderContext {
            files: self.inner.files.clone(),
            events: self.inner.events.clone(),
            account: record.address.clone(),
            store: self.inner.store.clone(),
            relay: relay.clone(),
            credentials: credentials.clone(),
            worker: self.inner.worker.clone(),
            connection: connection.clone(),
            wake: outbox_wake.clone(),
        }));
        let backlog_task = tokio::spawn(after_each_backlog(
            record.address.clone(),
            relay,
            credentials,
            self.inner.worker.clone(),
            drained,
        ));
        online.insert(
            record.address,
            Online { connection, outbox_wake, tasks: vec![connection_task, sender_task, backlog_task] },
        );
        Ok(())
    }

    /// Takes every account offline (the outbox keeps what was not sent).
    pub fn stop(&self) {
        if let Ok(mut online) = self.inner.online.lock() {
            online.clear();
        }
    }

    /// Takes every account offline and stops the crypto worker, waiting until the tasks and
    /// the worker have let go of the store, so the profile can be unlocked again (app lock).
    pub async fn shutdown(self) -> Result<()> {
        let online: Vec<Online> = match self.inner.online.lock() {
            Ok(mut online) => online.drain().map(|(_, account)| account).collect(),
            Err(_) => Vec::new(),
        };
        for mut account in online {
            for task in std::mem::take(&mut account.tasks) {
                task.abort();
                let _ = task.await;
            }
        }
        let matrix: Vec<_> = match self.inner.matrix.lock() {
            Ok(mut links) => links.drain().map(|(_, link)| link).collect(),
            Err(_) => Vec::new(),
        };
        for link in matrix {
            link.stop().await;
        }
        self.inner.store.flush()?;
        self.inner.worker.stop().await;
        Ok(())
    }

    pub(crate) fn wake_sender(&self, address: &Address) {
        if let Ok(online) = self.inner.online.lock() {
            if let Some(account) = online.get(address) {
                account.outbox_wake.notify_one();
            }
        }
    }

    /// Sends text, a reply, a reaction, an edit or a delete to `peer` from `account`.
    /// Returns the new message for text; the change is already stored as pending.
    pub async fn send(&self, account: &Address, peer: &Address, outgoing: Outgoing) -> Result<Option<Message>> {
        if let Some(matrix) = self.matrix_by_address(account)? {
            return self.matrix_send(matrix, peer, outgoing).await;
        }
        self.prepare_send(account, peer).await?;
        let (from, to) = (account.clone(), peer.clone());
        let message = self
            .inner
            .worker
            .call(move |state| Box::pin(async move { crate::send::queue(state, &from, &to, outgoing).await }))
            .await?;
        self.wake_sender(account);
        Ok(message)
    }

    pub async fn send_text(&self, account: &Address, peer: &Address, body: impl Into<String>) -> Result<Message> {
        self.send(account, peer, Outgoing::Text { body: body.into(), quote: None })
            .await?
            .ok_or_else(|| Error::Protocol("text produced no message".into()))
    }

    /// Checks that the user may write to `peer` now; when this starts a new chat, tells the own
    /// relay that `peer` is a contact, so their answers are no request there.
    pub(crate) async fn prepare_send(&self, account: &Address, peer: &Address) -> Result<AccountRecord> {
        let record = self.account(account)?;
        if self.check_may_send(&record, peer)? {
            let relay = self.relay(&record)?;
            if let Err(error) = relay.add_contact(&Self::credentials(&record), peer).await {
                tracing::info!(code = ?error.code(), "could not record the contact at the relay");
            }
        }
        Ok(record)
    }

    /// Whether the user may write to `peer` now; `Ok(true)` when this starts a new chat.
    ///
    /// Another network can be written to only while the account allows it (the same consent
    /// that lets that network reach the user; without it the chat is read-only), and a first
    /// message there needs the user's confirmation. Blocked people, pending requests and
    /// unacknowledged key changes stop sending too.
    fn check_may_send(&self, record: &AccountRecord, peer: &Address) -> Result<bool> {
        use crate::may_send::{refusal, ChatState, SendState};
        let tx = crate::tx::Tx::new(self.inner.store.clone());
        let contact = crate::consent::contacts::load(&tx, &record.address, peer)?;
        let existing =
            conversations::load(&tx, &conversations::conversation_id(&self.inner.store, &record.address, peer))?;
        let chat = match &existing {
            None => ChatState::None,
            Some(conversation) if conversation.request => ChatState::Request,
            Some(_) => ChatState::Open,
        };
        let same_network = peer.network == record.address.network;
        let state =
            SendState::of(&contact, !same_network, same_network || record.interop.contains(&peer.network), chat);
        match refusal(&state) {
            None => Ok(existing.is_none()),
            Some(code) => Err(crate::may_send::refusal_error(code, peer.network.as_str(), peer)),
        }
    }

    /// Tells `peer` that the user started or stopped typing. Dropped while offline: a late
    /// typing indicator is worse than none. Nothing is sent while the user turned them off.
    pub async fn send_typing(&self, account: &Address, peer: &Address, started: bool) -> Result<()> {
        if !self.privacy()?.typing_indicators {
            return Ok(());
        }
        if let Some(matrix) = self.matrix_by_address(account)? {
            return self.matrix_send_typing(matrix, peer, started).await;
        }
        if !self.is_online(account) {
            return Ok(());
        }
        let record = self.account(account)?;
        if self.check_may_send(&record, peer)? {
            return Ok(());
        }
        let (from, to) = (account.clone(), peer.clone());
        self.inner
            .worker
            .call(move |state| Box::pin(async move { crate::send::queue_typing(state, &from, &to, started) }))
            .await?;
        self.wake_sender(account);
        Ok(())
    }

    /// Marks a conversation unread again (a reminder to come back to it): its unread count is
    /// at least one until it is read. Nothing is sent.
    pub async fn mark_unread(&self, conversation: ConversationId) -> Result<()> {
        self.inner
            .worker
            .call(move |state| Box::pin(async move { crate::read_marks::mark_unread(state, conversation) }))
            .await
    }

    /// Whether the account's connection to its relay is up now.
    pub(crate) fn is_online(&self, account: &Address) -> bool {
        self.inner
            .online
            .lock()
            .is_ok_and(|online| online.get(account).is_some_and(|online| online.connection.is_connected()))
    }

    /// Marks a conversation read and sends read receipts for what was unread.
    pub async fn mark_read(&self, conversation: ConversationId) -> Result<()> {
        let chat = conversations::load(&crate::tx::Tx::new(self.inner.store.clone()), &conversation)?
            .ok_or(Error::NoSuchConversation)?;
        self.inner
            .worker
            .call(move |state| Box::pin(async move { crate::read_marks::mark_read(state, conversation) }))
            .await?;
        if chat.is_matrix() {
            if chat.unread > 0 {
                self.matrix_read_receipt(&chat).await?;
            }
            return Ok(());
        }
        self.wake_sender(&chat.account);
        Ok(())
    }

    /// Conversations, most recent first, of one account or of all.
    pub fn conversations(&self, account: Option<&Address>) -> Result<Vec<Conversation>> {
        conversations::list(&self.inner.store, account)
    }

    pub fn conversation_id(&self, account: &Address, peer: &Address) -> ConversationId {
        conversations::conversation_id(&self.inner.store, account, peer)
    }

    pub fn conversation(&self, id: &ConversationId) -> Result<Option<Conversation>> {
        let stored = conversations::load(&crate::tx::Tx::new(self.inner.store.clone()), id)?;
        stored.map(|conversation| conversations::filled(&self.inner.store, conversation)).transpose()
    }

    /// The stored conversation with `peer`, or a new empty one (stored with its first message)
    /// when the user may start writing to them; otherwise why not, by the rules that sending
    /// follows (`check_may_send`), so a chat the user opens is one they can write in.
    pub fn start_conversation(&self, account: &Address, peer: &Address) -> Result<Conversation> {
        if account.account() == peer.account() {
            return Err(Error::Protocol("that is this account itself".into()));
        }
        let tx = crate::tx::Tx::new(self.inner.store.clone());
        let conversation = match conversations::load(&tx, &self.conversation_id(account, peer))? {
            Some(existing) => existing,
            None => {
                self.check_may_send(&self.account(account)?, peer)?;
                conversations::load_or_create(&tx, account, peer)?
            }
        };
        conversations::filled(&self.inner.store, conversation)
    }

    /// A chat's newest page and every event after it, with nothing lost in between: the
    /// subscription is taken before the page is read. An event about a message already in the
    /// page may come again; apply events by message id.
    pub fn timeline(&self, conversation: &ConversationId, limit: usize) -> Result<Timeline> {
        let changes = self.subscribe();
        let page = self.messages(conversation, None, limit)?;
        Ok(Timeline { page, changes })
    }

    /// A page of a conversation's timeline, newest first, before the `seq` cursor if given.
    pub fn messages(&self, conversation: &ConversationId, before: Option<u64>, limit: usize) -> Result<Page<Message>> {
        conversations::messages(&self.inner.store, conversation, before, limit.clamp(1, 1000))
    }

    /// The safety number between `account` and `peer`. Uses the identity key seen in the
    /// session, else asks the directory (through the own relay).
    pub async fn safety_number(&self, account: &Address, peer: &Address) -> Result<SafetyNumber> {
        let record = self.account(account)?;
        let remote_key = match self.stored_identity(account, peer)? {
            Some(key) => key,
            None => {
                let entry = self.relay(&record)?.directory(&Self::credentials(&record), peer).await?;
                IdentityKey::decode(&entry.identity_key)?
            }
        };
        let account_key = account::account_key(&self.inner.store, account);
        let local: crate::signal_store::LocalIdentity = self
            .inner
            .store
            .get(Tree::LocalIdentity, &account_key)?
            .map(|bytes| crate::tx::decode_json(&bytes))
            .transpose()?
            .ok_or_else(|| Error::NoSuchAccount(account.to_string()))?;
        let pair = libsignal_protocol::IdentityKeyPair::try_from(local.key_pair.as_slice())?;
        safety::safety_number(&account.account(), pair.identity_key(), &peer.account(), &remote_key)
    }

    fn stored_identity(&self, account: &Address, peer: &Address) -> Result<Option<IdentityKey>> {
        let account_key = account::account_key(&self.inner.store, account);
        let key = account::peer_device_key(&self.inner.store, &account_key, &peer.account(), peer.device);
        match self.inner.store.get(Tree::RemoteIdentities, &key)? {
            Some(bytes) => Ok(Some(IdentityKey::decode(&bytes)?)),
            None => Ok(None),
        }
    }
}

/// After each drained backlog, when the relay is known to answer: frees the relay's request
/// slots the client shows nowhere (`request_sync`), sends the reports it could not take before
/// (`report_retry`), and uploads a new batch of one-time prekeys when the relay runs low (when
/// bundles were most likely consumed).
async fn after_each_backlog(
    address: Address,
    relay: RelayClient,
    credentials: Credentials,
    worker: Worker,
    drained: Arc<Notify>,
) {
    loop {
        drained.notified().await;
        match crate::request_sync::reconcile(&address, &relay, &credentials, &worker).await {
            Ok(0) => {}
            Ok(freed) => tracing::info!(freed, "freed request slots the relay held for nobody shown"),
            Err(error) => tracing::info!(code = ?error.code(), "could not reconcile requests with the relay"),
        }
        match crate::report_retry::send_kept(&address, &relay, &credentials, &worker).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "sent reports the relay could not take before"),
            Err(error) => tracing::info!(code = ?error.code(), "kept reports not sent yet"),
        }
        let count = match relay.key_count(&credentials).await {
            Ok(count) => count,
            Err(error) => {
                tracing::info!(code = ?error.code(), "prekey count unavailable");
                continue;
            }
        };
        if count.prekeys >= keys::PREKEY_LOW_WATER && count.kyber_prekeys >= keys::PREKEY_LOW_WATER {
            continue;
        }
        let for_worker = address.clone();
        let upload = worker
            .call(move |state| {
                Box::pin(async move { crate::account_setup::top_up(state, &for_worker, keys::PREKEY_BATCH) })
            })
            .await;
        match upload {
            Ok(upload) => {
                if let Err(error) = relay.upload_keys(&credentials, &upload).await {
                    tracing::info!(code = ?error.code(), "prekey upload failed; will retry");
                }
            }
            Err(error) => tracing::error!(code = ?error.code(), "could not generate prekeys"),
        }
    }
}
