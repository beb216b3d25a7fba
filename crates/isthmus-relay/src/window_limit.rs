//! Counting events per key over a sliding window: first contacts per sender and reports per account
//! per hour. Kept in memory like the token buckets: a restart forgets the counts, which costs at
//! most one window's allowance again.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Above this many tracked keys, keys whose events have all left the window are dropped.
const PRUNE_ABOVE: usize = 10_000;

pub struct WindowLimiter<K> {
    max: u32,
    window: Duration,
    events: Mutex<HashMap<K, VecDeque<Instant>>>,
}

impl<K: Eq + Hash + Clone> WindowLimiter<K> {
    pub fn new(max: u32, window: Duration) -> Self {
        Self { max, window, events: Mutex::new(HashMap::new()) }
    }

    fn events(&self) -> std::sync::MutexGuard<'_, HashMap<K, VecDeque<Instant>>> {
        self.events.lock().expect("the window limiter lock is never poisoned")
    }

    /// Whether `key` may have one more event at `now`. `Err(seconds)` says when its oldest event
    /// leaves the window. Takes nothing: call [`WindowLimiter::record_at`] once the event happened.
    pub fn check_at(&self, key: &K, now: Instant) -> Result<(), u64> {
        let mut events = self.events();
        let Some(times) = events.get_mut(key) else {
            return if self.max == 0 { Err(self.window.as_secs().max(1)) } else { Ok(()) };
        };
        while times.front().is_some_and(|time| now.saturating_duration_since(*time) >= self.window) {
            times.pop_front();
        }
        if times.len() < self.max as usize {
            return Ok(());
        }
        let oldest = times.front().copied().unwrap_or(now);
        let left = self.window.saturating_sub(now.saturating_duration_since(oldest));
        Err(left.as_secs().max(1))
    }

    /// Counts one event for `key` at `now`.
    pub fn record_at(&self, key: &K, now: Instant) {
        let mut events = self.events();
        if events.len() > PRUNE_ABOVE {
            let window = self.window;
            events.retain(|_, times| times.back().is_some_and(|last| now.saturating_duration_since(*last) < window));
        }
        events.entry(key.clone()).or_default().push_back(now);
    }

    pub fn check(&self, key: &K) -> Result<(), u64> {
        self.check_at(key, Instant::now())
    }

    pub fn record(&self, key: &K) {
        self.record_at(key, Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_count_until_they_leave_the_window() {
        let limiter = WindowLimiter::new(2, Duration::from_secs(3600));
        let start = Instant::now();
        assert!(limiter.check_at(&"s", start).is_ok(), "nothing counted yet");
        limiter.record_at(&"s", start);
        limiter.record_at(&"s", start + Duration::from_secs(600));
        assert_eq!(
            limiter.check_at(&"s", start + Duration::from_secs(600)),
            Err(3000),
            "a third event waits until the first is an hour old"
        );
        assert!(limiter.check_at(&"t", start).is_ok(), "keys are counted apart");
        assert!(
            limiter.check_at(&"s", start + Duration::from_secs(3600)).is_ok(),
            "an hour after the first event it no longer counts"
        );
    }

    #[test]
    fn checking_takes_nothing() {
        let limiter = WindowLimiter::new(1, Duration::from_secs(60));
        let now = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check_at(&"s", now).is_ok(), "only recorded events count, not checks");
        }
        limiter.record_at(&"s", now);
        assert!(limiter.check_at(&"s", now).is_err());
    }
}
