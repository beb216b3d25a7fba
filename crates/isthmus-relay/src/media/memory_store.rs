//! The in-memory media store: for in-memory relays (tests, the sandbox). It holds every medium's
//! bytes in memory, which is fine for those and the reason a relay with a data folder uses
//! [`super::FsMediaStore`] instead.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use axum::body::Bytes;
use isthmus_proto::UserName;

use super::{
    Expiry, MediaContent, MediaId, MediaIndex, MediaRecord, MediaStore, MediaUpload, OwnerHash, Result, Usage,
};

/// Readers get the bytes in chunks of this size, as they would from a file.
const CHUNK: usize = 64 * 1024;

type Media = MediaIndex<(MediaRecord, Bytes)>;

pub struct MemoryMediaStore {
    salt: [u8; 32],
    media: Arc<Mutex<Media>>,
}

impl Default for MemoryMediaStore {
    fn default() -> Self {
        Self { salt: rand::random(), media: Arc::default() }
    }
}

impl MemoryMediaStore {
    pub fn new() -> Self {
        Self::default()
    }
}

fn lock(media: &Mutex<Media>) -> std::sync::MutexGuard<'_, Media> {
    media.lock().expect("the memory media lock is never poisoned")
}

struct MemoryUpload {
    media: Arc<Mutex<Media>>,
    id: MediaId,
    owner: OwnerHash,
    created_at_ms: u64,
    bytes: Vec<u8>,
}

#[async_trait]
impl MediaUpload for MemoryUpload {
    async fn write(&mut self, chunk: &[u8]) -> Result<()> {
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }

    async fn commit(self: Box<Self>) -> Result<MediaRecord> {
        let record =
            MediaRecord { owner: self.owner, size: self.bytes.len() as u64, created_at_ms: self.created_at_ms };
        lock(&self.media).insert(self.id, (record.clone(), Bytes::from(self.bytes)));
        Ok(record)
    }
}

#[async_trait]
impl MediaStore for MemoryMediaStore {
    async fn begin(&self, id: MediaId, owner: &UserName, created_at_ms: u64) -> Result<Box<dyn MediaUpload>> {
        Ok(Box::new(MemoryUpload {
            media: self.media.clone(),
            id,
            owner: OwnerHash::of(&self.salt, owner),
            created_at_ms,
            bytes: Vec::new(),
        }))
    }

    async fn record(&self, id: MediaId, expiry: Expiry) -> Result<Option<MediaRecord>> {
        Ok(lock(&self.media).get(&id).map(|(record, _)| record.clone()).filter(|record| expiry.is_live(record)))
    }

    async fn open(&self, id: MediaId, expiry: Expiry) -> Result<Option<MediaContent>> {
        let Some((record, bytes)) = lock(&self.media).get(&id).cloned() else {
            return Ok(None);
        };
        if !expiry.is_live(&record) {
            return Ok(None);
        }
        let chunks: Vec<std::io::Result<Bytes>> =
            (0..bytes.len()).step_by(CHUNK).map(|at| Ok(bytes.slice(at..bytes.len().min(at + CHUNK)))).collect();
        Ok(Some(MediaContent { size: record.size, bytes: Box::pin(futures_util::stream::iter(chunks)) }))
    }

    async fn usage(&self, owner: &UserName, expiry: Expiry) -> Result<Usage> {
        Ok(lock(&self.media).usage(&OwnerHash::of(&self.salt, owner), expiry))
    }

    async fn delete_expired(&self, expiry: Expiry) -> Result<usize> {
        let mut media = lock(&self.media);
        let expired = media.expired(expiry);
        for id in &expired {
            media.remove(id);
        }
        Ok(expired.len())
    }
}
