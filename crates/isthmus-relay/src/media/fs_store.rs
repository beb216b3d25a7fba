//! The filesystem media store: one file per medium in `data_dir/media/`, with its record beside it.
//!
//! Layout: `<id>` holds the ciphertext, `<id>.json` its [`MediaRecord`], `tmp/` uploads in
//! progress, `owner.salt` the key of the owner hashes. An upload is written to `tmp/`, fsynced,
//! and renamed into place, the record last: the record's rename is the commit point, and a medium
//! without a record does not exist. Opening the store finishes what a crash interrupted: it
//! empties `tmp/`, deletes ciphertext without a record and records without ciphertext.
//!
//! Records are also indexed in memory (about a hundred bytes per medium), so quota checks and
//! sweeps never scan the folder.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use axum::body::Bytes;
use isthmus_proto::UserName;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _, BufWriter};

use super::{
    Expiry, MediaContent, MediaError, MediaId, MediaIndex, MediaRecord, MediaStore, MediaUpload, OwnerHash, Result,
    Usage,
};

/// The media folder inside the data folder.
pub const MEDIA_DIR: &str = "media";

const TMP_DIR: &str = "tmp";
const SALT_FILE: &str = "owner.salt";
const RECORD_SUFFIX: &str = ".json";
const PART_SUFFIX: &str = ".part";

/// Bytes gathered before a write to disk, and the size of the chunks readers get.
const CHUNK: usize = 256 * 1024;

type Index = MediaIndex<MediaRecord>;

pub struct FsMediaStore {
    root: PathBuf,
    salt: [u8; 32],
    index: Arc<Mutex<Index>>,
}

fn lock(index: &Mutex<Index>) -> std::sync::MutexGuard<'_, Index> {
    index.lock().expect("the media index lock is never poisoned")
}

fn ignore_missing(result: std::io::Result<()>) -> std::io::Result<()> {
    match result {
        Err(error) if error.kind() == ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Makes renames and deletions in `dir` durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

async fn blocking<T: Send + 'static>(work: impl FnOnce() -> std::io::Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| MediaError::Io(std::io::Error::other(error)))?
        .map_err(Into::into)
}

impl FsMediaStore {
    /// Opens (creating if needed) the media folder `root` and cleans up after any crash.
    pub async fn open(root: &Path) -> Result<Self> {
        let root = root.to_path_buf();
        let (salt, index) = blocking({
            let root = root.clone();
            move || Self::recover(&root)
        })
        .await?;
        tracing::debug!(media = index.len(), "media store opened");
        Ok(Self { root, salt, index: Arc::new(Mutex::new(index)) })
    }

    fn recover(root: &Path) -> std::io::Result<([u8; 32], Index)> {
        let tmp = root.join(TMP_DIR);
        std::fs::create_dir_all(&tmp)?;
        for entry in std::fs::read_dir(&tmp)? {
            std::fs::remove_file(entry?.path())?;
        }
        let salt = Self::load_or_create_salt(root)?;
        let mut index = Index::default();
        let mut data = Vec::new();
        for entry in std::fs::read_dir(root)? {
            let entry = entry?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if let Some(id) = name.strip_suffix(RECORD_SUFFIX).and_then(MediaId::parse) {
                let record = std::fs::read(entry.path())?;
                match serde_json::from_slice::<MediaRecord>(&record) {
                    Ok(record) => {
                        index.insert(id, record);
                    }
                    Err(_) => {
                        tracing::warn!(id = %id.log_prefix(), "an unreadable media record is deleted");
                        std::fs::remove_file(entry.path())?;
                    }
                }
            } else if let Some(id) = MediaId::parse(name) {
                data.push(id);
            }
        }
        let mut stored = std::collections::HashSet::new();
        for id in data {
            if index.contains(&id) {
                stored.insert(id);
            } else {
                // Renamed into place, but the crash came before its record: never committed.
                std::fs::remove_file(root.join(id.to_string()))?;
            }
        }
        index.retain(|id, _| {
            let keep = stored.contains(id);
            if !keep {
                let _ = std::fs::remove_file(root.join(format!("{id}{RECORD_SUFFIX}")));
            }
            keep
        });
        sync_dir(root)?;
        Ok((salt, index))
    }

    fn load_or_create_salt(root: &Path) -> std::io::Result<[u8; 32]> {
        let path = root.join(SALT_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => bytes.try_into().map_err(|_| std::io::Error::other("the media owner salt is not 32 bytes")),
            Err(error) if error.kind() == ErrorKind::NotFound => {
                let salt: [u8; 32] = rand::random();
                let part = root.join(TMP_DIR).join(format!("{SALT_FILE}{PART_SUFFIX}"));
                let mut file = std::fs::File::create(&part)?;
                std::io::Write::write_all(&mut file, &salt)?;
                file.sync_all()?;
                std::fs::rename(&part, &path)?;
                sync_dir(root)?;
                Ok(salt)
            }
            Err(error) => Err(error),
        }
    }

    fn data_path(&self, id: MediaId) -> PathBuf {
        self.root.join(id.to_string())
    }

    fn record_path(&self, id: MediaId) -> PathBuf {
        self.root.join(format!("{id}{RECORD_SUFFIX}"))
    }

    fn live(&self, id: MediaId, expiry: Expiry) -> Option<MediaRecord> {
        lock(&self.index).get(&id).filter(|record| expiry.is_live(record)).cloned()
    }
}

struct FsUpload {
    root: PathBuf,
    index: Arc<Mutex<Index>>,
    id: MediaId,
    record: MediaRecord,
    part: PathBuf,
    file: Option<BufWriter<tokio::fs::File>>,
}

#[async_trait]
impl MediaUpload for FsUpload {
    async fn write(&mut self, chunk: &[u8]) -> Result<()> {
        let file = self.file.as_mut().ok_or(MediaError::Corrupt)?;
        file.write_all(chunk).await?;
        self.record.size += chunk.len() as u64;
        Ok(())
    }

    async fn commit(mut self: Box<Self>) -> Result<MediaRecord> {
        let mut file = self.file.take().ok_or(MediaError::Corrupt)?;
        file.flush().await?;
        file.get_ref().sync_all().await?;
        drop(file);
        let record_json = serde_json::to_vec(&self.record).map_err(|_| MediaError::Corrupt)?;
        let root = self.root.clone();
        let part = self.part.clone();
        let id = self.id;
        blocking(move || {
            let record_part = root.join(TMP_DIR).join(format!("{id}{RECORD_SUFFIX}{PART_SUFFIX}"));
            let mut record_file = std::fs::File::create(&record_part)?;
            std::io::Write::write_all(&mut record_file, &record_json)?;
            record_file.sync_all()?;
            std::fs::rename(&part, root.join(id.to_string()))?;
            // The commit point: from here on the medium exists.
            std::fs::rename(&record_part, root.join(format!("{id}{RECORD_SUFFIX}")))?;
            sync_dir(&root)
        })
        .await?;
        lock(&self.index).insert(self.id, self.record.clone());
        // Nothing left to clean up on drop.
        self.part = PathBuf::new();
        Ok(self.record.clone())
    }
}

/// An upload that was not committed leaves nothing: its partial files go.
impl Drop for FsUpload {
    fn drop(&mut self) {
        if self.part.as_os_str().is_empty() {
            return;
        }
        let _ = std::fs::remove_file(&self.part);
        let record_part = self.root.join(TMP_DIR).join(format!("{}{RECORD_SUFFIX}{PART_SUFFIX}", self.id));
        let _ = std::fs::remove_file(record_part);
    }
}

/// Reads `file` in [`CHUNK`]-sized pieces, one at a time, so a download never holds the file.
fn chunks(file: tokio::fs::File) -> super::ByteStream {
    Box::pin(futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buffer = vec![0u8; CHUNK];
        match file.read(&mut buffer).await {
            Ok(0) => None,
            Ok(read) => {
                buffer.truncate(read);
                Some((Ok(Bytes::from(buffer)), Some(file)))
            }
            Err(error) => Some((Err(error), None)),
        }
    }))
}

