//! `profile.json`: the data key wrapped under a passphrase.
//!
//! Layout (JSON): the format version, the Argon2id parameters, a random 16-byte salt, a random
//! 24-byte nonce and the wrapped data key (hex). The wrapping is XChaCha20-Poly1305 under the
//! Argon2id output; its associated data binds the format version, the parameters and the salt,
//! so editing any of them makes the file fail to open rather than weakening it.

use std::fs;
use std::io::Write;
use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::sealed::DataKey;
use super::{Error, Result};

pub(crate) const KEY_FILE_NAME: &str = "profile.json";
/// The key file format this code writes and reads.
const KEY_FILE_FORMAT: u32 = 1;
const AD_LABEL: &[u8] = b"isthmus/profile/key";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 24;

/// Upper bounds checked before running Argon2id, so a damaged or hostile key file cannot make
/// unlock allocate gigabytes or run for hours.
const MAX_M_COST_KIB: u32 = 4 * 1024 * 1024; // 4 GiB
const MAX_T_COST: u32 = 64;
const MAX_P_COST: u32 = 64;

/// Argon2id cost parameters, stored in the key file beside the salt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_cost: u32,
    /// Passes over memory.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl Default for KdfParams {
    /// 64 MiB, 3 passes, 1 lane: above OWASP's minimum for Argon2id (19 MiB, t=2) and under a
    /// second on a desktop.
    fn default() -> Self {
        KdfParams { m_cost: 64 * 1024, t_cost: 3, p_cost: 1 }
    }
}

impl KdfParams {
    /// Argon2id's smallest legal parameters. FOR TESTS ONLY: they make a passphrase about as
    /// easy to brute-force as a plain hash.
    pub fn insecure_for_tests() -> Self {
        KdfParams { m_cost: 8, t_cost: 1, p_cost: 1 }
    }

    /// Rejects parameters Argon2id cannot run and parameters too large to run safely.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.m_cost > MAX_M_COST_KIB {
            return Err(format!("memory cost {} KiB exceeds the limit of 4 GiB", self.m_cost));
        }
        if self.t_cost > MAX_T_COST {
            return Err(format!("time cost {} exceeds the limit of {MAX_T_COST}", self.t_cost));
        }
        if self.p_cost > MAX_P_COST {
            return Err(format!("parallelism {} exceeds the limit of {MAX_P_COST}", self.p_cost));
        }
        self.argon2_params().map(|_| ())
    }

    fn argon2_params(&self) -> Result<Params, String> {
        Params::new(self.m_cost, self.t_cost, self.p_cost, Some(32)).map_err(|e| e.to_string())
    }

    /// The 32-byte wrapping key for `passphrase` and `salt`.
    fn derive(&self, passphrase: &str, salt: &[u8]) -> Result<Zeroizing<[u8; 32]>> {
        let params = self.argon2_params().map_err(Error::InvalidKdfParams)?;
        let mut key = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.as_bytes(), salt, key.as_mut())
            .map_err(|e| Error::InvalidKdfParams(e.to_string()))?;
        Ok(key)
    }
}

/// The contents of `profile.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct KeyFile {
    pub format: u32,
    pub kdf: KdfParams,
    #[serde(with = "hex_bytes")]
    pub salt: Vec<u8>,
    #[serde(with = "hex_bytes")]
    pub nonce: Vec<u8>,
    #[serde(with = "hex_bytes")]
    pub wrapped_key: Vec<u8>,
}

