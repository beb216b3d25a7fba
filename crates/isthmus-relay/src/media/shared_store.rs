//! The media store all nodes of a network see: the ciphertext in an object store (S3-compatible
//! storage through the `object_store` crate, or a folder every node mounts), the records in the
//! network's PostgreSQL database beside everything else the nodes share.
//!
//! An upload streams to `media/<id>` as a multipart upload; the medium exists once its record
//! row is inserted, after the upload completed: the row is the commit point, so a reader never
//! finds a record whose bytes are incomplete. An upload dropped before its commit is aborted.
//! Quota and sweeps are queries on the records, so every node counts every node's uploads.

use std::sync::Arc;

use async_trait::async_trait;
use futures_util::{StreamExt as _, TryStreamExt as _};
use isthmus_proto::UserName;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, WriteMultipart};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::Row as _;

use super::{
    Expiry, MediaContent, MediaError, MediaId, MediaRecord, MediaStore, MediaUpload, OwnerHash, Result, Usage,
};

/// Parts of an upload in flight at once (each up to the object store's part size).
const PARTS_IN_FLIGHT: usize = 4;
/// Connections to the database for media records.
const CONNECTIONS: u32 = 4;

pub struct SharedMediaStore {
    objects: Arc<dyn ObjectStore>,
    db: PgPool,
    salt: [u8; 32],
}

fn io(error: impl std::error::Error + Send + Sync + 'static) -> MediaError {
    MediaError::Io(std::io::Error::other(error))
}

fn path_of(id: MediaId) -> ObjectPath {
    ObjectPath::from(format!("media/{id}"))
}

