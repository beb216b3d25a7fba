//! Coordination for the nodes of a network on one PostgreSQL database.
//!
//! - The consent lock is a transaction-level advisory lock on a connection of a small pool of
//!   its own, taken after this node's in-memory stripe (so a node's deliveries queue in memory,
//!   not in the database) and released when the guard drops. A pool of its own: holders wait
//!   on the store's pool for their writes, and waiters must never take all of it.
//! - Token buckets are one upsert each that refills, takes and refuses in one statement; window
//!   events are rows, counted over the last window. Two nodes that check one key at the same
//!   instant may both pass before either records: a limit can be overrun by the number of
//!   nodes at most, once, never multiplied by it.
//! - A device whose queue grew is announced with `NOTIFY`; every node listens and wakes its
//!   socket for the device. Notifications sent while a node's listener was disconnected are
//!   lost, so after every reconnect all of its sockets look at their queues again.

use std::time::Duration;

use async_trait::async_trait;
use isthmus_proto::UserName;
use sqlx::postgres::{PgListener, PgPool, PgPoolOptions};
use sqlx::{Postgres, Row as _, Transaction};

use super::local::AccountLocks;
use super::{AccountGuard, Allowance, Bucket, Coordination, Window};
use crate::config::Limits;
use crate::hub::DeviceHub;
use crate::store::{DeviceKey, Result, StoreError};

/// The channel that carries wake-ups, followed by the schema's name: channels are per database,
/// and networks (or tests) in schemas of their own must not wake each other's sockets.
const CHANNEL: &str = "isthmus_queue";
/// Connections that hold consent locks (each held for one delivery or decision).
const LOCK_CONNECTIONS: u32 = 8;
/// Connections for counters and announcements.
const COUNTER_CONNECTIONS: u32 = 4;
/// How long a listener that lost its connection waits before it tries again.
const RECONNECT_AFTER: Duration = Duration::from_millis(500);

pub struct PgCoordination {
    url: String,
    channel: String,
    /// Tells this node's own announcements apart from the others'.
    node: String,
    limits: Limits,
    local: AccountLocks,
    locks: PgPool,
    counters: PgPool,
}

/// A held consent lock: this node's stripe and the database's advisory lock.
struct Held {
    _stripe: tokio::sync::OwnedMutexGuard<()>,
    lock: Option<Transaction<'static, Postgres>>,
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(lock) = self.lock.take() {
            // Ending the transaction releases the lock. Should the task never run, dropping the
            // transaction rolls it back the next time its connection is used.
            tokio::spawn(async move {
                if let Err(error) = lock.commit().await {
                    tracing::warn!(%error, "releasing a consent lock failed; its connection will roll back");
                }
            });
        }
    }
}

fn backend(error: sqlx::Error) -> StoreError {
    StoreError::Backend(error.to_string())
}

/// `name:device`: what an announcement carries after the node's tag.
fn device_text(device: &DeviceKey) -> String {
    format!("{}:{}", device.name, device.device)
}

fn parse_device(text: &str) -> Option<DeviceKey> {
    let (name, device) = text.rsplit_once(':')?;
    Some(DeviceKey::new(UserName::parse(name).ok()?, device.parse().ok()?))
}

fn seconds_until(ms: f64) -> u64 {
    // Positive and bounded by an hour: the cast cannot truncate.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let seconds = (ms / 1000.0).ceil().max(1.0) as u64;
    seconds
}

