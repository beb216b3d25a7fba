//! Token buckets, one per key (an IP address, an account, a peer), held in memory.
//!
//! Buckets live in memory on purpose: they protect the relay from bursts, and a restart that
//! refills them costs nothing worth a disk write per request.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Instant;

use crate::config::Rate;

/// Above this many tracked keys, full buckets (which carry no information) are dropped.
const PRUNE_ABOVE: usize = 10_000;

struct Bucket {
    tokens: f64,
    updated: Instant,
}

pub struct RateLimiter<K> {
    rate: Rate,
    buckets: Mutex<HashMap<K, Bucket>>,
}

impl<K: Eq + Hash + Clone> RateLimiter<K> {
    pub fn new(rate: Rate) -> Self {
        Self { rate, buckets: Mutex::new(HashMap::new()) }
    }

    fn refill_per_sec(&self) -> f64 {
        f64::from(self.rate.per_minute) / 60.0
    }

    /// Takes one token for `key` at `now`. `Err(seconds)` says when a token will be there.
    pub fn check_at(&self, key: &K, now: Instant) -> Result<(), u64> {
        let capacity = f64::from(self.rate.burst.max(1));
        let refill = self.refill_per_sec();
        let mut buckets = self.buckets.lock().expect("the rate limiter lock is never poisoned");
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|_, bucket| {
                let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
                bucket.tokens + elapsed * refill < capacity
            });
        }
        let bucket = buckets.entry(key.clone()).or_insert(Bucket { tokens: capacity, updated: now });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * refill).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        if refill <= 0.0 {
            return Err(3600);
        }
        let wait = ((1.0 - bucket.tokens) / refill).ceil();
        // The cast is safe: `wait` is positive and small, bounded by 60 / per_minute.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Err((wait as u64).max(1))
    }

    pub fn check(&self, key: &K) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_bucket_empties_and_refills() {
        let limiter = RateLimiter::new(Rate { burst: 2, per_minute: 60 });
        let start = Instant::now();
        assert!(limiter.check_at(&"a", start).is_ok(), "the burst allows the first request");
        assert!(limiter.check_at(&"a", start).is_ok(), "and the second");
        assert_eq!(limiter.check_at(&"a", start), Err(1), "the third waits one refill (1/s)");
        assert!(limiter.check_at(&"b", start).is_ok(), "keys have their own buckets");
        let later = start + Duration::from_secs(1);
        assert!(limiter.check_at(&"a", later).is_ok(), "a second later one token is back");
    }
}
