//! Coordination for a network on one node: locks and counters in this process's memory.
//!
//! The counters live in memory on purpose: they protect the relay from bursts, and a restart
//! that forgets them costs at most one window's allowance again, which is not worth a disk
//! write per request.

use std::collections::HashMap;
use std::hash::{Hash as _, Hasher as _};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use isthmus_proto::UserName;
use tokio::sync::Mutex;

use super::{AccountGuard, Allowance, Bucket, Coordination, Window};
use crate::config::Limits;
use crate::hub::DeviceHub;
use crate::rate_limit::RateLimiter;
use crate::store::{DeviceKey, Result};
use crate::window_limit::WindowLimiter;

/// How many locks the accounts share. A delivery holds its stripe until its envelope is
/// committed (an fsync away on SQLite), so two recipients on one stripe wait a commit for each
/// other: enough stripes that a few hundred busy recipients rarely meet.
const STRIPES: usize = 1024;

/// Per-account locks, striped: accounts that share a stripe wait for each other, which costs a
/// little throughput and no correctness.
pub struct AccountLocks {
    stripes: Vec<Arc<Mutex<()>>>,
}

impl Default for AccountLocks {
    fn default() -> Self {
        Self { stripes: (0..STRIPES).map(|_| Arc::default()).collect() }
    }
}

impl AccountLocks {
    pub async fn lock(&self, account: &UserName) -> tokio::sync::OwnedMutexGuard<()> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        account.hash(&mut hasher);
        let stripe = usize::try_from(hasher.finish() % STRIPES as u64).unwrap_or(0);
        self.stripes[stripe].clone().lock_owned().await
    }
}

pub struct LocalCoordination {
    locks: AccountLocks,
    buckets: HashMap<Bucket, RateLimiter<String>>,
    windows: HashMap<Window, WindowLimiter<String>>,
}

impl LocalCoordination {
    pub fn new(limits: &Limits) -> Self {
        let buckets = Bucket::ALL.into_iter().map(|bucket| (bucket, RateLimiter::new(bucket.rate(limits)))).collect();
        let windows = Window::ALL
            .into_iter()
            .map(|window| (window, WindowLimiter::new(window.max(limits), Duration::from_millis(window.length_ms()))))
            .collect();
        Self { locks: AccountLocks::default(), buckets, windows }
    }

    fn window(&self, window: Window) -> &WindowLimiter<String> {
        &self.windows[&window]
    }
}

#[async_trait]
impl Coordination for LocalCoordination {
    async fn lock_account(&self, account: &UserName) -> Result<AccountGuard> {
        Ok(AccountGuard::new(self.locks.lock(account).await))
    }

    async fn take_token(&self, bucket: Bucket, key: &str) -> Result<Allowance> {
        Ok(self.buckets[&bucket].check(&key.to_owned()))
    }

    async fn check(&self, window: Window, key: &str) -> Result<Allowance> {
        Ok(self.window(window).check(&key.to_owned()))
    }

    async fn record(&self, window: Window, key: &str) -> Result<()> {
        self.window(window).record(&key.to_owned());
        Ok(())
    }

    fn single_node(&self) -> bool {
        true
    }

    async fn announce(&self, _device: &DeviceKey) -> Result<()> {
        Ok(())
    }

    async fn listen(&self, _hub: &DeviceHub, _shutdown: tokio::sync::watch::Receiver<bool>) {}

    async fn prune(&self, _now_ms: u64) -> Result<()> {
        // The limiters drop keys whose events all left the window as they grow.
        Ok(())
    }
}