impl KeyFile {
    /// Wraps `data_key` under `passphrase` with a fresh salt and nonce.
    pub fn wrap(data_key: &DataKey, passphrase: &str, kdf: KdfParams) -> Result<KeyFile> {
        kdf.validate().map_err(Error::InvalidKdfParams)?;
        let salt: [u8; SALT_LEN] = rand::random();
        let nonce: [u8; NONCE_LEN] = rand::random();
        let wrapping_key = kdf.derive(passphrase, &salt)?;
        let aad = associated_data(KEY_FILE_FORMAT, &kdf, &salt);
        let wrapped_key = XChaCha20Poly1305::new(wrapping_key.as_ref().into())
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: data_key.as_bytes(), aad: &aad })
            .map_err(|_| Error::Encoding("could not wrap the data key".into()))?;
        Ok(KeyFile { format: KEY_FILE_FORMAT, kdf, salt: salt.to_vec(), nonce: nonce.to_vec(), wrapped_key })
    }

    /// Recovers the data key. A failed authentication can only mean a wrong passphrase or a
    /// damaged file; the two are indistinguishable by design, and the former is far likelier.
    pub fn unwrap_key(&self, passphrase: &str) -> Result<DataKey> {
        if self.format != KEY_FILE_FORMAT {
            return Err(Error::UnsupportedVersion { found: self.format, supported: KEY_FILE_FORMAT });
        }
        self.kdf
            .validate()
            .map_err(|why| Error::Corrupt(format!("the key file asks for unusable key derivation: {why}")))?;
        if self.salt.len() != SALT_LEN || self.nonce.len() != NONCE_LEN {
            return Err(Error::Corrupt("the key file has a salt or nonce of the wrong size".into()));
        }
        let wrapping_key = self.kdf.derive(passphrase, &self.salt)?;
        let aad = associated_data(self.format, &self.kdf, &self.salt);
        let plaintext = Zeroizing::new(
            XChaCha20Poly1305::new(wrapping_key.as_ref().into())
                .decrypt(XNonce::from_slice(&self.nonce), Payload { msg: &self.wrapped_key, aad: &aad })
                .map_err(|_| Error::WrongPassphrase)?,
        );
        let bytes: [u8; 32] = plaintext
            .as_slice()
            .try_into()
            .map_err(|_| Error::Corrupt("the key file holds a data key of the wrong size".into()))?;
        Ok(DataKey::from_bytes(bytes))
    }

    /// Reads and parses the key file. The format number is checked first, so a file from a
    /// newer release reads as [`Error::UnsupportedVersion`], not as damage.
    pub fn read(path: &Path) -> Result<KeyFile> {
        #[derive(Deserialize)]
        struct FormatOnly {
            format: u32,
        }
        let text = fs::read(path)?;
        let unreadable =
            |e: serde_json::Error| Error::Corrupt(format!("the key file profile.json is unreadable ({e})"));
        let FormatOnly { format } = serde_json::from_slice(&text).map_err(unreadable)?;
        if format != KEY_FILE_FORMAT {
            return Err(Error::UnsupportedVersion { found: format, supported: KEY_FILE_FORMAT });
        }
        serde_json::from_slice(&text).map_err(unreadable)
    }

    /// Replaces `path` so that a crash at any point leaves either the old or the new file whole:
    /// write a temp file beside it, fsync it, rename it over, fsync the folder.
    pub fn write_atomically(&self, path: &Path) -> Result<()> {
        let dir = path.parent().expect("a key file path always has a folder");
        let temp = path.with_extension("json.tmp");
        let text = serde_json::to_vec_pretty(self).map_err(|e| Error::Encoding(e.to_string()))?;
        {
            let mut options = fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options.open(&temp)?;
            file.write_all(&text)?;
            file.sync_all()?;
        }
        fs::rename(&temp, path)?;
        sync_dir(dir)
    }
}

/// Makes a rename in `dir` durable. Windows has no folder fsync; there rename is as good as it gets.
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn associated_data(format: u32, kdf: &KdfParams, salt: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(AD_LABEL.len() + 16 + salt.len());
    aad.extend_from_slice(AD_LABEL);
    aad.extend_from_slice(&format.to_be_bytes());
    aad.extend_from_slice(&kdf.m_cost.to_be_bytes());
    aad.extend_from_slice(&kdf.t_cost.to_be_bytes());
    aad.extend_from_slice(&kdf.p_cost.to_be_bytes());
    aad.extend_from_slice(salt);
    aad
}

/// Byte strings as lowercase hex in JSON, readable when someone inspects the file.
mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(deserializer)?;
        hex::decode(text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key file written by the first release (insecure parameters, passphrase "pass", data key
    /// of 32 sevens). Every later release must still open it, or users are locked out.
    const FIRST_RELEASE_KEY_FILE: &str = r#"{"format":1,"kdf":{"m_cost":8,"t_cost":1,"p_cost":1},"salt":"5aacb04ceb6f12986f5513b85261af1b","nonce":"ae4defaba888c24b3d80f6dc39a948faaeec5be75f6f1ed8","wrapped_key":"274a3af96535ce8a0f4767ab4f96de45444f82892d7f9fa75dd1bda74a805f5d3905760f0ec690c03ebbac950fcfb4b3"}"#;

    fn first_release_file() -> KeyFile {
        serde_json::from_str(FIRST_RELEASE_KEY_FILE).expect("the first release's key file parses")
    }

    #[test]
    fn a_first_release_key_file_still_opens() {
        let key = first_release_file().unwrap_key("pass").expect("the right passphrase unwraps");
        assert_eq!(key.as_bytes(), &[7; 32], "the wrapped data key comes back bit for bit");
        assert!(
            matches!(first_release_file().unwrap_key("Pass"), Err(Error::WrongPassphrase)),
            "any other passphrase is refused"
        );
    }

    #[test]
    fn wrapping_twice_gives_unrelated_files() {
        let key = DataKey::from_bytes([7; 32]);
        let one = KeyFile::wrap(&key, "pass", KdfParams::insecure_for_tests()).expect("wrap");
        let two = KeyFile::wrap(&key, "pass", KdfParams::insecure_for_tests()).expect("wrap");
        assert_ne!(one.salt, two.salt, "every wrapping draws a fresh salt, so old guesses do not carry over");
        assert_ne!(one.wrapped_key, two.wrapped_key, "equal keys must not be recognisable across files");
    }
}
