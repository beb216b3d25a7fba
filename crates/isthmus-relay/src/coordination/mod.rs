//! What the nodes of one network must share besides the store: each account's consent lock, the
//! counters behind every limit, and the word that a device's queue grew.
//!
//! One node keeps all of it in memory ([`local`]): the SQLite relay and the in-memory one. The
//! nodes of a network on one PostgreSQL database keep it there ([`postgres`]): an advisory lock
//! per account, so that a block made through one node is honoured by a delivery on another at
//! once; counters in tables, so that N nodes do not give N times the allowance; and `NOTIFY`
//! for wake-ups, with every socket rescanning its queue when the listener had to reconnect,
//! since a notification can be lost and the queue is the truth.

pub mod local;
pub mod postgres;

use async_trait::async_trait;
use isthmus_proto::UserName;

use crate::config::{Limits, Rate};
use crate::hub::DeviceHub;
use crate::store::{DeviceKey, Result};

const HOUR_MS: u64 = 3_600_000;

/// A token bucket: requests per key, refilled over time (`Limits`' rates).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// Requests per client address (its /64 for IPv6).
    Ip,
    /// Requests and sends per authenticated account.
    Account,
    /// Registrations per client address.
    Registration,
    /// Requests per peered relay.
    Peer,
}

impl Bucket {
    pub const ALL: [Bucket; 4] = [Bucket::Ip, Bucket::Account, Bucket::Registration, Bucket::Peer];

    /// The bucket's name in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Ip => "ip",
            Bucket::Account => "account",
            Bucket::Registration => "registration",
            Bucket::Peer => "peer",
        }
    }

    pub fn rate(self, limits: &Limits) -> Rate {
        match self {
            Bucket::Ip => limits.ip_rate,
            Bucket::Account => limits.account_rate,
            Bucket::Registration => limits.registration_rate,
            Bucket::Peer => limits.peer_rate,
        }
    }
}

/// Events counted per key over the last hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Window {
    /// First contacts per sender address (`name@network`).
    FirstContacts,
    /// Envelopes queued per recipient and sender while the sender's request is pending.
    PendingEnvelopes,
    /// Distinct missing accounts each account looked up (see `consent::lookups`).
    MissingLookups,
    /// Which (asker, missing name) pairs were counted: a repeat is not a new name.
    MissingSeen,
    /// Reports per account.
    Reports,
}

impl Window {
    pub const ALL: [Window; 5] =
        [Window::FirstContacts, Window::PendingEnvelopes, Window::MissingLookups, Window::MissingSeen, Window::Reports];

    /// The window's name in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Window::FirstContacts => "first_contacts",
            Window::PendingEnvelopes => "pending_envelopes",
            Window::MissingLookups => "missing_lookups",
            Window::MissingSeen => "missing_seen",
            Window::Reports => "reports",
        }
    }

    /// How many events a key may have in the window.
    pub fn max(self, limits: &Limits) -> u32 {
        match self {
            Window::FirstContacts => limits.first_contacts_per_sender_per_hour,
            Window::PendingEnvelopes => limits.envelopes_per_pending_request_per_hour,
            Window::MissingLookups => limits.missing_lookups_per_hour,
            Window::MissingSeen => 1,
            Window::Reports => limits.reports_per_account_per_hour,
        }
    }

    pub fn length_ms(self) -> u64 {
        HOUR_MS
    }
}

/// Held while an account's consent is decided and what it allows is written (see `consent.rs`);
/// dropping it lets the next writer in, on this node and on every other.
pub struct AccountGuard {
    _held: Box<dyn Send + Sync>,
}

impl AccountGuard {
    pub(crate) fn new(held: impl Send + Sync + 'static) -> Self {
        Self { _held: Box::new(held) }
    }
}

/// `Err(seconds)`: refused, and when to try again.
pub type Allowance = std::result::Result<(), u64>;

#[async_trait]
pub trait Coordination: Send + Sync + 'static {
    /// Waits for `account`'s consent lock, on every node of the network.
    async fn lock_account(&self, account: &UserName) -> Result<AccountGuard>;

    /// Takes one token from `key`'s bucket.
    async fn take_token(&self, bucket: Bucket, key: &str) -> Result<Allowance>;

    /// Whether `key` may have one more event in `window`. Takes nothing: call
    /// [`Coordination::record`] once the event happened.
    async fn check(&self, window: Window, key: &str) -> Result<Allowance>;

    /// Counts one event of `key` in `window`.
    async fn record(&self, window: Window, key: &str) -> Result<()>;

    /// Whether this node is the network's only one. Then every envelope for a device is queued
    /// through this node, in the order of the device's consent lock, and a socket that has pushed
    /// its queue may take later envelopes as they are queued instead of reading them back.
    fn single_node(&self) -> bool;

    /// Tells every other node that `device`'s queue grew (this node's hub is woken directly).
    async fn announce(&self, device: &DeviceKey) -> Result<()>;

    /// Wakes this node's sockets for what other nodes announce, until the relay stops; a no-op
    /// for one node. Runs as a task of its own.
    async fn listen(&self, hub: &DeviceHub, shutdown: tokio::sync::watch::Receiver<bool>);

    /// Forgets counters no limit looks at any more.
    async fn prune(&self, now_ms: u64) -> Result<()>;
}