impl PgCoordination {
    /// Connects to the network's database (whose schema the store has brought up to date).
    pub async fn connect(url: &str, limits: &Limits) -> Result<Self> {
        let options: sqlx::postgres::PgConnectOptions = url.parse().map_err(backend)?;
        let options = sqlx::ConnectOptions::disable_statement_logging(options);
        let locks = PgPoolOptions::new().max_connections(LOCK_CONNECTIONS).connect_lazy_with(options.clone());
        // Counters are not worth an fsync each: a crash that loses the last moment's updates
        // gives that moment's allowance again, as a restart of one node in memory would. The
        // queue's writes stay durable at commit (the store's own pool).
        let counters = PgPoolOptions::new()
            .max_connections(COUNTER_CONNECTIONS)
            .after_connect(|conn, _| {
                Box::pin(async move { sqlx::Executor::execute(conn, "SET synchronous_commit = off").await.map(drop) })
            })
            .connect_with(options)
            .await
            .map_err(backend)?;
        let schema: String =
            sqlx::query_scalar("SELECT current_schema()").fetch_one(&counters).await.map_err(backend)?;
        Ok(Self {
            url: url.to_owned(),
            channel: format!("{CHANNEL}:{schema}"),
            node: format!("{:016x}", rand::random::<u64>()),
            limits: limits.clone(),
            local: AccountLocks::default(),
            locks,
            counters,
        })
    }

    fn now_ms() -> i64 {
        i64::try_from(crate::clock::now_ms()).unwrap_or(i64::MAX)
    }

    /// Listens until the connection is lost (`Ok`) or cannot be made (`Err`).
    async fn listen_once(&self, hub: &DeviceHub, shutdown: &mut tokio::sync::watch::Receiver<bool>) -> Result<()> {
        let mut listener = PgListener::connect(&self.url).await.map_err(backend)?;
        listener.listen(&self.channel).await.map_err(backend)?;
        // What was announced before this listener existed is in the queues: look again.
        hub.wake_all();
        loop {
            tokio::select! {
                _ = shutdown.changed() => return Ok(()),
                received = listener.try_recv() => match received.map_err(backend)? {
                    Some(notification) => {
                        let Some((node, device)) = notification.payload().split_once('|') else { continue };
                        if node == self.node {
                            continue;
                        }
                        if let Some(device) = parse_device(device) {
                            hub.wake(&device);
                        }
                    }
                    None => return Ok(()),
                },
            }
        }
    }
}