#[async_trait]
impl MediaStore for FsMediaStore {
    async fn begin(&self, id: MediaId, owner: &UserName, created_at_ms: u64) -> Result<Box<dyn MediaUpload>> {
        let part = self.root.join(TMP_DIR).join(format!("{id}{PART_SUFFIX}"));
        let file = tokio::fs::OpenOptions::new().write(true).create_new(true).open(&part).await?;
        Ok(Box::new(FsUpload {
            root: self.root.clone(),
            index: self.index.clone(),
            id,
            record: MediaRecord { owner: OwnerHash::of(&self.salt, owner), size: 0, created_at_ms },
            part,
            file: Some(BufWriter::with_capacity(CHUNK, file)),
        }))
    }

    async fn record(&self, id: MediaId, expiry: Expiry) -> Result<Option<MediaRecord>> {
        Ok(self.live(id, expiry))
    }

    async fn open(&self, id: MediaId, expiry: Expiry) -> Result<Option<MediaContent>> {
        let Some(record) = self.live(id, expiry) else {
            return Ok(None);
        };
        // A sweep may delete the file between the check and the open: then it is gone, as it
        // should be. Once open, a deletion no longer affects this reader.
        let file = match tokio::fs::File::open(self.data_path(id)).await {
            Ok(file) => file,
            Err(error) if error.kind() == ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        Ok(Some(MediaContent { size: record.size, bytes: chunks(file) }))
    }

    async fn usage(&self, owner: &UserName, expiry: Expiry) -> Result<Usage> {
        let owner = OwnerHash::of(&self.salt, owner);
        Ok(lock(&self.index).usage(&owner, expiry))
    }

    async fn delete_expired(&self, expiry: Expiry) -> Result<usize> {
        let expired: Vec<MediaId> = lock(&self.index).expired(expiry);
        let paths: Vec<(PathBuf, PathBuf)> =
            expired.iter().map(|id| (self.record_path(*id), self.data_path(*id))).collect();
        let root = self.root.clone();
        blocking(move || {
            for (record, data) in &paths {
                // The record first: without it the medium no longer exists, even if a crash
                // comes before the ciphertext is gone (the next open deletes that).
                ignore_missing(std::fs::remove_file(record))?;
                ignore_missing(std::fs::remove_file(data))?;
            }
            sync_dir(&root)
        })
        .await?;
        let mut index = lock(&self.index);
        for id in &expired {
            index.remove(id);
        }
        Ok(expired.len())
    }
}
