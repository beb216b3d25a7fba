//! Hooks for the criterion benchmarks (`benches/pipelines`), behind the `bench` feature.
//!
//! The pipelines live in crate-private modules; benchmarks are external crates. This module
//! drives those very code paths, with no relay and no worker thread: accounts are made with
//! `account_setup`, a bundle is handed over locally as the relay would hand it out, and
//! messages go through `send::queue`, the worker calls the sender makes for each outbox entry
//! (`send::seal_entry`, `send::process_bundle`, `send::complete`) and `receive::receive_batch`,
//! each followed by [`WorkerState::settle`] where the worker thread settles (after each run of
//! jobs: one flush for a run that asked for one). Nothing here reimplements a step of a
//! pipeline; it only calls them in the engine's order.

use std::sync::Arc;

use isthmus_proto::{wire, Address, Message as _};
use tokio::sync::broadcast;

use crate::account::AccountRecord;
use crate::events::Event;
use crate::send::Outgoing;
use crate::store::{KdfParams, MemoryStore, Profile};
use crate::time::now_ms;
use crate::worker::WorkerState;
use crate::{account_setup, conversations, decisions, keys, outbox, receive, send, Error, Result};
use isthmus_proto::api::{Bundle, RegisterRequest};

/// The network every benchmark account lives on: one network, so no interop consent is involved.
const NETWORK: &str = "harbor.test";

/// Where a benchmark profile keeps its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    /// A real profile (sealed sled store) in a temporary folder on disk, flushed as the engine
    /// flushes. The folder is removed on drop.
    Disk,
    /// An in-memory profile: same sealing, no disk, flush is free. For producing input cheaply,
    /// and to tell the pipeline's own work apart from durability.
    Memory,
}

/// One profile with one account on it, and the state the crypto worker would own.
struct Side {
    address: Address,
    state: WorkerState,
    /// The engine under an in-memory profile, kept to count flushes.
    memory: Option<Arc<MemoryStore>>,
    /// A front end listening for events, as the desktop app does; never read.
    _listener: broadcast::Receiver<Event>,
    /// Dropped after `state`, so the store is closed before its folder goes.
    _profile: Profile,
    _dir: Option<tempfile::TempDir>,
}

impl Side {
    fn open(storage: Storage) -> Result<Side> {
        let mut memory = None;
        let (profile, dir) = match storage {
            Storage::Disk => {
                let dir =
                    tempfile::Builder::new().prefix("isthmus-bench-").tempdir().map_err(crate::store::Error::from)?;
                // The passphrase only wraps the data key; its cost is not what is measured.
                let profile = Profile::create(&dir.path().join("profile"), "bench", KdfParams::insecure_for_tests())?;
                (profile, Some(dir))
            }
            Storage::Memory => {
                let raw = Arc::new(MemoryStore::new());
                memory = Some(raw.clone());
                (Profile::in_memory_on(raw), None)
            }
        };
        Side::on(profile, memory, dir)
    }

    /// A side on `profile`, with no account yet (`register` makes one).
    fn on(profile: Profile, memory: Option<Arc<MemoryStore>>, dir: Option<tempfile::TempDir>) -> Result<Side> {
        let (events, listener) = broadcast::channel(4096);
        let state = WorkerState::new(profile.store(), events);
        let placeholder = address("nobody")?;
        Ok(Side { address: placeholder, state, memory, _listener: listener, _profile: profile, _dir: dir })
    }

    /// Creates the account `name` on this profile, as `Engine::add_account` does once the
    /// relay accepted it, and returns the bundle the relay would hand out for it.
    fn register(&mut self, name: &str) -> Result<(Address, Bundle)> {
        let address = address(name)?;
        let (tx, local, request) = account_setup::prepare(&mut self.state, &address)?;
        let record = AccountRecord {
            address: address.clone(),
            relay_url: "http://127.0.0.1:9".into(),
            secret: "bench".into(),
            registration_id: local.registration_id,
            created_at: now_ms(),
            interop: Vec::new(),
            next_prekey_id: keys::FIRST_ONE_TIME_ID + keys::PREKEY_BATCH,
            next_kyber_prekey_id: keys::FIRST_ONE_TIME_ID + keys::PREKEY_BATCH,
            trust: crate::RelayTrust::default(),
        };
        self.state.settle()?;
        account_setup::finish(&mut self.state, tx, &local, &record)?;
        self.state.settle()?;
        let bundle = bundle_of(&address, &request)?;
        Ok((address, bundle))
    }

