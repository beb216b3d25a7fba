//! Turning a file the user picked into an encrypted attachment in the profile, ready to upload.
//! Runs on a blocking thread: it reads, maybe re-encodes, and encrypts the file.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read};
use std::path::Path;

use rand::RngCore;

use super::records::AttachmentRecord;
use super::{cipher, images, names};
use crate::{Error, Result};

/// Images larger than this are sent as files without processing.
const MAX_IMAGE_FILE: u64 = 64 * 1024 * 1024;

fn io(error: std::io::Error) -> Error {
    Error::Store(crate::store::Error::Io(error))
}

/// A MIME type from what the bytes are, else from the name, else a generic one.
pub fn content_type(name: &str, head: &[u8]) -> String {
    let by_name = name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
    let extension = names::detected_extension(head).unwrap_or(by_name.as_str()).to_owned();
    match extension.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "mp4" | "m4v" | "mov" => "video/mp4",
        "m4a" => "audio/mp4",
        "ogg" | "opus" => "audio/ogg",
        "mp3" => "audio/mpeg",
        "txt" => "text/plain",
        _ => "application/octet-stream",
    }
    .to_owned()
}

/// Where an attachment's plaintext comes from: a file the user picked, or bytes a linked
/// network (Matrix) delivered, which never touch the disk unencrypted.
pub enum Source<'a> {
    File(&'a Path),
    Bytes { name: &'a str, bytes: &'a [u8] },
}

impl Source<'_> {
    fn size(&self) -> Result<u64> {
        match self {
            Source::File(path) => Ok(std::fs::metadata(path).map_err(io)?.len()),
            Source::Bytes { bytes, .. } => Ok(bytes.len() as u64),
        }
    }

    fn name(&self) -> String {
        match self {
            Source::File(path) => path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            Source::Bytes { name, .. } => (*name).to_owned(),
        }
    }

    fn head(&self) -> Result<Vec<u8>> {
        match self {
            Source::File(path) => {
                let mut head = [0u8; 64];
                let len = File::open(path).and_then(|mut f| f.read(&mut head)).map_err(io)?;
                Ok(head[..len].to_vec())
            }
            Source::Bytes { bytes, .. } => Ok(bytes[..bytes.len().min(64)].to_vec()),
        }
    }

    fn all(&self) -> Result<std::borrow::Cow<'_, [u8]>> {
        match self {
            Source::File(path) => Ok(std::borrow::Cow::Owned(std::fs::read(path).map_err(io)?)),
            Source::Bytes { bytes, .. } => Ok(std::borrow::Cow::Borrowed(bytes)),
        }
    }

    fn reader(&self) -> Result<Box<dyn Read + '_>> {
        match self {
            Source::File(path) => Ok(Box::new(BufReader::new(File::open(path).map_err(io)?))),
            Source::Bytes { bytes, .. } => Ok(Box::new(*bytes)),
        }
    }
}

/// Encrypts the file at `path` into `files_dir`; images (unless `as_file`) are re-encoded
/// without metadata and get a thumbnail first. Returns the record, without a media id yet.
pub fn prepare(
    path: &Path,
    as_file: bool,
    files_dir: &Path,
    max_bytes: u64,
    origin_network: &str,
) -> Result<AttachmentRecord> {
    prepare_from(Source::File(path), as_file, files_dir, max_bytes, origin_network)
}

/// `prepare` for any source: the same limits, the same cleaning of images (metadata gone,
/// decoding bounded), the same encryption into the profile.
pub fn prepare_from(
    source: Source<'_>,
    as_file: bool,
    files_dir: &Path,
    max_bytes: u64,
    origin_network: &str,
) -> Result<AttachmentRecord> {
    let size = source.size()?;
    if size > max_bytes {
        return Err(Error::AttachmentTooLarge { size, max: max_bytes });
    }
    let file_name = names::sanitize(&source.name());
    let head = source.head()?;
    let head = head.as_slice();

    let key = cipher::new_key();
    let mut local = [0u8; 16];
    rand::rng().fill_bytes(&mut local);
    let local_file = format!("{}.bin", hex::encode(local));
    let out_path = files_dir.join(&local_file);
    let out = BufWriter::new(File::create(&out_path).map_err(io)?);

    let mut note = None;
    let processed = if !as_file && images::looks_like_image(head) {
        if size > MAX_IMAGE_FILE {
            note = Some("Sent as a file: the image is too large to process.".to_owned());
            None
        } else {
            match images::prepare(&source.all()?) {
                Ok(prepared) => Some(prepared),
                Err(error) => {
                    note = Some(format!("Sent as a file: {error}."));
                    None
                }
            }
        }
    } else {
        None
    };
    let encrypted = match &processed {
        Some(image) => cipher::encrypt(&key, image.bytes.as_slice(), out),
        None => cipher::encrypt(&key, source.reader()?, out),
    };
    let digest = match encrypted {
        Ok(digest) => digest,
        Err(error) => {
            let _ = std::fs::remove_file(&out_path);
            return Err(Error::Crypto(error.to_string()));
        }
    };
    let record = match processed {
        Some(image) => AttachmentRecord {
            origin_network: origin_network.to_owned(),
            id: String::new(),
            key: key.to_vec(),
            digest: digest.to_vec(),
            size: image.bytes.len() as u64,
            content_type: image.content_type.to_owned(),
            // The re-encoded image may have changed format (PNG for everything but JPEG).
            file_name: match image.content_type {
                "image/png" if !file_name.to_ascii_lowercase().ends_with(".png") => format!("{file_name}.png"),
                _ => file_name,
            },
            width: image.width,
            height: image.height,
            thumbnail: image.thumbnail,
            local_file: Some(local_file),
            note,
        },
        None => AttachmentRecord {
            origin_network: origin_network.to_owned(),
            id: String::new(),
            key: key.to_vec(),
            digest: digest.to_vec(),
            size,
            content_type: content_type(&file_name, head),
            file_name,
            width: 0,
            height: 0,
            thumbnail: Vec::new(),
            local_file: Some(local_file),
            note,
        },
    };
    Ok(record)
}
