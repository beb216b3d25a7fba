//! Uploads in flight count against their owner's quota before their bytes are stored, so two
//! concurrent uploads cannot both fit into the room that only one of them has.
//!
//! The order that makes this safe without a lock across the store: an upload first reserves its
//! declared size, then reads the owner's stored bytes, then checks stored + all reservations. A
//! concurrent upload is counted either as stored (it committed before the read) or as reserved
//! (it had not), and at worst, in the instant between its commit and its release, as both: the
//! check can be too strict for a moment, never too lenient.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use isthmus_proto::UserName;

/// What uploads in flight reserve, per owner: their bytes and how many there are.
#[derive(Clone, Copy, Debug, Default)]
struct Pending {
    bytes: u64,
    uploads: u64,
}

/// Bytes and uploads reserved by uploads in flight, per owner. Kept in memory: a restart ends
/// every upload.
#[derive(Default)]
pub struct QuotaReservations {
    pending: Mutex<HashMap<UserName, Pending>>,
}

impl QuotaReservations {
    fn pending(&self) -> std::sync::MutexGuard<'_, HashMap<UserName, Pending>> {
        self.pending.lock().expect("the reservations lock is never poisoned")
    }

    /// Reserves `bytes` (and one medium) for `owner` until the returned guard drops.
    pub fn reserve(self: &Arc<Self>, owner: &UserName, bytes: u64) -> Reservation {
        let mut pending = self.pending();
        let entry = pending.entry(owner.clone()).or_default();
        entry.bytes += bytes;
        entry.uploads += 1;
        Reservation { reservations: self.clone(), owner: owner.clone(), bytes }
    }
}

/// An upload's claim on its owner's quota; released on drop, after the upload committed or failed.
pub struct Reservation {
    reservations: Arc<QuotaReservations>,
    owner: UserName,
    bytes: u64,
}

impl Reservation {
    /// Every byte the owner has reserved, this upload included.
    pub fn owner_pending(&self) -> u64 {
        self.reservations.pending().get(&self.owner).map_or(0, |pending| pending.bytes)
    }

    /// How many uploads the owner has in flight, this one included.
    pub fn owner_uploads(&self) -> u64 {
        self.reservations.pending().get(&self.owner).map_or(0, |pending| pending.uploads)
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let mut pending = self.reservations.pending();
        if let Some(total) = pending.get_mut(&self.owner) {
            total.bytes = total.bytes.saturating_sub(self.bytes);
            total.uploads = total.uploads.saturating_sub(1);
            if total.uploads == 0 {
                pending.remove(&self.owner);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_add_up_per_owner_and_go_away_on_drop() {
        let reservations = Arc::new(QuotaReservations::default());
        let alice = UserName::parse("alice").expect("valid");
        let bob = UserName::parse("bob").expect("valid");
        let first = reservations.reserve(&alice, 10);
        let second = reservations.reserve(&alice, 5);
        let other = reservations.reserve(&bob, 7);
        assert_eq!(second.owner_pending(), 15, "concurrent uploads of one owner must add up");
        assert_eq!(second.owner_uploads(), 2, "and are counted as media too");
        assert_eq!(other.owner_pending(), 7, "another owner's uploads are not counted");
        drop(first);
        assert_eq!(second.owner_pending(), 5, "a finished upload no longer holds its room");
        drop(second);
        assert!(reservations.pending().get(&alice).is_none(), "nothing is kept for owners with nothing in flight");
    }
}
