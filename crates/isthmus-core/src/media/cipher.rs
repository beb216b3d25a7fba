//! Chunked attachment encryption: XChaCha20-Poly1305 over 64 KiB chunks.
//!
//! Layout: `ISA1` magic, a random 16-byte nonce prefix, then chunks. Chunk `i` is sealed with the
//! nonce `prefix || i` (big-endian u64) and associated data that says whether it is the last
//! chunk, so chunks cannot be reordered, dropped, or cut off at a chunk boundary. The SHA-256 of
//! the whole ciphertext is the digest the message carries; receivers check it before decrypting.
//! Both directions stream through `Read`/`Write`, so memory stays flat whatever the file size.

use std::io::{Read, Write};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

const MAGIC: &[u8; 4] = b"ISA1";
const PREFIX_LEN: usize = 16;
pub const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const AD_MIDDLE: &[u8] = b"isthmus-attachment-v1\x00";
const AD_LAST: &[u8] = b"isthmus-attachment-v1\x01";

#[derive(Debug, thiserror::Error)]
pub enum CipherError {
    #[error("the attachment could not be opened: it was altered or is not an Isthmus attachment")]
    Corrupt,
    #[error("the attachment's digest does not match the message: it was altered on the way")]
    DigestMismatch,
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// A fresh random key per attachment.
pub fn new_key() -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0u8; 32]);
    rand::rng().fill_bytes(key.as_mut());
    key
}

/// How large the ciphertext of `plaintext_len` bytes is.
pub fn ciphertext_len(plaintext_len: u64) -> u64 {
    let chunks = plaintext_len.div_ceil(CHUNK as u64).max(1);
    (MAGIC.len() + PREFIX_LEN) as u64 + plaintext_len + chunks * TAG as u64
}

fn nonce(prefix: &[u8; PREFIX_LEN], index: u64) -> XNonce {
    let mut bytes = [0u8; 24];
    bytes[..PREFIX_LEN].copy_from_slice(prefix);
    bytes[PREFIX_LEN..].copy_from_slice(&index.to_be_bytes());
    XNonce::from(bytes)
}

/// Reads until `buffer` is full or the input ends; returns how much was read.
fn fill(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

/// Encrypts `plaintext` into `out`; returns the SHA-256 digest of everything written.
pub fn encrypt(key: &[u8; 32], mut plaintext: impl Read, mut out: impl Write) -> Result<[u8; 32], CipherError> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut prefix = [0u8; PREFIX_LEN];
    rand::rng().fill_bytes(&mut prefix);
    let mut digest = Sha256::new();
    let mut write = |out: &mut dyn Write, bytes: &[u8]| -> std::io::Result<()> {
        digest.update(bytes);
        out.write_all(bytes)
    };
    write(&mut out, MAGIC)?;
    write(&mut out, &prefix)?;
    // Read one chunk ahead so the last chunk is known to be last when it is sealed.
    let mut current = vec![0u8; CHUNK];
    let mut next = vec![0u8; CHUNK];
    let mut current_len = fill(&mut plaintext, &mut current)?;
    let mut index = 0u64;
    loop {
        let next_len = if current_len == CHUNK { fill(&mut plaintext, &mut next)? } else { 0 };
        let last = next_len == 0;
        let sealed = cipher
            .encrypt(
                &nonce(&prefix, index),
                Payload { msg: &current[..current_len], aad: if last { AD_LAST } else { AD_MIDDLE } },
            )
            .map_err(|_| CipherError::Corrupt)?;
        write(&mut out, &sealed)?;
        if last {
            break;
        }
        std::mem::swap(&mut current, &mut next);
        current_len = next_len;
        index += 1;
    }
    out.flush()?;
    Ok(digest.finalize().into())
}

/// Decrypts `ciphertext` into `out`. Fails on any alteration, truncation or extension.
pub fn decrypt(key: &[u8; 32], mut ciphertext: impl Read, mut out: impl Write) -> Result<u64, CipherError> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut header = [0u8; 4 + PREFIX_LEN];
    if fill(&mut ciphertext, &mut header)? != header.len() || &header[..4] != MAGIC {
        return Err(CipherError::Corrupt);
    }
    let prefix: [u8; PREFIX_LEN] = header[4..].try_into().map_err(|_| CipherError::Corrupt)?;
    let mut current = vec![0u8; CHUNK + TAG];
    let mut next = vec![0u8; CHUNK + TAG];
    let mut current_len = fill(&mut ciphertext, &mut current)?;
    let mut index = 0u64;
    let mut written = 0u64;
    loop {
        let next_len = if current_len == CHUNK + TAG { fill(&mut ciphertext, &mut next)? } else { 0 };
        let last = next_len == 0;
        let opened = cipher
            .decrypt(
                &nonce(&prefix, index),
                Payload { msg: &current[..current_len], aad: if last { AD_LAST } else { AD_MIDDLE } },
            )
            .map_err(|_| CipherError::Corrupt)?;
        out.write_all(&opened)?;
        written += opened.len() as u64;
        if last {
            break;
        }
        std::mem::swap(&mut current, &mut next);
        current_len = next_len;
        index += 1;
    }
    out.flush()?;
    Ok(written)
}

/// The SHA-256 of everything `reader` yields.
pub fn digest_of(mut reader: impl Read) -> std::io::Result<[u8; 32]> {
    let mut digest = Sha256::new();
    let mut buffer = vec![0u8; CHUNK];
    loop {
        let n = fill(&mut reader, &mut buffer)?;
        if n == 0 {
            break;
        }
        digest.update(&buffer[..n]);
    }
    Ok(digest.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(len: usize) {
        let key = new_key();
        let plaintext: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let mut sealed = Vec::new();
        let digest = encrypt(&key, plaintext.as_slice(), &mut sealed).expect("encrypt");
        assert_eq!(sealed.len() as u64, ciphertext_len(len as u64), "the size formula matches for {len} bytes");
        assert_eq!(digest, digest_of(sealed.as_slice()).expect("digest"), "the digest covers exactly the ciphertext");
        let mut opened = Vec::new();
        decrypt(&key, sealed.as_slice(), &mut opened).expect("decrypt");
        assert_eq!(opened, plaintext, "{len} bytes come back unchanged");
    }

    #[test]
    fn files_of_every_awkward_size_round_trip() {
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17] {
            round_trip(len);
        }
    }

    #[test]
    fn any_alteration_truncation_or_wrong_key_is_refused() {
        let key = new_key();
        let plaintext = vec![7u8; 2 * CHUNK + 5];
        let mut sealed = Vec::new();
        encrypt(&key, plaintext.as_slice(), &mut sealed).expect("encrypt");
        let open = |bytes: &[u8], key: &[u8; 32]| decrypt(key, bytes, &mut Vec::new());

        let mut flipped = sealed.clone();
        flipped[100] ^= 1;
        assert!(open(&flipped, &key).is_err(), "a flipped bit is detected");
        let chunk = 4 + PREFIX_LEN + CHUNK + TAG;
        assert!(open(&sealed[..chunk], &key).is_err(), "cutting at a chunk boundary is detected (no last-chunk mark)");
        assert!(open(&sealed[..sealed.len() - 1], &key).is_err(), "a missing byte is detected");
        let mut extended = sealed.clone();
        extended.extend_from_slice(&[0u8; 32]);
        assert!(open(&extended, &key).is_err(), "appended bytes are detected");
        assert!(open(&sealed, &new_key()).is_err(), "another key opens nothing");
        assert!(open(b"not an attachment", &key).is_err());
    }
}
