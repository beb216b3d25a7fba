//! The engine's attachment API: send a file, download an attachment (through the own relay),
//! save it under a safe name.

use std::path::{Path, PathBuf};

use isthmus_proto::Address;
use rand::RngCore;
use serde::Serialize;

use crate::engine::Engine;
use crate::events::TransferDirection;
use crate::ids::{ConversationId, MessageId};
use crate::media::{cipher, names, records, transfer};
use crate::model::Message;
use crate::tx::Tx;
use crate::{Error, Result};

/// Where a saved attachment went, and whether its name lies about what it is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, Serialize)]
pub struct SavedAttachment {
    pub path: PathBuf,
    /// The extension does not match the detected type (e.g. a program named `.jpg`).
    pub extension_mismatch: bool,
    pub detected_type: Option<String>,
    /// A passive type (picture, sound, video, PDF, plain text) whose content is what its name
    /// says: the only files a front end hands to the system's opener. Anything else it shows in
    /// its folder.
    pub opens: bool,
}

fn io(error: std::io::Error) -> Error {
    Error::Store(crate::store::Error::Io(error))
}

impl Engine {
    /// Sends the file at `path` with an optional caption. Images are re-encoded without their
    /// metadata (EXIF, GPS) and get a thumbnail, unless `as_file` asks to send the bytes as
    /// they are. The upload happens in the background, with progress events.
    pub async fn send_file(
        &self,
        account: &Address,
        peer: &Address,
        path: &Path,
        caption: &str,
        as_file: bool,
    ) -> Result<Message> {
        if let Some(matrix) = self.matrix_by_address(account)? {
            return self.matrix_send_file(matrix, peer, path, caption, as_file).await;
        }
        self.prepare_send(account, peer).await?;
        let record = self.prepared_attachment(account, path, as_file).await?;
        let (from, to, caption) = (account.clone(), peer.clone(), caption.to_owned());
        let message = self
            .inner
            .worker
            .call(move |state| {
                Box::pin(async move { crate::media_ops::queue_attachment(state, &from, &to, caption, record) })
            })
            .await?;
        self.wake_sender(account);
        Ok(message)
    }

    /// The file at `path` checked, cleaned (images) and encrypted into the profile, ready to go
    /// out from `account`, whose network hosts it.
    pub(crate) async fn prepared_attachment(
        &self,
        account: &Address,
        path: &Path,
        as_file: bool,
    ) -> Result<records::AttachmentRecord> {
        let (path, files, max, origin) = (
            path.to_path_buf(),
            self.inner.files.clone(),
            self.inner.max_attachment_bytes,
            account.network.to_string(),
        );
        tokio::task::spawn_blocking(move || crate::media::prepare::prepare(&path, as_file, &files, max, &origin))
            .await
            .map_err(|_| Error::Stopped)?
    }

    /// Downloads an attachment through the own relay and keeps it (still encrypted) in the
    /// profile. Nothing is fetched for a message request until it is accepted.
    pub async fn download_attachment(
        &self,
        conversation: ConversationId,
        message: MessageId,
        index: u32,
    ) -> Result<Message> {
        let chat = self.conversation(&conversation)?.ok_or(Error::NoSuchConversation)?;
        if chat.request {
            return Err(Error::RequestPending);
        }
        let record = records::load(&Tx::new(self.inner.store.clone()), &conversation, &message, index)?
            .ok_or(Error::NoSuchMessage)?;
        if record.local_file.is_some() {
            return crate::conversations::find(&Tx::new(self.inner.store.clone()), &conversation, &message)?
                .ok_or(Error::NoSuchMessage);
        }
        let account = self.account(&chat.account)?;
        let mut name = [0u8; 16];
        rand::rng().fill_bytes(&mut name);
        let local_file = format!("{}.bin", hex::encode(name));
        let limit = cipher::ciphertext_len(record.size.min(self.inner.max_attachment_bytes));
        let progress =
            transfer::progress_events(self.events().clone(), conversation, message, index, TransferDirection::Download);
        transfer::download(
            &self.relay(&account)?,
            &Self::credentials(&account),
            &record.origin_network,
            &record.id,
            &self.inner.files.join(&local_file),
            limit,
            &record.digest,
            progress,
        )
        .await?;
        self.inner
            .worker
            .call(move |state| {
                Box::pin(
                    async move { crate::media_ops::mark_downloaded(state, conversation, message, index, local_file) },
                )
            })
            .await
    }

