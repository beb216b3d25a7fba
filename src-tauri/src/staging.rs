//! Where files the user dropped, pasted or picked wait to be sent: plaintext copies, so they
//! live as briefly as possible. The folder sits beside the profile folder (`profile.staging`),
//! readable by the user only; each staged file is deleted once it was sent (the engine keeps an
//! encrypted copy), the whole folder at every start (an app that was killed never cleaned up),
//! when the profile is locked, and when the app exits.

use std::path::{Path, PathBuf};

/// What temporary folders of builds before this one were called; their leftovers are deleted
/// at start, since those builds never cleaned up after a crash or a quit.
const LEGACY_PREFIX: &str = "isthmus-staging-";

pub struct Staging {
    dir: PathBuf,
}

impl Staging {
    /// The staging folder of the profile at `profile_dir`, emptied.
    pub fn open(profile_dir: &Path) -> std::io::Result<Self> {
        let name =
            profile_dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "profile".into());
        let dir = profile_dir.with_file_name(format!("{name}.staging"));
        let staging = Staging { dir };
        staging.clear()?;
        remove_legacy(&std::env::temp_dir());
        Ok(staging)
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Deletes everything staged and leaves an empty private folder.
    pub fn clear(&self) -> std::io::Result<()> {
        match std::fs::remove_dir_all(&self.dir) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(error),
        }
        create_private(&self.dir)
    }

    /// Deletes one staged file and the folder of its own that `stage` made for it. Anything
    /// outside the staging folder is left alone.
    pub fn discard(&self, file: &Path) {
        let (Some(folder), Ok(dir)) = (file.parent(), self.dir.canonicalize()) else { return };
        let Ok(folder) = folder.canonicalize() else { return };
        if folder.parent() != Some(dir.as_path()) {
            return;
        }
        if let Err(error) = std::fs::remove_dir_all(&folder) {
            tracing::warn!(%error, "could not delete a staged file");
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn create_private(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn remove_legacy(temp: &Path) {
    let Ok(entries) = std::fs::read_dir(temp) else { return };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(LEGACY_PREFIX) && entry.path().is_dir() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatever_a_killed_app_left_staged_is_gone_at_the_next_start() {
        let root = tempfile::tempdir().expect("temp dir");
        let profile = root.path().join("profile");
        let left = profile.with_file_name("profile.staging").join("file-abc");
        std::fs::create_dir_all(&left).expect("mkdir");
        std::fs::write(left.join("passport.jpg"), b"plaintext").expect("write");
        let staging = Staging::open(&profile).expect("opens");
        assert_eq!(std::fs::read_dir(staging.path()).expect("readable").count(), 0, "the folder starts empty");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(staging.path()).expect("exists").permissions().mode();
            assert_eq!(mode & 0o077, 0, "only the user can read staged files");
        }
        drop(staging);
        assert!(!profile.with_file_name("profile.staging").exists(), "an app that exits leaves nothing");
    }

    #[test]
    fn a_discarded_file_goes_with_its_folder_and_nothing_outside_is_touched() {
        let root = tempfile::tempdir().expect("temp dir");
        let staging = Staging::open(&root.path().join("profile")).expect("opens");
        let folder = staging.path().join("file-1");
        std::fs::create_dir_all(&folder).expect("mkdir");
        std::fs::write(folder.join("a.txt"), b"x").expect("write");
        staging.discard(&folder.join("a.txt"));
        assert!(!folder.exists());
        let outside = root.path().join("keep.txt");
        std::fs::write(&outside, b"mine").expect("write");
        staging.discard(&outside);
        assert!(outside.exists(), "a path outside the staging folder is never deleted");
    }

    #[test]
    fn leftovers_of_older_builds_are_removed() {
        let temp = tempfile::tempdir().expect("temp dir");
        let old = temp.path().join("isthmus-staging-XyZ/file-1");
        std::fs::create_dir_all(&old).expect("mkdir");
        std::fs::write(old.join("secret.pdf"), b"plaintext").expect("write");
        std::fs::write(temp.path().join("unrelated"), b"keep").expect("write");
        remove_legacy(temp.path());
        assert!(!temp.path().join("isthmus-staging-XyZ").exists());
        assert!(temp.path().join("unrelated").exists());
    }
}
