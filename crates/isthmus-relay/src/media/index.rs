//! The records of stored media, by id and by owner: an owner's usage is counted over that owner's
//! own media, never by a scan of everyone's, so that an upload costs the same however many media
//! the relay holds.

use std::collections::{HashMap, HashSet};

use super::{Expiry, MediaId, MediaRecord, OwnerHash};

/// What an owner's unexpired media takes up: what the quota counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub bytes: u64,
    /// How many media: one-byte uploads cost a file and a record each, so they are counted too.
    pub objects: u64,
}

/// A value kept per medium, with its record.
pub trait Entry {
    fn record(&self) -> &MediaRecord;
}

impl Entry for MediaRecord {
    fn record(&self) -> &MediaRecord {
        self
    }
}

impl<T> Entry for (MediaRecord, T) {
    fn record(&self) -> &MediaRecord {
        &self.0
    }
}

pub struct MediaIndex<V> {
    entries: HashMap<MediaId, V>,
    by_owner: HashMap<OwnerHash, HashSet<MediaId>>,
}

impl<V> Default for MediaIndex<V> {
    fn default() -> Self {
        Self { entries: HashMap::new(), by_owner: HashMap::new() }
    }
}

impl<V: Entry> MediaIndex<V> {
    pub fn insert(&mut self, id: MediaId, value: V) {
        let owner = value.record().owner;
        if let Some(old) = self.entries.insert(id, value) {
            self.forget_owner(old.record().owner, id);
        }
        self.by_owner.entry(owner).or_default().insert(id);
    }

    pub fn remove(&mut self, id: &MediaId) -> Option<V> {
        let value = self.entries.remove(id)?;
        self.forget_owner(value.record().owner, *id);
        Some(value)
    }

    fn forget_owner(&mut self, owner: OwnerHash, id: MediaId) {
        if let Some(ids) = self.by_owner.get_mut(&owner) {
            ids.remove(&id);
            if ids.is_empty() {
                self.by_owner.remove(&owner);
            }
        }
    }

    pub fn get(&self, id: &MediaId) -> Option<&V> {
        self.entries.get(id)
    }

    pub fn contains(&self, id: &MediaId) -> bool {
        self.entries.contains_key(id)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The ids whose media has expired (the sweeper's work: the one full scan).
    pub fn expired(&self, expiry: Expiry) -> Vec<MediaId> {
        self.entries.iter().filter(|(_, value)| !expiry.is_live(value.record())).map(|(id, _)| *id).collect()
    }

    /// Keeps only the media `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&MediaId, &V) -> bool) {
        let doomed: Vec<MediaId> =
            self.entries.iter().filter(|(id, value)| !keep(id, value)).map(|(id, _)| *id).collect();
        for id in doomed {
            self.remove(&id);
        }
    }

    /// What `owner`'s unexpired media takes up, counted over that owner's media only.
    pub fn usage(&self, owner: &OwnerHash, expiry: Expiry) -> Usage {
        let mut usage = Usage::default();
        for id in self.by_owner.get(owner).into_iter().flatten() {
            if let Some(record) = self.entries.get(id).map(Entry::record).filter(|record| expiry.is_live(record)) {
                usage.bytes = usage.bytes.saturating_add(record.size);
                usage.objects += 1;
            }
        }
        usage
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_follows_inserts_removals_and_expiry_per_owner() {
        let (alice, bob) = (
            OwnerHash::of(&[1; 32], &"alice".parse().expect("valid")),
            OwnerHash::of(&[1; 32], &"bob".parse().expect("valid")),
        );
        let mut index = MediaIndex::<MediaRecord>::default();
        let (a, b, c) = (MediaId::random(), MediaId::random(), MediaId::random());
        index.insert(a, MediaRecord { owner: alice, size: 10, created_at_ms: 100 });
        index.insert(b, MediaRecord { owner: alice, size: 5, created_at_ms: 300 });
        index.insert(c, MediaRecord { owner: bob, size: 7, created_at_ms: 300 });
        let now = Expiry { cutoff_ms: 0 };
        assert_eq!(index.usage(&alice, now), Usage { bytes: 15, objects: 2 });
        assert_eq!(
            index.usage(&alice, Expiry { cutoff_ms: 200 }),
            Usage { bytes: 5, objects: 1 },
            "expired media frees both"
        );
        index.remove(&b);
        assert_eq!(index.usage(&alice, now), Usage { bytes: 10, objects: 1 });
        assert_eq!(index.usage(&bob, now), Usage { bytes: 7, objects: 1 }, "owners are apart");
        index.retain(|id, _| *id != a);
        assert_eq!(index.usage(&alice, now), Usage::default());
        assert!(!index.by_owner.contains_key(&alice), "nothing is kept for an owner with no media");
    }
}