#[async_trait]
impl Coordination for PgCoordination {
    async fn lock_account(&self, account: &UserName) -> Result<AccountGuard> {
        let stripe = self.local.lock(account).await;
        let mut lock = self.locks.begin().await.map_err(backend)?;
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('isthmus-consent:' || $1, 0))")
            .bind(account.as_str())
            .execute(&mut *lock)
            .await
            .map_err(backend)?;
        Ok(AccountGuard::new(Held { _stripe: stripe, lock: Some(lock) }))
    }

    async fn take_token(&self, bucket: Bucket, key: &str) -> Result<Allowance> {
        let rate = bucket.rate(&self.limits);
        let capacity = f64::from(rate.burst.max(1));
        let per_ms = f64::from(rate.per_minute) / 60_000.0;
        let now = Self::now_ms();
        let taken = sqlx::query(
            "INSERT INTO rate_buckets AS b (kind, key, tokens, updated_ms) VALUES ($1, $2, $3 - 1, $4) \
             ON CONFLICT (kind, key) DO UPDATE SET \
               tokens = LEAST($3, b.tokens + GREATEST($4 - b.updated_ms, 0) * $5) - 1, updated_ms = $4 \
             WHERE LEAST($3, b.tokens + GREATEST($4 - b.updated_ms, 0) * $5) >= 1 \
             RETURNING tokens",
        )
        .bind(bucket.as_str())
        .bind(key)
        .bind(capacity)
        .bind(now)
        .bind(per_ms)
        .fetch_optional(&self.counters)
        .await
        .map_err(backend)?;
        if taken.is_some() {
            return Ok(Ok(()));
        }
        if per_ms <= 0.0 {
            return Ok(Err(3600));
        }
        let row = sqlx::query("SELECT tokens, updated_ms FROM rate_buckets WHERE kind = $1 AND key = $2")
            .bind(bucket.as_str())
            .bind(key)
            .fetch_optional(&self.counters)
            .await
            .map_err(backend)?;
        let tokens = match row {
            Some(row) => {
                let tokens: f64 = row.try_get(0).map_err(backend)?;
                let updated: i64 = row.try_get(1).map_err(backend)?;
                #[allow(clippy::cast_precision_loss)]
                let elapsed = (now - updated).max(0) as f64;
                (tokens + elapsed * per_ms).min(capacity)
            }
            None => 0.0,
        };
        Ok(Err(seconds_until((1.0 - tokens).max(0.0) / per_ms)))
    }

    async fn check(&self, window: Window, key: &str) -> Result<Allowance> {
        let max = i64::from(window.max(&self.limits));
        let length = i64::try_from(window.length_ms()).unwrap_or(i64::MAX);
        let now = Self::now_ms();
        let row =
            sqlx::query("SELECT COUNT(*), MIN(at_ms) FROM limit_events WHERE kind = $1 AND key = $2 AND at_ms > $3")
                .bind(window.as_str())
                .bind(key)
                .bind(now - length)
                .fetch_one(&self.counters)
                .await
                .map_err(backend)?;
        let count: i64 = row.try_get(0).map_err(backend)?;
        if count < max {
            return Ok(Ok(()));
        }
        let oldest: Option<i64> = row.try_get(1).map_err(backend)?;
        #[allow(clippy::cast_precision_loss)]
        let left = (oldest.unwrap_or(now) + length - now).max(0) as f64;
        Ok(Err(seconds_until(left)))
    }

    async fn record(&self, window: Window, key: &str) -> Result<()> {
        sqlx::query("INSERT INTO limit_events (kind, key, at_ms) VALUES ($1, $2, $3)")
            .bind(window.as_str())
            .bind(key)
            .bind(Self::now_ms())
            .execute(&self.counters)
            .await
            .map_err(backend)?;
        Ok(())
    }

    fn single_node(&self) -> bool {
        // Another node may queue for the same device between two of this node's envelopes.
        false
    }

    async fn announce(&self, device: &DeviceKey) -> Result<()> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(&self.channel)
            .bind(format!("{}|{}", self.node, device_text(device)))
            .execute(&self.counters)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn listen(&self, hub: &DeviceHub, mut shutdown: tokio::sync::watch::Receiver<bool>) {
        while !*shutdown.borrow() {
            if let Err(error) = self.listen_once(hub, &mut shutdown).await {
                tracing::warn!(%error, "listening for other nodes' deliveries failed; trying again");
            }
            tokio::select! {
                _ = shutdown.changed() => return,
                () = tokio::time::sleep(RECONNECT_AFTER) => {}
            }
        }
    }

    async fn prune(&self, now_ms: u64) -> Result<()> {
        let now = i64::try_from(now_ms).unwrap_or(i64::MAX);
        let longest = Window::ALL.iter().map(|window| window.length_ms()).max().unwrap_or(0);
        let before = now - i64::try_from(longest).unwrap_or(i64::MAX);
        sqlx::query("DELETE FROM limit_events WHERE at_ms <= $1")
            .bind(before)
            .execute(&self.counters)
            .await
            .map_err(backend)?;
        // A bucket that has refilled says nothing (a missing one starts full), so only those go,
        // as in memory; one that refills slowly, or never, keeps what it knows.
        for bucket in Bucket::ALL {
            let rate = bucket.rate(&self.limits);
            sqlx::query(
                "DELETE FROM rate_buckets WHERE kind = $1 AND tokens + GREATEST($2 - updated_ms, 0) * $3 >= $4",
            )
            .bind(bucket.as_str())
            .bind(now)
            .bind(f64::from(rate.per_minute) / 60_000.0)
            .bind(f64::from(rate.burst.max(1)))
            .execute(&self.counters)
            .await
            .map_err(backend)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_announced_device_reads_back() {
        let device = DeviceKey::new(UserName::parse("bob").expect("valid"), 7);
        assert_eq!(parse_device(&device_text(&device)), Some(device));
        assert_eq!(parse_device("no device"), None);
        assert_eq!(parse_device("Bad Name:1"), None);
    }
}
