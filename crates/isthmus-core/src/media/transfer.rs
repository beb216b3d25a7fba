//! Moving encrypted attachments: upload to the own relay, download through the own relay's
//! proxy. Both stream from and to files with progress, so memory stays flat; a download is
//! checked against the message's digest before anything else touches it.

use std::path::Path;

use futures_util::StreamExt as _;
use isthmus_proto::api::ErrorCode as RelayCode;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::relay_client::{Credentials, RelayClient};
use crate::{Error, Result};

/// Called with (bytes done, bytes total) as a transfer goes.
pub type Progress = std::sync::Arc<dyn Fn(u64, u64) + Send + Sync>;

const PIECE: usize = 64 * 1024;

/// Progress as `Transfer` events, at most one per percent (and always the last).
pub fn progress_events(
    events: tokio::sync::broadcast::Sender<crate::events::Event>,
    conversation: crate::ids::ConversationId,
    message: crate::ids::MessageId,
    index: u32,
    direction: crate::events::TransferDirection,
) -> Progress {
    let last = std::sync::atomic::AtomicU64::new(u64::MAX);
    std::sync::Arc::new(move |done, total| {
        let percent = done.saturating_mul(100).checked_div(total).unwrap_or(100);
        if last.swap(percent, std::sync::atomic::Ordering::Relaxed) != percent {
            let _ =
                events.send(crate::events::Event::Transfer { conversation, message, index, direction, done, total });
        }
    })
}

/// Uploads the encrypted file at `path`; returns the relay's media id.
pub async fn upload(relay: &RelayClient, auth: &Credentials, path: &Path, progress: Progress) -> Result<String> {
    let file = tokio::fs::File::open(path).await.map_err(io)?;
    let total = file.metadata().await.map_err(io)?.len();
    let stream = futures_util::stream::unfold((file, 0u64), move |(mut file, done)| {
        let progress = progress.clone();
        async move {
            let mut buffer = vec![0u8; PIECE];
            match file.read(&mut buffer).await {
                Ok(0) => None,
                Ok(n) => {
                    buffer.truncate(n);
                    let done = done + n as u64;
                    progress(done, total);
                    Some((Ok::<_, std::io::Error>(bytes::Bytes::from(buffer)), (file, done)))
                }
                Err(error) => Some((Err(error), (file, done))),
            }
        }
    });
    relay.upload_media(auth, reqwest::Body::wrap_stream(stream), total).await
}

/// Downloads media `id` of `network` into `destination`, refusing more than `max_bytes`, and
/// checks the SHA-256 against `digest`. On any failure nothing is left at `destination`.
#[allow(clippy::too_many_arguments)]
pub async fn download(
    relay: &RelayClient,
    auth: &Credentials,
    network: &str,
    id: &str,
    destination: &Path,
    max_bytes: u64,
    digest: &[u8],
    progress: Progress,
) -> Result<()> {
    let partial = destination.with_extension("part");
    let result = download_to(relay, auth, network, id, &partial, max_bytes, digest, progress).await;
    match result {
        Ok(()) => tokio::fs::rename(&partial, destination).await.map_err(io),
        Err(error) => {
            let _ = tokio::fs::remove_file(&partial).await;
            Err(error)
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn download_to(
    relay: &RelayClient,
    auth: &Credentials,
    network: &str,
    id: &str,
    partial: &Path,
    max_bytes: u64,
    digest: &[u8],
    progress: Progress,
) -> Result<()> {
    let response = relay.download_media(auth, network, id).await?;
    let total = response.content_length().unwrap_or(0);
    if total > max_bytes {
        return Err(Error::relay(RelayCode::TooLarge, "the attachment is larger than allowed"));
    }
    let mut file = tokio::fs::File::create(partial).await.map_err(io)?;
    let mut hasher = Sha256::new();
    let mut done = 0u64;
    let mut body = response.bytes_stream();
    while let Some(piece) = body.next().await {
        let piece = piece.map_err(|e| Error::Unreachable(format!("download interrupted: {}", e.without_url())))?;
        done += piece.len() as u64;
        if done > max_bytes {
            return Err(Error::relay(RelayCode::TooLarge, "the attachment is larger than allowed"));
        }
        hasher.update(&piece);
        file.write_all(&piece).await.map_err(io)?;
        progress(done, total.max(done));
    }
    file.sync_all().await.map_err(io)?;
    if hasher.finalize().as_slice() != digest {
        return Err(Error::AttachmentTampered);
    }
    Ok(())
}

fn io(error: std::io::Error) -> Error {
    Error::Store(crate::store::Error::Io(error))
}
