//! The relay's own Ed25519 key, which signs its federation requests. Peers know its public half.
//!
//! Stored as base64 of the 32-byte seed in `data_dir/relay.key`, readable by the owner only, so that
//! the key (and with it every agreement) survives restarts.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use ed25519_dalek::SigningKey;

use crate::{Error, Result};

pub const KEY_FILE_NAME: &str = "relay.key";

pub fn key_path(data_dir: &Path) -> PathBuf {
    data_dir.join(KEY_FILE_NAME)
}

/// A fresh key from the operating system's randomness.
pub fn generate() -> SigningKey {
    SigningKey::from_bytes(&rand::random::<[u8; 32]>())
}

/// Loads the key from `data_dir`, creating the folder and the key if they are missing.
pub fn load_or_create(data_dir: &Path) -> Result<SigningKey> {
    let path = key_path(data_dir);
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir)?;
            let key = generate();
            write_new(&path, &key)?;
            Ok(key)
        }
        Err(error) => Err(Error::Key(format!("cannot read {}: {error}", path.display()))),
    }
}

fn parse(text: &str) -> Result<SigningKey> {
    let seed = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| Error::Key("relay.key is not base64".into()))?;
    let seed: [u8; 32] = seed.try_into().map_err(|_| Error::Key("relay.key must hold 32 bytes".into()))?;
    Ok(SigningKey::from_bytes(&seed))
}

fn write_new(path: &Path, key: &SigningKey) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    let text = base64::engine::general_purpose::STANDARD.encode(key.to_bytes());
    writeln!(file, "{text}")?;
    file.sync_all()?;
    Ok(())
}

/// Standard base64 of the public key, the form operators exchange in peers files.
pub fn public_key_base64(key: &SigningKey) -> String {
    base64::engine::general_purpose::STANDARD.encode(key.verifying_key().to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_survives_a_reload() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let first = load_or_create(dir.path()).expect("a key is created");
        let second = load_or_create(dir.path()).expect("the key is read back");
        assert_eq!(first.to_bytes(), second.to_bytes(), "a new key would break every agreement");
    }
}