    /// The number of messages received from `peer` (the chat's unread count; nothing is read).
    fn received_from(&self, peer: &Address) -> Result<u32> {
        let tx = crate::tx::Tx::new(self.state.store.clone());
        let id = conversations::conversation_id(&self.state.store, &self.address, peer);
        Ok(conversations::load(&tx, &id)?.map_or(0, |c| c.unread))
    }
}

fn address(name: &str) -> Result<Address> {
    format!("{name}@{NETWORK}").parse().map_err(|_| Error::Protocol("bad benchmark address".into()))
}

/// What a relay hands out for an account: its identity, signed prekeys and one one-time prekey
/// of each kind (the first ones it uploaded).
fn bundle_of(address: &Address, request: &RegisterRequest) -> Result<Bundle> {
    let missing = || Error::Protocol("registration without one-time prekeys".into());
    Ok(Bundle {
        address: address.account(),
        device: address.device,
        registration_id: request.keys.registration_id,
        identity_key: request.keys.identity_key.clone(),
        signed_prekey: request.keys.signed_prekey.clone(),
        kyber_prekey: request.keys.kyber_prekeys.first().ok_or_else(missing)?.clone(),
        prekey: Some(request.keys.prekeys.first().ok_or_else(missing)?.clone()),
    })
}

/// Wraps an envelope as the relay pushes it: server timestamp set, in a `ServerFrame`.
pub fn as_push(envelope: &[u8]) -> Result<Vec<u8>> {
    let mut envelope = wire::Envelope::decode(envelope).map_err(|_| Error::Protocol("bad envelope".into()))?;
    envelope.server_timestamp = now_ms();
    let frame = wire::ServerFrame { frame: Some(wire::server_frame::Frame::Push(envelope)) };
    Ok(frame.encode_to_vec())
}

/// Queues `bodies` from `side` to `peer` as jobs that reach the worker together (one run, so
/// one flush).
async fn queue_all(side: &mut Side, peer: &Address, bodies: impl IntoIterator<Item = String>) -> Result<()> {
    let me = side.address.clone();
    for body in bodies {
        send::queue(&mut side.state, &me, peer, text(&body)).await?;
    }
    side.state.settle()
}

/// The sender's pass over the outbox (`sender::run` and `deliver`, minus the network): every
/// pending entry is checked for a held key change; one that was not sealed when queued is
/// sealed now, after a session is set up from `bundle` (which the sender would fetch from the
/// relay) if there is none; each is completed as the relay's "sent" answer would complete it.
/// Each worker call is its own run, as the sender awaits each. Returns the envelopes in outbox
/// order.
async fn drain_outbox(side: &mut Side, bundle: Option<&Bundle>) -> Result<Vec<Vec<u8>>> {
    let account = side.address.clone();
    let account_key = crate::account::account_key(&side.state.store, &account);
    let mut envelopes = Vec::new();
    for (key, entry) in outbox::pending(&side.state.store, &account_key)? {
        let held =
            crate::consent::contacts::load(&crate::tx::Tx::new(side.state.store.clone()), &account, &entry.peer)?
                .key_change_held;
        if held {
            return Err(Error::KeyChangeUnacknowledged(entry.peer.to_string()));
        }
        let envelope = match entry.envelope {
            Some(envelope) => envelope,
            None => match seal_entry(side, &account, &key).await? {
                Some(envelope) => envelope,
                None => {
                    let bundle = bundle.ok_or_else(|| Error::Protocol("no session and no bundle".into()))?;
                    send::process_bundle(&mut side.state, &account, &entry.peer, bundle.clone()).await?;
                    side.state.settle()?;
                    seal_entry(side, &account, &key).await?.ok_or_else(|| Error::Protocol("no session".into()))?
                }
            },
        };
        envelopes.push(envelope);
        send::complete(&mut side.state, key, None)?;
        side.state.settle()?;
    }
    Ok(envelopes)
}

