//! Who is connected: one live socket per device, woken when its queue grows.
//!
//! A second connection for a device replaces the first (the old one is told to close), and every
//! enqueue wakes the device's socket so the envelope is pushed at once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use tokio::sync::watch;

use crate::store::DeviceKey;

struct Slot {
    generation: u64,
    enqueued: watch::Sender<u64>,
    replaced: watch::Sender<bool>,
}

#[derive(Default)]
pub struct DeviceHub {
    slots: Mutex<HashMap<DeviceKey, Slot>>,
    next_generation: AtomicU64,
}

/// A socket's registration in the hub.
pub struct Attachment {
    pub device: DeviceKey,
    generation: u64,
    /// Changes whenever an envelope is queued for the device.
    pub enqueued: watch::Receiver<u64>,
    /// Becomes `true` (or closes) when another connection took the device over.
    pub replaced: watch::Receiver<bool>,
}

impl DeviceHub {
    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<DeviceKey, Slot>> {
        self.slots.lock().expect("the hub lock is never poisoned")
    }

    /// Registers a new socket for `device`, replacing any earlier one.
    pub fn attach(&self, device: DeviceKey) -> Attachment {
        let generation = self.next_generation.fetch_add(1, Ordering::Relaxed);
        let (enqueued_tx, enqueued) = watch::channel(0);
        let (replaced_tx, replaced) = watch::channel(false);
        let slot = Slot { generation, enqueued: enqueued_tx, replaced: replaced_tx };
        if let Some(old) = self.slots().insert(device.clone(), slot) {
            old.replaced.send_replace(true);
        }
        Attachment { device, generation, enqueued, replaced }
    }

    /// Wakes the device's socket, if it has one.
    pub fn wake(&self, device: &DeviceKey) {
        if let Some(slot) = self.slots().get(device) {
            slot.enqueued.send_modify(|count| *count = count.wrapping_add(1));
        }
    }

    /// Wakes every socket: each looks at its queue again (after wake-ups may have been lost).
    pub fn wake_all(&self) {
        for slot in self.slots().values() {
            slot.enqueued.send_modify(|count| *count = count.wrapping_add(1));
        }
    }

    /// Unregisters a socket, unless a newer one has already taken its place.
    pub fn detach(&self, attachment: &Attachment) {
        let mut slots = self.slots();
        if slots.get(&attachment.device).is_some_and(|slot| slot.generation == attachment.generation) {
            slots.remove(&attachment.device);
        }
    }

    /// How many devices have a live socket.
    pub fn connected(&self) -> usize {
        self.slots().len()
    }
}

/// Counts running socket sessions so that shutdown can wait until all of them have let go of
/// the store: its last writes (acks) are then in before the store is flushed.
pub struct SessionTracker {
    count: watch::Sender<usize>,
}

impl Default for SessionTracker {
    fn default() -> Self {
        Self { count: watch::channel(0).0 }
    }
}

/// Held by a running session; dropping it ends the session's count.
pub struct SessionGuard<'a> {
    tracker: &'a SessionTracker,
}

impl SessionTracker {
    pub fn enter(&self) -> SessionGuard<'_> {
        self.count.send_modify(|count| *count += 1);
        SessionGuard { tracker: self }
    }

    pub async fn wait_idle(&self) {
        let mut receiver = self.count.subscribe();
        // The sender lives in `self`, so the channel cannot close while we wait.
        let _ = receiver.wait_for(|count| *count == 0).await;
    }
}

impl Drop for SessionGuard<'_> {
    fn drop(&mut self) {
        self.tracker.count.send_modify(|count| *count -= 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use isthmus_proto::UserName;

    fn device() -> DeviceKey {
        DeviceKey::new(UserName::parse("alice").expect("valid"), 1)
    }

    #[test]
    fn a_second_attachment_replaces_the_first() {
        let hub = DeviceHub::default();
        let first = hub.attach(device());
        let second = hub.attach(device());
        assert!(*first.replaced.borrow(), "the first socket must learn it was replaced");
        assert!(!*second.replaced.borrow(), "the new socket is the live one");
        hub.detach(&first);
        assert_eq!(hub.connected(), 1, "detaching the replaced socket must not drop the new one");
        hub.detach(&second);
        assert_eq!(hub.connected(), 0);
    }

    #[test]
    fn wake_reaches_the_live_socket() {
        let hub = DeviceHub::default();
        let mut attachment = hub.attach(device());
        hub.wake(&device());
        assert!(
            attachment.enqueued.has_changed().expect("the sender lives in the hub"),
            "an enqueue must wake the socket"
        );
        attachment.enqueued.mark_unchanged();
    }
}
