//! The envelope ids an account has received, kept so that a redelivery is dropped unopened; and
//! their pruning, so the set does not grow with every message ever received.
//!
//! Forgetting an old id is safe: a duplicate can arrive only while the relay still queues the
//! envelope (an ack lost on the way) or when a sender resends after a crash, both soon after the
//! first delivery. Should an older duplicate still turn up, libsignal refuses it (its message
//! key was used, its one-time prekey is gone) and it is dropped as undecryptable.

use crate::ids::EnvelopeId;
use crate::store::{SealedStore, Tree};
use crate::tx::Tx;
use crate::worker::WorkerState;
use crate::Result;

/// How long a received envelope's id is remembered, from the relay's timestamp on it.
pub const RETENTION_MS: u64 = 30 * 24 * 60 * 60 * 1000;
/// Ids read per page while pruning, so a long history never sits in memory at once.
const PAGE: usize = 1000;

/// Where an account's received envelope id is remembered: the account's key, then the id.
pub fn key(account_key: &[u8; 32], id: &EnvelopeId) -> Vec<u8> {
    let mut key = account_key.to_vec();
    key.extend_from_slice(&id.0);
    key
}

/// Whether the envelope under `key` was received before.
pub fn contains(store: &SealedStore, key: &[u8]) -> Result<bool> {
    Ok(store.get(Tree::SeenEnvelopes, key)?.is_some())
}

/// Remembers a received envelope, with the relay's timestamp on it (big-endian) for pruning.
pub fn remember(tx: &mut Tx, key: Vec<u8>, server_timestamp_ms: u64) {
    tx.put(Tree::SeenEnvelopes, key, stamp(server_timestamp_ms));
}

fn stamp(server_timestamp_ms: u64) -> Vec<u8> {
    server_timestamp_ms.to_be_bytes().to_vec()
}

/// One page of pruning: among the next ids after `after`, forgets those whose envelope the
/// relay stamped before `cutoff_ms`, in one write and one flush. Returns how many, and where the
/// next page starts (`None` when this was the last). A page at a time, so that the crypto worker
/// (the only writer) goes back to receiving between pages. A value that is not a timestamp (a
/// store from before stamps) counts as old.
pub fn prune_page(state: &mut WorkerState, cutoff_ms: u64, after: Option<Vec<u8>>) -> Result<(usize, Option<Vec<u8>>)> {
    let page = state.store.scan_page(Tree::SeenEnvelopes, &[], after.as_deref(), PAGE, false)?;
    let next = if page.len() == PAGE { page.last().map(|(key, _)| key.clone()) } else { None };
    let mut batch = state.store.batch();
    let mut removed = 0;
    for (key, value) in page {
        let stamped = <[u8; 8]>::try_from(value.as_slice()).map(u64::from_be_bytes).unwrap_or(0);
        if stamped < cutoff_ms {
            batch.remove(Tree::SeenEnvelopes, &key);
            removed += 1;
        }
    }
    if removed > 0 {
        state.store.apply(batch)?;
        state.durable();
    }
    Ok((removed, next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Profile;

    fn state() -> (WorkerState, Profile) {
        let profile = Profile::in_memory();
        let (events, _) = tokio::sync::broadcast::channel(16);
        (WorkerState::new(profile.store(), events), profile)
    }

    fn remember(state: &WorkerState, n: u32, value: Vec<u8>) {
        state.store.put(Tree::SeenEnvelopes, &n.to_be_bytes(), &value).expect("stored");
    }

    /// Every page in turn, as the engine runs them.
    fn prune(state: &mut WorkerState, cutoff_ms: u64) -> Result<usize> {
        let (mut pruned, mut after) = (0, None);
        loop {
            let (removed, next) = prune_page(state, cutoff_ms, after)?;
            pruned += removed;
            match next {
                Some(key) => after = Some(key),
                None => return Ok(pruned),
            }
        }
    }

    fn count(state: &WorkerState) -> usize {
        state.store.scan_prefix(Tree::SeenEnvelopes, &[]).expect("read").len()
    }

    #[test]
    fn ids_older_than_the_cutoff_are_forgotten_and_newer_ones_kept() {
        let (mut state, _profile) = state();
        remember(&state, 1, stamp(100));
        remember(&state, 2, stamp(5_000));
        remember(&state, 3, Vec::new()); // written before ids carried a stamp
        assert_eq!(prune(&mut state, 1_000).expect("pruned"), 2);
        let left = state.store.scan_prefix(Tree::SeenEnvelopes, &[]).expect("read");
        assert_eq!(left.into_iter().map(|(key, _)| key).collect::<Vec<_>>(), vec![2u32.to_be_bytes().to_vec()]);
        assert_eq!(prune(&mut state, 1_000).expect("again"), 0, "nothing more to forget");
    }

    #[test]
    fn pruning_pages_through_a_long_history() {
        let (mut state, _profile) = state();
        let total = u32::try_from(PAGE * 2 + 500).expect("small");
        for n in 0..total {
            // Every third id is recent: pages mix kept and forgotten ids.
            remember(&state, n, stamp(if n % 3 == 0 { 9_000 } else { 10 }));
        }
        let recent = (0..total).filter(|n| n % 3 == 0).count();
        assert_eq!(prune(&mut state, 1_000).expect("pruned"), total as usize - recent);
        assert_eq!(count(&state), recent);
    }
}
