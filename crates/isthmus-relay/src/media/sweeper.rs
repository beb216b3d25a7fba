//! Deletes expired media in the background. Expired media already answers 404 before the sweep
//! (every read checks the expiry); the sweep gives the disk back and forgets the records.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::Expiry;
use crate::clock::now_ms;
use crate::state::RelayState;

/// A day in milliseconds, the unit of `media_retention_days`.
const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// The expiry that holds at `now_ms` under the relay's retention.
pub fn expiry_at(state: &RelayState, now_ms: u64) -> Expiry {
    Expiry::at(now_ms, u64::from(state.limits.media_retention_days).saturating_mul(DAY_MS))
}

/// Sweeps every `media_sweep_interval_secs` (and once at start) until the relay shuts down.
pub async fn run(state: Arc<RelayState>, shutdown: watch::Receiver<bool>) {
    let period = Duration::from_secs(state.limits.media_sweep_interval_secs.max(1));
    let mut every = tokio::time::interval(period);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let stop = stopping(shutdown);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = every.tick() => match state.media.delete_expired(expiry_at(&state, now_ms())).await {
                Ok(0) => {}
                Ok(deleted) => tracing::debug!(deleted, "expired media deleted"),
                Err(error) => tracing::error!(%error, "sweeping expired media failed"),
            },
        }
    }
}

/// Resolves once the relay is shutting down (or is gone).
async fn stopping(mut shutdown: watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stopping| *stopping).await;
}