fn stored(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn read(value: i64) -> Result<u64> {
    u64::try_from(value).map_err(|_| MediaError::Corrupt)
}

impl SharedMediaStore {
    /// Opens the store: the object store at `objects_url` (`s3://bucket/prefix`, with the
    /// `AWS_*` settings from the environment, such as `AWS_ENDPOINT` for storage other than
    /// Amazon's; or `file:///path` for a folder every node mounts) and the records in the
    /// PostgreSQL database at `database_url`, whose schema the relay's store has brought up to
    /// date.
    pub async fn open(objects_url: &str, database_url: &str) -> Result<Self> {
        let options: Vec<(String, String)> = std::env::vars()
            .filter(|(key, _)| key.starts_with("AWS_"))
            .map(|(key, value)| (key.to_ascii_lowercase(), value))
            .collect();
        Self::open_with(objects_url, options, database_url).await
    }

    /// `open`, with the object store's settings given (`aws_endpoint`, `aws_region`...) instead
    /// of read from the environment.
    pub async fn open_with(objects_url: &str, options: Vec<(String, String)>, database_url: &str) -> Result<Self> {
        let url = url::Url::parse(objects_url).map_err(io)?;
        let objects = match url.scheme() {
            "s3" => object_store::parse_url_opts(&url, options).map_err(io)?,
            "file" => {
                let folder = url.to_file_path().map_err(|()| io(std::io::Error::other("not a file URL")))?;
                std::fs::create_dir_all(&folder)?;
                object_store::parse_url(&url).map_err(io)?
            }
            other => return Err(io(std::io::Error::other(format!("media_url: {other}:// is not s3:// or file://")))),
        };
        let (objects, prefix) = objects;
        let objects: Arc<dyn ObjectStore> = if prefix.as_ref().is_empty() {
            Arc::from(objects)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(objects, prefix))
        };
        let db = PgPoolOptions::new().max_connections(CONNECTIONS).connect(database_url).await.map_err(io)?;
        let fresh: [u8; 32] = rand::random();
        sqlx::query("INSERT INTO media_salt (id, salt) VALUES (1, $1) ON CONFLICT (id) DO NOTHING")
            .bind(fresh.as_slice())
            .execute(&db)
            .await
            .map_err(io)?;
        let salt: Vec<u8> =
            sqlx::query_scalar("SELECT salt FROM media_salt WHERE id = 1").fetch_one(&db).await.map_err(io)?;
        let salt = salt.try_into().map_err(|_| MediaError::Corrupt)?;
        Ok(Self { objects, db, salt })
    }

    async fn live_record(&self, id: MediaId, expiry: Expiry) -> Result<Option<MediaRecord>> {
        let row = sqlx::query("SELECT owner, size, created_at_ms FROM media WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&self.db)
            .await
            .map_err(io)?;
        let Some(row) = row else { return Ok(None) };
        let owner: String = row.try_get(0).map_err(io)?;
        let record = MediaRecord {
            owner: OwnerHash::try_from(owner).map_err(|_| MediaError::Corrupt)?,
            size: read(row.try_get(1).map_err(io)?)?,
            created_at_ms: read(row.try_get(2).map_err(io)?)?,
        };
        Ok(expiry.is_live(&record).then_some(record))
    }
}

struct SharedUpload {
    upload: Option<WriteMultipart>,
    db: PgPool,
    id: MediaId,
    owner: OwnerHash,
    created_at_ms: u64,
    size: u64,
}

impl SharedUpload {
    fn upload(&mut self) -> &mut WriteMultipart {
        self.upload.as_mut().expect("the upload is there until commit")
    }
}

#[async_trait]
impl MediaUpload for SharedUpload {
    async fn write(&mut self, chunk: &[u8]) -> Result<()> {
        self.upload().wait_for_capacity(PARTS_IN_FLIGHT).await.map_err(io)?;
        self.upload().write(chunk);
        self.size += chunk.len() as u64;
        Ok(())
    }

    async fn commit(mut self: Box<Self>) -> Result<MediaRecord> {
        let upload = self.upload.take().expect("the upload is there until commit");
        upload.finish().await.map_err(io)?;
        let record = MediaRecord { owner: self.owner, size: self.size, created_at_ms: self.created_at_ms };
        sqlx::query("INSERT INTO media (id, owner, size, created_at_ms) VALUES ($1, $2, $3, $4)")
            .bind(self.id.to_string())
            .bind(String::from(record.owner))
            .bind(stored(record.size))
            .bind(stored(record.created_at_ms))
            .execute(&self.db)
            .await
            .map_err(io)?;
        Ok(record)
    }
}

impl Drop for SharedUpload {
    fn drop(&mut self) {
        if let Some(upload) = self.upload.take() {
            // Refused or broken: its parts must not stay behind in the bucket.
            tokio::spawn(async move {
                if let Err(error) = upload.abort().await {
                    tracing::warn!(%error, "aborting a dropped media upload failed");
                }
            });
        }
    }
}

#[async_trait]
impl MediaStore for SharedMediaStore {
    async fn begin(&self, id: MediaId, owner: &UserName, created_at_ms: u64) -> Result<Box<dyn MediaUpload>> {
        let upload = self.objects.put_multipart(&path_of(id)).await.map_err(io)?;
        Ok(Box::new(SharedUpload {
            upload: Some(WriteMultipart::new(upload)),
            db: self.db.clone(),
            id,
            owner: OwnerHash::of(&self.salt, owner),
            created_at_ms,
            size: 0,
        }))
    }

    async fn record(&self, id: MediaId, expiry: Expiry) -> Result<Option<MediaRecord>> {
        self.live_record(id, expiry).await
    }

    async fn open(&self, id: MediaId, expiry: Expiry) -> Result<Option<MediaContent>> {
        let Some(record) = self.live_record(id, expiry).await? else { return Ok(None) };
        let found = self.objects.get(&path_of(id)).await.map_err(io)?;
        let bytes = found.into_stream().map_err(std::io::Error::other).boxed();
        Ok(Some(MediaContent { size: record.size, bytes }))
    }

    async fn usage(&self, owner: &UserName, expiry: Expiry) -> Result<Usage> {
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT), COUNT(*) FROM media \
             WHERE owner = $1 AND created_at_ms > $2",
        )
        .bind(String::from(OwnerHash::of(&self.salt, owner)))
        .bind(stored(expiry.cutoff_ms))
        .fetch_one(&self.db)
        .await
        .map_err(io)?;
        Ok(Usage { bytes: read(row.try_get(0).map_err(io)?)?, objects: read(row.try_get(1).map_err(io)?)? })
    }

    async fn delete_expired(&self, expiry: Expiry) -> Result<usize> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM media WHERE created_at_ms <= $1")
            .bind(stored(expiry.cutoff_ms))
            .fetch_all(&self.db)
            .await
            .map_err(io)?;
        let mut deleted = 0;
        for id in ids {
            let Some(parsed) = MediaId::parse(&id) else { continue };
            // The record goes first: a medium without a record does not exist, and its bytes
            // are then only garbage, never served.
            let gone = sqlx::query("DELETE FROM media WHERE id = $1").bind(&id).execute(&self.db).await.map_err(io)?;
            if gone.rows_affected() == 0 {
                continue; // another node's sweep took it
            }
            match self.objects.delete(&path_of(parsed)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(error) => tracing::warn!(%error, "deleting an expired medium's bytes failed"),
            }
            deleted += 1;
        }
        Ok(deleted)
    }
}
