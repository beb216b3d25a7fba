//! Who is connected: one live socket per device, woken when its queue grows.
//!
//! A second connection for a device replaces the first (the old one is told to close), and every
//! enqueue wakes the device's socket so the envelope is pushed at once.
//!
//! On a network of one node, an envelope is also handed to the socket as it is queued (see
//! [`Handed`]), so that a socket that has pushed its queue need not read it back from the store.
//!
//! The sockets of one device take turns with their acks: a socket's acks are applied beside it
//! (`ws::acks`), so a newer socket first waits until the one it replaced has applied every ack it
//! took; otherwise it would push again what the device has just acked.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::watch;

use crate::store::{DeviceKey, QueueEntry};

/// Envelopes a socket may hand on without reading them back: at most this many wait.
const HANDED_MAX: usize = 64;

/// The envelopes queued for a device since its socket last looked, in the order they were
/// queued, when every one of them was handed over: the socket may push those after its cursor.
/// `complete` is false when some were not (too many waited): the socket reads its queue instead.
#[derive(Debug)]
pub struct Handed {
    pub entries: Vec<QueueEntry>,
    pub complete: bool,
}

impl Default for Handed {
    fn default() -> Self {
        Self { entries: Vec::new(), complete: true }
    }
}

struct Slot {
    generation: u64,
    enqueued: watch::Sender<u64>,
    replaced: watch::Sender<bool>,
    acks_turn: Arc<tokio::sync::Mutex<()>>,
    handed: Arc<Mutex<Handed>>,
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
    /// Held by the socket whose acks are being applied; the device's sockets share it.
    pub acks_turn: Arc<tokio::sync::Mutex<()>>,
    handed: Arc<Mutex<Handed>>,
}

impl Attachment {
    /// Takes what was handed to this socket since it last looked.
    pub fn take_handed(&self) -> Handed {
        std::mem::take(&mut *self.handed.lock().expect("the hand-over lock is never poisoned"))
    }
}

impl Slot {
    fn wake(&self) {
        self.enqueued.send_modify(|count| *count = count.wrapping_add(1));
    }

    /// Wakes the socket to read its queue: what was handed to it does not cover what was queued.
    fn wake_to_read(&self) {
        self.handed.lock().expect("the hand-over lock is never poisoned").complete = false;
        self.wake();
    }
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
        let mut slots = self.slots();
        let acks_turn = slots.get(&device).map(|old| old.acks_turn.clone()).unwrap_or_default();
        let handed = Arc::<Mutex<Handed>>::default();
        let slot = Slot {
            generation,
            enqueued: enqueued_tx,
            replaced: replaced_tx,
            acks_turn: acks_turn.clone(),
            handed: handed.clone(),
        };
        if let Some(old) = slots.insert(device.clone(), slot) {
            old.replaced.send_replace(true);
        }
        Attachment { device, generation, enqueued, replaced, acks_turn, handed }
    }

    /// Wakes the device's socket, if it has one; it reads its queue.
    pub fn wake(&self, device: &DeviceKey) {
        if let Some(slot) = self.slots().get(device) {
            slot.wake_to_read();
        }
    }

    /// Hands a just-queued envelope to the device's socket, if it has one, and wakes it. The
    /// caller hands a device's envelopes in the order they were queued (under its consent lock),
    /// and only when no other node queues for the device.
    pub fn hand(&self, device: &DeviceKey, entry: QueueEntry) {
        if let Some(slot) = self.slots().get(device) {
            {
                let mut handed = slot.handed.lock().expect("the hand-over lock is never poisoned");
                if handed.entries.len() < HANDED_MAX {
                    handed.entries.push(entry);
                } else {
                    handed.complete = false;
                }
            }
            slot.wake();
        }
    }

    /// Wakes every socket: each looks at its queue again (after wake-ups may have been lost).
    pub fn wake_all(&self) {
        for slot in self.slots().values() {
            slot.wake_to_read();
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
        assert!(Arc::ptr_eq(&first.acks_turn, &second.acks_turn), "the two sockets take turns with their acks");
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

    fn entry(seq: u64) -> QueueEntry {
        QueueEntry { seq, id: vec![seq as u8; 16], envelope: vec![1, 2, 3] }
    }

    #[test]
    fn handed_envelopes_reach_the_socket_in_order_until_too_many_wait() {
        let hub = DeviceHub::default();
        let attachment = hub.attach(device());
        hub.hand(&device(), entry(1));
        hub.hand(&device(), entry(2));
        let handed = attachment.take_handed();
        assert!(handed.complete);
        assert_eq!(handed.entries.iter().map(|entry| entry.seq).collect::<Vec<_>>(), [1, 2]);
        assert!(attachment.take_handed().entries.is_empty(), "taken once");

        for seq in 0..=HANDED_MAX as u64 {
            hub.hand(&device(), entry(seq));
        }
        assert!(!attachment.take_handed().complete, "one more than fits: the socket must read its queue");
        assert!(attachment.take_handed().complete, "and after it looked, hand-overs count again");
    }

    #[test]
    fn a_wake_without_the_envelope_makes_the_socket_read_its_queue() {
        let hub = DeviceHub::default();
        let attachment = hub.attach(device());
        hub.hand(&device(), entry(1));
        hub.wake(&device());
        assert!(!attachment.take_handed().complete);
        hub.wake_all();
        assert!(!attachment.take_handed().complete);
    }
}
