//! A profile folder: the wrapped data key in `profile.json` and the sled database in `db/`.
//!
//! The data key is random and never changes; the passphrase only wraps it (Argon2id, then
//! XChaCha20-Poly1305), so changing the passphrase rewrites one small file and no data.
//! The key file is always replaced atomically (temp file, fsync, rename, fsync of the folder), so
//! a crash leaves either the old or the new wrapping, never neither.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
    /// Serialises key-file rewrites within this process (they share one temp file); the
    /// database lock already keeps other processes out.
    key_file_writes: Mutex<()>,
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
        let existed = dir.exists();
        make_private_dir(dir)?;
        match Profile::initialise(dir, passphrase, kdf) {
            Ok(profile) => Ok(profile),
            Err(error) => {
                // Leave the folder as it was (absent or empty), so creating again just works.
                // The folder held nothing before, so everything in it is ours to remove.
                let _ = fs::remove_dir_all(dir.join(DB_DIR_NAME));
                let _ = fs::remove_file(dir.join(KEY_FILE_NAME));
                let _ = fs::remove_file(dir.join(KEY_FILE_NAME).with_extension("json.tmp"));
                if !existed {
                    let _ = fs::remove_dir(dir);
                }
                Err(error)
            }
        }
    }

    /// Fills an empty, private folder. The database is initialised before the key file exists:
    /// a crash in between leaves a folder that `unlock` reports as missing a profile (and that
    /// `create` refuses to reuse), never a key file without its database.
    fn initialise(dir: &Path, passphrase: &str, kdf: KdfParams) -> Result<Profile> {
        let data_key = DataKey::random();
        let key_file = KeyFile::wrap(&data_key, passphrase, kdf)?;
        let store = open_sled(dir, &data_key)?;
        migrations::migrate(&store)?;
        store.flush()?;
        key_file.write_atomically(&dir.join(KEY_FILE_NAME))?;
        Ok(Profile::assemble(Some(dir.to_path_buf()), store))
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
        Ok(Profile::assemble(Some(dir.to_path_buf()), store))
    }

    /// A profile with a random key that lives in memory only, for tests and ephemeral sandboxes.
    pub fn in_memory() -> Profile {
        Profile::in_memory_on(Arc::new(MemoryStore::new()))
    }

    /// `in_memory` on a given engine, which the caller may keep to count its flushes.
    pub fn in_memory_on(raw: Arc<MemoryStore>) -> Profile {
        let store = SealedStore::new(raw, &DataKey::random());
        migrations::migrate(&store).expect("migrating an empty in-memory store cannot fail");
        Profile::assemble(None, Arc::new(store))
    }

    /// Rewraps the data key under `new` (with fresh salt and `kdf`). The data is untouched.
    pub fn change_passphrase(&self, old: &str, new: &str, kdf: KdfParams) -> Result<()> {
        let dir = self.dir.as_deref().ok_or(Error::InMemoryProfile)?;
        kdf.validate().map_err(Error::InvalidKdfParams)?;
        let _one_writer = self.key_file_writes.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let key_path = dir.join(KEY_FILE_NAME);
        // Checking `old` against the file (not the key in memory) proves the caller knows it.
        let data_key = KeyFile::read(&key_path)?.unwrap_key(old)?;
        KeyFile::wrap(&data_key, new, kdf)?.write_atomically(&key_path)
    }

    fn assemble(dir: Option<PathBuf>, store: Arc<SealedStore>) -> Profile {
        Profile { dir, store, key_file_writes: Mutex::new(()) }
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::store::Tree;

    const PASS: &str = "correct horse battery staple";

    fn fast() -> KdfParams {
        KdfParams::insecure_for_tests()
    }

    /// Every file under `dir` with its bytes, to prove what an operation did (not) write.
    fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(folder) = pending.pop() {
            for entry in fs::read_dir(&folder).expect("the profile folder is readable") {
                let path = entry.expect("a readable folder entry").path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    let bytes = fs::read(&path).expect("every profile file is readable");
                    files.insert(path, bytes);
                }
            }
        }
        files
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|window| window == needle)
    }

    fn new_profile() -> (tempfile::TempDir, PathBuf) {
        let root = tempfile::tempdir().expect("a temporary folder for the profile");
        let dir = root.path().join("alice.profile");
        (root, dir)
    }

    #[test]
    fn created_data_is_there_after_unlock() {
        let (_root, dir) = new_profile();
        {
            let profile = Profile::create(&dir, PASS, fast()).expect("create in a new folder");
            assert_eq!(profile.dir(), Some(dir.as_path()), "an on-disk profile knows its folder");
            profile.store().put(Tree::Messages, b"k", b"kept").expect("put");
            profile.store().flush().expect("flush");
        }
        let profile = Profile::unlock(&dir, PASS).expect("the right passphrase unlocks");
        assert_eq!(
            profile.store().get(Tree::Messages, b"k").expect("get"),
            Some(b"kept".to_vec()),
            "the same data key comes back, so old values open"
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_folder_and_key_file_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let (_root, dir) = new_profile();
        let _profile = Profile::create(&dir, PASS, fast()).expect("create");
        let mode = |path: &Path| fs::metadata(path).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700, "other users must not list or read the profile folder");
        assert_eq!(mode(&dir.join(KEY_FILE_NAME)), 0o600, "the wrapped key is for the owner only");
    }

    #[test]
    fn create_never_overwrites() {
        let (_root, dir) = new_profile();
        drop(Profile::create(&dir, PASS, fast()).expect("the first create works"));
        let before = snapshot(&dir);
        let again = Profile::create(&dir, "another", fast());
        assert!(
            matches!(&again, Err(Error::ProfileExists(path)) if path == &dir),
            "a second create must not replace the data key of an existing profile: {again:?}"
        );
        assert_eq!(snapshot(&dir), before, "a refused create writes nothing");

        let (_root, busy) = new_profile();
        fs::create_dir_all(&busy).expect("mkdir");
        fs::write(busy.join("notes.txt"), b"mine").expect("write");
        assert!(
            matches!(Profile::create(&busy, PASS, fast()), Err(Error::ProfileExists(_))),
            "a folder with someone else's files is not taken over"
        );

        let (_root, empty) = new_profile();
        fs::create_dir_all(&empty).expect("mkdir");
        Profile::create(&empty, PASS, fast()).expect("an existing empty folder is fine");
    }

    #[test]
    fn unlock_of_a_missing_profile_says_so() {
        let (_root, dir) = new_profile();
        let outcome = Profile::unlock(&dir, PASS);
        assert!(
            matches!(&outcome, Err(Error::ProfileMissing(path)) if path == &dir),
            "no key file means no profile, which the UI offers to create: {outcome:?}"
        );
        assert!(!dir.exists(), "a failed unlock must not create the folder");
    }

    #[test]
    fn a_wrong_passphrase_changes_no_byte() {
        let (_root, dir) = new_profile();
        {
            let profile = Profile::create(&dir, PASS, fast()).expect("create");
            profile.store().put(Tree::Messages, b"k", b"v").expect("put");
            profile.store().flush().expect("flush");
        }
        let before = snapshot(&dir);
        assert!(before.len() > 1, "the snapshot covers the key file and the database files");
        let outcome = Profile::unlock(&dir, "Correct horse battery staple");
        assert!(
            matches!(outcome, Err(Error::WrongPassphrase)),
            "a near miss is still the wrong passphrase: {outcome:?}"
        );
        assert_eq!(snapshot(&dir), before, "a failed unlock must not touch any file: it may be an attacker or a typo");
    }

    #[test]
    fn an_open_profile_cannot_be_opened_twice() {
        let (_root, dir) = new_profile();
        let _open = Profile::create(&dir, PASS, fast()).expect("create");
        let second = Profile::unlock(&dir, PASS);
        assert!(matches!(second, Err(Error::ProfileInUse)), "two writers on one database would corrupt it: {second:?}");
    }

    #[test]
    fn change_passphrase_rewraps_the_same_key() {
        let (_root, dir) = new_profile();
        {
            let profile = Profile::create(&dir, "old", fast()).expect("create");
            profile.store().put(Tree::Messages, b"k", b"survives").expect("put");
            profile.store().flush().expect("flush");
            let db_before: BTreeMap<_, _> =
                snapshot(&dir).into_iter().filter(|(path, _)| path.starts_with(dir.join(DB_DIR_NAME))).collect();
            assert!(
                matches!(profile.change_passphrase("wrong", "new", fast()), Err(Error::WrongPassphrase)),
                "changing the passphrase requires the current one"
            );
            profile.change_passphrase("old", "new", fast()).expect("the right old passphrase works");
            let db_after: BTreeMap<_, _> =
                snapshot(&dir).into_iter().filter(|(path, _)| path.starts_with(dir.join(DB_DIR_NAME))).collect();
            assert_eq!(db_after, db_before, "only the key file changes; the data is not re-encrypted");
            assert!(
                !dir.join("profile.json.tmp").exists(),
                "the temporary file is renamed into place, never left behind"
            );
        }
        assert!(
            matches!(Profile::unlock(&dir, "old"), Err(Error::WrongPassphrase)),
            "the old passphrase no longer opens the profile"
        );
        let profile = Profile::unlock(&dir, "new").expect("the new passphrase opens the profile");
        assert_eq!(
            profile.store().get(Tree::Messages, b"k").expect("get"),
            Some(b"survives".to_vec()),
            "the data key is unchanged, so existing values still open"
        );
    }

    #[test]
    fn no_plaintext_reaches_the_disk() {
        let (_root, dir) = new_profile();
        let message = b"meet me at the old lighthouse at 9";
        let name = b"bob-the-unlikely@heron.example";
        {
            let profile = Profile::create(&dir, PASS, fast()).expect("create");
            let store = profile.store();
            let key = store.name_key("conversation", name);
            store.put(Tree::Messages, &key, message).expect("put");
            store.put_json(Tree::Conversations, &key, &String::from_utf8_lossy(name)).expect("put");
            store.flush().expect("flush");
        }
        let files = snapshot(&dir);
        assert!(files.len() > 1, "the scan covers the database files, not just the key file");
        for (path, bytes) in files {
            assert!(
                !contains(&bytes, message),
                "a message must be sealed before it reaches the disk, found in {path:?}"
            );
            assert!(!contains(&bytes, name), "an identifier must never be stored in the clear, found in {path:?}");
            assert!(!contains(&bytes, PASS.as_bytes()), "the passphrase itself is never written, found in {path:?}");
        }
    }

    fn edit_key_file(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
        let path = dir.join(KEY_FILE_NAME);
        let mut json: serde_json::Value =
            serde_json::from_slice(&fs::read(&path).expect("read key file")).expect("valid JSON");
        edit(&mut json);
        fs::write(&path, serde_json::to_vec(&json).expect("serialize")).expect("write key file");
    }

    #[test]
    fn a_damaged_key_file_gives_a_clear_error() {
        let (_root, dir) = new_profile();
        drop(Profile::create(&dir, PASS, fast()).expect("create"));
        let original = fs::read(dir.join(KEY_FILE_NAME)).expect("read key file");

        fs::write(dir.join(KEY_FILE_NAME), b"{ not json").expect("write");
        let outcome = Profile::unlock(&dir, PASS);
        assert!(
            matches!(&outcome, Err(Error::Corrupt(why)) if why.contains("profile.json")),
            "garbage must be reported as a damaged key file, naming it: {outcome:?}"
        );

        fs::write(dir.join(KEY_FILE_NAME), &original).expect("restore");
        edit_key_file(&dir, |json| json["kdf"]["m_cost"] = (5u64 * 1024 * 1024).into());
        let outcome = Profile::unlock(&dir, PASS);
        assert!(
            matches!(&outcome, Err(Error::Corrupt(why)) if why.contains("4 GiB")),
            "absurd parameters are refused before Argon2 runs, not allowed to exhaust memory: {outcome:?}"
        );

        fs::write(dir.join(KEY_FILE_NAME), &original).expect("restore");
        edit_key_file(&dir, |json| json["kdf"]["t_cost"] = 2.into());
        assert!(
            matches!(Profile::unlock(&dir, PASS), Err(Error::WrongPassphrase)),
            "the parameters are bound into the wrapping, so editing them (e.g. to weaken them) fails"
        );

        fs::write(dir.join(KEY_FILE_NAME), &original).expect("restore");
        edit_key_file(&dir, |json| json["salt"] = "abcd".into());
        assert!(matches!(Profile::unlock(&dir, PASS), Err(Error::Corrupt(_))), "a salt of the wrong size is damage");

        fs::write(dir.join(KEY_FILE_NAME), &original).expect("restore");
        edit_key_file(&dir, |json| json["format"] = 2.into());
        assert!(
            matches!(Profile::unlock(&dir, PASS), Err(Error::UnsupportedVersion { found: 2, supported: 1 })),
            "a key file from a newer release asks for an update instead of looking damaged"
        );

        fs::write(dir.join(KEY_FILE_NAME), &original).expect("restore");
        Profile::unlock(&dir, PASS).expect("the restored key file opens again");
    }

    #[test]
    fn a_missing_database_is_not_silently_recreated() {
        let (_root, dir) = new_profile();
        drop(Profile::create(&dir, PASS, fast()).expect("create"));
        fs::remove_dir_all(dir.join(DB_DIR_NAME)).expect("remove the database");
        let outcome = Profile::unlock(&dir, PASS);
        assert!(
            matches!(outcome, Err(Error::Corrupt(_))),
            "an empty database would hide lost messages; it must be reported: {outcome:?}"
        );
        assert!(!dir.join(DB_DIR_NAME).exists(), "the failed unlock does not create a new database");
    }

    #[test]
    fn invalid_parameters_are_refused_on_create() {
        let (_root, dir) = new_profile();
        let too_weak = KdfParams { m_cost: 1, t_cost: 1, p_cost: 1 };
        assert!(
            matches!(Profile::create(&dir, PASS, too_weak), Err(Error::InvalidKdfParams(_))),
            "parameters Argon2id cannot run are refused"
        );
        let too_big = KdfParams { m_cost: u32::MAX, t_cost: 1, p_cost: 1 };
        assert!(
            matches!(Profile::create(&dir, PASS, too_big), Err(Error::InvalidKdfParams(_))),
            "parameters no later unlock would accept are refused"
        );
        assert!(!dir.exists(), "nothing is created when the parameters are refused");
    }

    #[test]
    fn in_memory_profiles_have_no_folder_or_passphrase() {
        let profile = Profile::in_memory();
        assert_eq!(profile.dir(), None, "an in-memory profile has no folder");
        assert!(
            matches!(profile.change_passphrase("a", "b", fast()), Err(Error::InMemoryProfile)),
            "there is no wrapped key to change"
        );
        profile.store().put(Tree::Meta, b"k", b"v").expect("an in-memory store works");
    }

    /// The one test with the real parameters: they must be what lands in profile.json.
    #[test]
    fn default_parameters_are_recorded() {
        let (_root, dir) = new_profile();
        drop(Profile::create(&dir, PASS, KdfParams::default()).expect("create with defaults"));
        let json: serde_json::Value =
            serde_json::from_slice(&fs::read(dir.join(KEY_FILE_NAME)).expect("read")).expect("JSON");
        assert_eq!(json["format"], 1, "the key file records its format version");
        assert_eq!(json["kdf"]["m_cost"], 64 * 1024, "64 MiB of memory, in KiB");
        assert_eq!(json["kdf"]["t_cost"], 3, "three passes");
        assert_eq!(json["kdf"]["p_cost"], 1, "one lane");
        assert_eq!(json["salt"].as_str().map(str::len), Some(32), "a 16-byte salt, hex-encoded");
        Profile::unlock(&dir, PASS).expect("the default parameters unlock");
    }
}