    /// Decrypts a downloaded attachment into `folder` under its sanitised name (never
    /// overwriting a file there), and says whether its extension matches its content.
    pub async fn save_attachment(
        &self,
        conversation: ConversationId,
        message: MessageId,
        index: u32,
        folder: &Path,
    ) -> Result<SavedAttachment> {
        let record = records::load(&Tx::new(self.inner.store.clone()), &conversation, &message, index)?
            .ok_or(Error::NoSuchMessage)?;
        let local = record.local_file.clone().ok_or(Error::NotDownloaded)?;
        let (source, folder) = (self.inner.files.join(local), folder.to_path_buf());
        tokio::task::spawn_blocking(move || save(&source, &record, &folder)).await.map_err(|_| Error::Stopped)?
    }
}

fn save(source: &Path, record: &records::AttachmentRecord, folder: &Path) -> Result<SavedAttachment> {
    let key: [u8; 32] = record.key.as_slice().try_into().map_err(|_| Error::AttachmentTampered)?;
    let name = names::sanitize(&record.file_name);
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem.to_owned(), format!(".{ext}")),
        _ => (name.clone(), String::new()),
    };
    // Never overwrite: "photo.jpg", then "photo (1).jpg", ...
    let mut attempt = 0;
    let (path, file) = loop {
        let candidate =
            if attempt == 0 { folder.join(&name) } else { folder.join(format!("{stem} ({attempt}){extension}")) };
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&candidate) {
            Ok(file) => break (candidate, file),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists && attempt < 1000 => attempt += 1,
            Err(error) => return Err(io(error)),
        }
    };
    let input = std::io::BufReader::new(std::fs::File::open(source).map_err(io)?);
    if let Err(error) = cipher::decrypt(&key, input, std::io::BufWriter::new(file)) {
        let _ = std::fs::remove_file(&path);
        return Err(match error {
            cipher::CipherError::Io(error) => io(error),
            _ => Error::AttachmentTampered,
        });
    }
    let mut head = [0u8; 64];
    let read = std::io::Read::read(&mut std::fs::File::open(&path).map_err(io)?, &mut head).map_err(io)?;
    let head = &head[..read];
    Ok(SavedAttachment {
        extension_mismatch: names::extension_mismatch(&name, head),
        opens: names::opens_safely(&name, head),
        detected_type: names::detected_extension(head).map(str::to_owned),
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(key: &[u8; 32], name: &str) -> records::AttachmentRecord {
        records::AttachmentRecord {
            origin_network: "harbor.test".into(),
            id: "00".repeat(16),
            key: key.to_vec(),
            digest: vec![0; 32],
            size: 5,
            content_type: "text/plain".into(),
            file_name: name.into(),
            width: 0,
            height: 0,
            thumbnail: Vec::new(),
            local_file: Some("x.bin".into()),
            note: None,
        }
    }

    #[test]
    fn a_pointer_with_the_wrong_key_is_refused_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().expect("temp dir");
        let source = dir.path().join("x.bin");
        let right = cipher::new_key();
        cipher::encrypt(&right, &b"hello"[..], std::fs::File::create(&source).expect("create")).expect("encrypt");
        let out = dir.path().join("out");
        std::fs::create_dir(&out).expect("mkdir");

        let wrong = cipher::new_key();
        let refused = save(&source, &record(&wrong, "note.txt"), &out).expect_err("a tampered pointer must not open");
        assert_eq!(refused.code(), crate::ErrorCode::AttachmentTampered);
        assert_eq!(std::fs::read_dir(&out).expect("list").count(), 0, "no half-written file is left");

        let saved = save(&source, &record(&right, "note.txt"), &out).expect("the right key opens it");
        assert_eq!(std::fs::read(&saved.path).expect("read"), b"hello");
        let again = save(&source, &record(&right, "note.txt"), &out).expect("saved again");
        assert_eq!(again.path.file_name().and_then(|n| n.to_str()), Some("note (1).txt"), "never overwrites");
    }
}