async fn seal_entry(side: &mut Side, account: &Address, key: &[u8]) -> Result<Option<Vec<u8>>> {
    let sealed = send::seal_entry(&mut side.state, account, key.to_vec()).await?;
    side.state.settle()?;
    Ok(sealed)
}

/// The receive side of the connection: decode the pushed frames, run one batch through
/// `receive_batch` (one flush), and build the ack frame for what it returned. Returns how many
/// envelopes are acked.
async fn receive_pushes(side: &mut Side, pushes: Vec<Vec<u8>>) -> Result<usize> {
    let mut envelopes = Vec::with_capacity(pushes.len());
    for push in pushes {
        let frame = wire::ServerFrame::decode(push.as_slice()).map_err(|_| Error::Protocol("bad frame".into()))?;
        if let Some(wire::server_frame::Frame::Push(envelope)) = frame.frame {
            envelopes.push(envelope);
        }
    }
    let account = side.address.clone();
    let envelope_ids = receive::receive_batch(&mut side.state, &account, envelopes).await?.acks;
    side.state.settle()?;
    let acked = envelope_ids.len();
    let ack = wire::ClientFrame { frame: Some(wire::client_frame::Frame::Ack(wire::Ack { envelope_ids })) };
    std::hint::black_box(ack.encode_to_vec());
    Ok(acked)
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    // The engine's crypto worker runs its jobs on a current-thread runtime too.
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Crypto(format!("cannot start a runtime: {e}")))
}

/// Two accounts on two profiles with an established session: a first message, its request
/// accepted, an answer and the receipts have gone both ways, so what follows is the steady
/// state of a chat (whisper messages, delivery receipts queued by the receiver).
pub struct Chat {
    runtime: tokio::runtime::Runtime,
    sender: Side,
    receiver: Side,
    sent: u64,
}

impl Chat {
    pub fn new(sender: Storage, receiver: Storage) -> Result<Chat> {
        let runtime = runtime()?;
        let mut alice = Side::open(sender)?;
        let mut bob = Side::open(receiver)?;
        alice.address = alice.register("alice")?.0;
        let (bob_address, bob_bundle) = bob.register("bob")?;
        bob.address = bob_address;
        runtime.block_on(async {
            let (a, b) = (alice.address.clone(), bob.address.clone());
            queue_all(&mut alice, &b, ["hello".to_owned()]).await?;
            let first = drain_outbox(&mut alice, Some(&bob_bundle)).await?;
            relay(&mut bob, &first).await?;
            let chat = conversations::conversation_id(&bob.state.store, &b, &a);
            decisions::accept_request(&mut bob.state, chat)?;
            queue_all(&mut bob, &a, ["hi".to_owned()]).await?;
            let answer = drain_outbox(&mut bob, None).await?;
            relay(&mut alice, &answer).await?;
            let receipts = drain_outbox(&mut alice, None).await?;
            relay(&mut bob, &receipts).await?;
            Ok::<_, Error>(())
        })?;
        Ok(Chat { runtime, sender: alice, receiver: bob, sent: 1 })
    }

    /// The full send pipeline for one text message from the sender: `send::queue` (content
    /// encoded with padding, stored as pending with its outbox entry, sealed with the session
    /// in the same write, flushed), then the sender's pass (held-key check; `complete`: marked
    /// sent, left for the next flush). Returns the envelope to relay.
    pub fn send(&mut self, body: &str) -> Result<Vec<u8>> {
        let mut envelopes = self.send_together([body.to_owned()])?;
        match (envelopes.pop(), envelopes.is_empty()) {
            (Some(envelope), true) => Ok(envelope),
            _ => Err(Error::Protocol("the outbox held something other than the message".into())),
        }
    }

    /// The send pipeline for messages queued at the same time (a run of worker jobs, as when a
    /// person sends several in a row faster than a flush): each queued and sealed, one flush for
    /// all, then the sender's pass over them. Returns the envelopes in order.
    pub fn send_together(&mut self, bodies: impl IntoIterator<Item = String>) -> Result<Vec<Vec<u8>>> {
        let peer = self.receiver.address.clone();
        let bodies: Vec<String> = bodies.into_iter().collect();
        let count = bodies.len();
        let sender = &mut self.sender;
        let envelopes = self.runtime.block_on(async {
            queue_all(sender, &peer, bodies).await?;
            drain_outbox(sender, None).await
        })?;
        if envelopes.len() != count {
            return Err(Error::Protocol("the outbox held something other than the messages".into()));
        }
        self.sent += count as u64;
        Ok(envelopes)
    }

