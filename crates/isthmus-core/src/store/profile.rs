//! A profile folder: the wrapped data key in `profile.json` and the sled database in `db/`.
//!
//! The data key is random and never changes; the passphrase only wraps it (Argon2id, then
//! XChaCha20-Poly1305), so changing the passphrase rewrites one small file and no data.
//! The key file is always replaced atomically (temp file, fsync, rename, fsync of the folder), so
//! a crash leaves either the old or the new wrapping, never neither.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::key_file::{KeyFile, KEY_FILE_NAME};
use super::memory::MemoryStore;
use super::sealed::{DataKey, SealedStore};
use super::sled_store::SledStore;
use super::{migrations, Error, Result};

pub use super::key_file::KdfParams;

/// Where the database lives inside a profile folder.
const DB_DIR_NAME: &str = "db";

/// An unlocked profile: its folder (unless it lives in memory) and its sealed store.
#[derive(Debug)]
pub struct Profile {
    dir: Option<PathBuf>,
    store: Arc<SealedStore>,
}

impl Profile {
    /// Creates a new profile in `dir` with a fresh random data key wrapped under `passphrase`.
    ///
    /// `dir` must not exist or be empty, so an existing profile is never overwritten
    /// ([`Error::ProfileExists`]). On unix the folder is made private to the user (0700).
    pub fn create(dir: &Path, passphrase: &str, kdf: KdfParams) -> Result<Profile> {
        kdf.validate().map_err(Error::InvalidKdfParams)?;
        if folder_has_entries(dir)? {
            return Err(Error::ProfileExists(dir.to_path_buf()));
        }
        make_private_dir(dir)?;
        let data_key = DataKey::random();
        let key_file = KeyFile::wrap(&data_key, passphrase, kdf)?;
        // The database is initialised before the key file exists: a crash in between leaves a
        // folder that `unlock` reports as missing a profile, never a key without its schema.
        let store = open_sled(dir, &data_key)?;
        migrations::migrate(&store)?;
        store.flush()?;
        key_file.write_atomically(&dir.join(KEY_FILE_NAME))?;
        Ok(Profile { dir: Some(dir.to_path_buf()), store })
    }

    /// Opens the profile in `dir`. A wrong passphrase gives [`Error::WrongPassphrase`] and
    /// writes nothing: the database is opened only once the key is unwrapped.
    pub fn unlock(dir: &Path, passphrase: &str) -> Result<Profile> {
        let key_path = dir.join(KEY_FILE_NAME);
        let key_file = match KeyFile::read(&key_path) {
            Err(Error::Io(error)) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::ProfileMissing(dir.to_path_buf()));
            }
            other => other?,
        };
        let data_key = key_file.unwrap_key(passphrase)?;
        if !dir.join(DB_DIR_NAME).is_dir() {
            return Err(Error::Corrupt("the profile's database folder is missing".into()));
        }
        let store = open_sled(dir, &data_key)?;
        migrations::migrate(&store)?;
        Ok(Profile { dir: Some(dir.to_path_buf()), store })
    }

    /// A profile with a random key that lives in memory only, for tests and ephemeral sandboxes.
    pub fn in_memory() -> Profile {
        let store = SealedStore::new(Arc::new(MemoryStore::new()), &DataKey::random());
        migrations::migrate(&store).expect("migrating an empty in-memory store cannot fail");
        Profile { dir: None, store: Arc::new(store) }
    }

    /// Rewraps the data key under `new` (with fresh salt and `kdf`). The data is untouched.
    pub fn change_passphrase(&self, old: &str, new: &str, kdf: KdfParams) -> Result<()> {
        let dir = self.dir.as_deref().ok_or(Error::InMemoryProfile)?;
        kdf.validate().map_err(Error::InvalidKdfParams)?;
        let key_path = dir.join(KEY_FILE_NAME);
        // Checking `old` against the file (not the key in memory) proves the caller knows it.
        let data_key = KeyFile::read(&key_path)?.unwrap_key(old)?;
        KeyFile::wrap(&data_key, new, kdf)?.write_atomically(&key_path)
    }

    pub fn store(&self) -> Arc<SealedStore> {
        Arc::clone(&self.store)
    }

    /// The profile folder, or `None` for an in-memory profile.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }
}

fn open_sled(dir: &Path, data_key: &DataKey) -> Result<Arc<SealedStore>> {
    let raw = SledStore::open(dir.join(DB_DIR_NAME))?;
    Ok(Arc::new(SealedStore::new(Arc::new(raw), data_key)))
}

fn folder_has_entries(dir: &Path) -> Result<bool> {
    match fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_some()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(error) => Err(error.into()),
    }
}

/// Creates `dir` (and its parents) and makes `dir` itself readable by its owner only.
fn make_private_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}
