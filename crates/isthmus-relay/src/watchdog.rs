//! Exits a relay whose async runtime has stopped making progress, so that its supervisor
//! (systemd, a container runtime) starts it again.
//!
//! Why: sled 0.34 can deadlock under sustained write load (spacejam/sled#1412): its calls block
//! the runtime's worker threads for good, and the relay answers nobody while it looks alive. A
//! restart recovers, and loses nothing a client was told is stored: every acknowledged write was
//! flushed first. A task on the runtime beats once a second; a plain OS thread, which a blocked
//! runtime cannot stop, checks the beat. Only the `isthmus-relay` binary arms it: an in-process
//! relay (tests, the sandbox) must never end its host process.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often the runtime beats.
const BEAT: Duration = Duration::from_secs(1);

/// A running watchdog; stops (without acting) when dropped, as at a clean shutdown.
pub struct Watchdog {
    stopped: Arc<AtomicBool>,
    beater: tokio::task::JoinHandle<()>,
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.beater.abort();
    }
}

/// Starts watching the current Tokio runtime: when no beat came for `limit`, `on_stall` runs once
/// (on the watching thread) with how long the runtime has been silent.
pub fn start(limit: Duration, on_stall: impl FnOnce(Duration) + Send + 'static) -> Watchdog {
    let origin = Instant::now();
    let last_beat = Arc::new(AtomicU64::new(0));
    let stopped = Arc::new(AtomicBool::new(false));
    let beater = {
        let last_beat = last_beat.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(BEAT.min(limit / 4));
            loop {
                ticks.tick().await;
                last_beat.store(millis_since(origin), Ordering::SeqCst);
            }
        })
    };
    let watching = stopped.clone();
    let check_every = (limit / 4).max(Duration::from_millis(10));
    std::thread::Builder::new()
        .name("isthmus-watchdog".into())
        .spawn(move || loop {
            std::thread::sleep(check_every);
            if watching.load(Ordering::SeqCst) {
                return;
            }
            let silent = Duration::from_millis(millis_since(origin).saturating_sub(last_beat.load(Ordering::SeqCst)));
            if silent > limit {
                on_stall(silent);
                return;
            }
        })
        .expect("the watchdog thread starts");
    Watchdog { stopped, beater }
}

fn millis_since(origin: Instant) -> u64 {
    u64::try_from(origin.elapsed().as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_runtime_that_keeps_beating_is_left_alone() {
        let (fired, heard) = mpsc::channel();
        let watchdog = start(Duration::from_millis(300), move |silent| {
            let _ = fired.send(silent);
        });
        tokio::time::sleep(Duration::from_millis(1200)).await;
        assert!(heard.try_recv().is_err(), "a healthy runtime must not be taken down");
        drop(watchdog);
    }

    #[test]
    fn a_runtime_that_stops_beating_is_reported_once() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        let (fired, heard) = mpsc::channel();
        let watchdog = runtime.block_on(async {
            start(Duration::from_millis(200), move |silent| {
                let _ = fired.send(silent);
            })
        });
        // The runtime is not driven from here on, as when every worker is stuck in a blocking
        // call: the beat stops, and the watchdog acts.
        let silent = heard.recv_timeout(Duration::from_secs(5)).expect("the stall is noticed");
        assert!(silent > Duration::from_millis(200), "it waited the limit first: {silent:?}");
        assert!(heard.recv_timeout(Duration::from_millis(300)).is_err(), "and acts once");
        drop(watchdog);
    }

    #[test]
    fn a_stopped_watchdog_never_acts() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        let (fired, heard) = mpsc::channel();
        let watchdog = runtime.block_on(async {
            start(Duration::from_millis(100), move |silent| {
                let _ = fired.send(silent);
            })
        });
        drop(watchdog);
        assert!(heard.recv_timeout(Duration::from_millis(500)).is_err(), "a clean shutdown is not a stall");
    }
}