    /// Sends `count` messages through the pipeline and returns them as the relay pushes them.
    pub fn pushes(&mut self, count: usize) -> Result<Vec<Vec<u8>>> {
        let envelopes = self.send_together((0..count).map(|n| format!("message {n} of a batch")))?;
        envelopes.iter().map(|envelope| as_push(envelope)).collect()
    }

    /// The full receive pipeline for one run of pushes at the receiver, as the connection
    /// handles it: frame decode, `receive_batch` (duplicate check, decrypt, decode, apply, one
    /// atomic write per envelope, one flush per batch, a delivery receipt queued per message)
    /// and the ack frame. Returns how many envelopes are acked.
    pub fn receive(&mut self, pushes: Vec<Vec<u8>>) -> Result<usize> {
        let receiver = &mut self.receiver;
        self.runtime.block_on(receive_pushes(receiver, pushes))
    }

    /// How many flushes (fsyncs, on disk) the sender's profile was asked for so far; `None` on
    /// disk, where they are not counted.
    pub fn sender_flushes(&self) -> Option<u64> {
        self.sender.memory.as_ref().map(|raw| raw.flushes())
    }

    /// Messages the sender has sent so far, the handshake's first one included.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// Messages the receiver has stored from the sender so far.
    pub fn received(&self) -> Result<u32> {
        self.receiver.received_from(&self.sender.address)
    }

    /// The newest message body in the receiver's chat with the sender.
    pub fn last_received_body(&self) -> Result<Option<String>> {
        let store = &self.receiver.state.store;
        let id = conversations::conversation_id(store, &self.receiver.address, &self.sender.address);
        Ok(conversations::messages(store, &id, None, 1)?.items.into_iter().next().map(|m| m.body))
    }
}

fn text(body: &str) -> Outgoing {
    Outgoing::Text { body: body.to_owned(), quote: None }
}

/// Hands envelopes to `to` as its relay would, as one batch.
async fn relay(to: &mut Side, envelopes: &[Vec<u8>]) -> Result<usize> {
    let pushes = envelopes.iter().map(|e| as_push(e)).collect::<Result<Vec<_>>>()?;
    receive_pushes(to, pushes).await
}

/// First contacts: one sender writing to ever new accounts, each time with PQXDH from a bundle.
pub struct FirstContacts {
    runtime: tokio::runtime::Runtime,
    sender: Side,
    receiver: Side,
    next: u64,
}

/// An account that nobody has written to yet, with the bundle its relay would hand out.
pub struct NewPeer {
    address: Address,
    bundle: Bundle,
}

impl FirstContacts {
    pub fn new(storage: Storage) -> Result<FirstContacts> {
        let mut sender = Side::open(storage)?;
        sender.address = sender.register("alice")?.0;
        Ok(FirstContacts { runtime: runtime()?, sender, receiver: Side::open(storage)?, next: 0 })
    }

    /// Registers a new account on the receiving profile (set-up, not part of what is measured).
    pub fn new_peer(&mut self) -> Result<NewPeer> {
        self.next += 1;
        let (address, bundle) = self.receiver.register(&format!("peer{}", self.next))?;
        Ok(NewPeer { address, bundle })
    }

    /// A first message to `peer`: queued, the bundle processed (PQXDH, flushed), sealed (a
    /// prekey message) and completed; then received by the peer as a message request. Returns
    /// how many messages the peer stored from the sender (1 when it worked).
    pub fn first_message(&mut self, peer: NewPeer) -> Result<u32> {
        let me = self.sender.address.clone();
        let (sender, receiver) = (&mut self.sender, &mut self.receiver);
        self.runtime.block_on(async {
            queue_all(sender, &peer.address, ["hello, first contact".to_owned()]).await?;
            let envelopes = drain_outbox(sender, Some(&peer.bundle)).await?;
            receiver.address = peer.address.clone();
            relay(receiver, &envelopes).await
        })?;
        self.receiver.received_from(&me)
    }
}

/// Makes a real profile in `folder` (the passphrase wrapped with `kdf`: the default one, as a
/// user's, for a benchmark) holding one account and `chats` chats, each with one message the account wrote:
/// what the desktop benchmark opens to time start-up with a full inbox. The messages go
/// through `send::queue` to people nobody registered, so they stay queued; the account's relay
/// (`http://127.0.0.1:9`) never answers, so an app that opens the profile stays offline and its
/// start-up is the profile's own work: unlock, list, render.
pub fn profile_with_chats(folder: &std::path::Path, passphrase: &str, kdf: KdfParams, chats: usize) -> Result<Address> {
    let mut side = Side::on(Profile::create(folder, passphrase, kdf)?, None, None)?;
    side.address = side.register("me")?.0;
    let runtime = runtime()?;
    // In runs of 256, as jobs that reach the worker together would be (one flush each).
    for start in (0..chats).step_by(256) {
        let end = (start + 256).min(chats);
        runtime.block_on(async {
            for n in start..end {
                let peer = address(&format!("person{n}"))?;
                queue_all(&mut side, &peer, [format!("Hello person {n}")]).await?;
            }
            Ok::<_, Error>(())
        })?;
    }
    side.state.settle()?;
    Ok(side.address.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// libsignal keeps large values on the stack; the engine's worker thread has 16 MiB too.
    fn on_big_stack(test: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(16 * 1024 * 1024)
            .spawn(test)
            .expect("a test thread starts")
            .join()
            .expect("the test thread finishes without panicking");
    }

    #[test]
    fn the_helpers_really_send_and_receive_through_the_pipeline() {
        on_big_stack(|| {
            let mut chat = Chat::new(Storage::Disk, Storage::Disk).expect("two accounts with a session");
            assert_eq!(chat.received().expect("count"), 1, "the handshake's first message was stored");
            let pushes = chat.pushes(3).expect("three messages sealed");
            assert_eq!(chat.sent(), 4);
            let acked = chat.receive(pushes.clone()).expect("a batch is received");
            assert_eq!(acked, 3, "every envelope of the batch is acked");
            assert_eq!(
                chat.received().expect("count"),
                4,
                "acks alone prove nothing (undecryptable envelopes are acked too): the messages must be stored"
            );
            assert_eq!(chat.last_received_body().expect("read").as_deref(), Some("message 2 of a batch"));
            assert_eq!(chat.receive(pushes).expect("again"), 3, "a resent batch is acked again");
            assert_eq!(chat.received().expect("count"), 4, "and dropped as duplicates, so a bench cannot re-use input");

            let mut counted = Chat::new(Storage::Memory, Storage::Memory).expect("two accounts in memory");
            let before = counted.sender_flushes().expect("counted in memory");
            counted.send("one more").expect("sent");
            assert_eq!(
                counted.sender_flushes().expect("counted") - before,
                1,
                "a sent message pays one flush: queued and sealed together; marking it sent waits for the next one"
            );
            let before = counted.sender_flushes().expect("counted");
            let envelopes = counted.send_together((0..10).map(|n| format!("together {n}"))).expect("sent");
            assert_eq!(envelopes.len(), 10);
            assert_eq!(
                counted.sender_flushes().expect("counted") - before,
                1,
                "messages queued together share one flush"
            );
            let pushes = envelopes.iter().map(|e| as_push(e)).collect::<Result<Vec<_>>>().expect("pushes");
            assert_eq!(counted.receive(pushes).expect("received"), 10);
            assert_eq!(counted.last_received_body().expect("read").as_deref(), Some("together 9"));

            let folder = tempfile::tempdir().expect("a folder");
            let me = profile_with_chats(&folder.path().join("profile"), "pass", KdfParams::insecure_for_tests(), 300)
                .expect("a profile");
            let profile =
                Profile::unlock(&folder.path().join("profile"), "pass").expect("it opens with its passphrase");
            let chats = conversations::list(&profile.store(), Some(&me)).expect("listed");
            assert_eq!(chats.len(), 300, "one chat per person written to");

            let mut contacts = FirstContacts::new(Storage::Memory).expect("a sender");
            for _ in 0..2 {
                let peer = contacts.new_peer().expect("a new account");
                assert_eq!(contacts.first_message(peer).expect("PQXDH"), 1, "each new peer stores the first message");
            }
        });
    }
}
