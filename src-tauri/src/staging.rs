//! Where files the user dropped, pasted or picked wait to be sent: plaintext copies, so they
//! live as briefly as possible. The folder sits beside the profile folder (`profile.staging`),
//! readable by the user only; each staged file is deleted once it was sent (the engine keeps an
//! encrypted copy), the whole folder at every start (an app that was killed never cleaned up),
//! when the profile is locked, and when the app exits.
//!
//! A file arrives in one of two ways: as bytes the page holds (pasted or picked; `stage_bytes`)
//! or as a file dropped on the window, which Tauri reports to Rust with its path
//! (`stage_copy`). Either way the page learns only a [`StagedFile`]: an id relative to this
//! folder, the file's name and size. It never names a path on disk.

use std::path::{Path, PathBuf};

use isthmus_core::media::{names, DEFAULT_MAX_ATTACHMENT_BYTES};
use isthmus_core::ErrorCode;
use serde::Serialize;

use crate::error::{CommandError, CommandResult};

/// A file waiting in the staging folder, as the page knows it (backend.ts `StagedFile`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StagedFile {
    /// Where it waits, relative to the staging folder (`file-XXXX/name`): what `send_file`
    /// takes back.
    pub id: String,
    /// Its (sanitised) name, to show.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
}

/// Refuses a file over the attachment limit, saying both sizes in the units people use.
pub fn too_large(name: &str, size: u64) -> CommandError {
    const MIB: u64 = 1024 * 1024;
    CommandError::new(
        ErrorCode::AttachmentTooLarge,
        format!(
            "{name} is {} MiB; files up to {} MiB can be sent",
            size.div_ceil(MIB),
            DEFAULT_MAX_ATTACHMENT_BYTES / MIB
        ),
    )
}

/// Writes `bytes` into `staging` under the file's own (sanitised) name, in a folder of its
/// own so names never collide.
pub fn stage_bytes(staging: &Path, file_name: &str, bytes: &[u8]) -> CommandResult<StagedFile> {
    let size = bytes.len() as u64;
    if size > DEFAULT_MAX_ATTACHMENT_BYTES {
        return Err(too_large(file_name, size));
    }
    let (id, path) = new_slot(staging, file_name)?;
    std::fs::write(&path, bytes).map_err(CommandError::io)?;
    Ok(StagedFile { id, name: names::sanitize(file_name), size })
}

/// Copies the file at `source` (one the user dropped on the window) into `staging`. Folders
/// and anything but a regular file are refused, and so is a file over the limit, before a
/// byte is copied.
pub fn stage_copy(staging: &Path, source: &Path) -> CommandResult<StagedFile> {
    let file_name = source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
    let metadata = std::fs::metadata(source).map_err(CommandError::io)?;
    if !metadata.is_file() {
        return Err(CommandError::new(
            ErrorCode::Protocol,
            format!("{file_name} is a folder or a device, not a file: only files can be sent"),
        ));
    }
    if metadata.len() > DEFAULT_MAX_ATTACHMENT_BYTES {
        return Err(too_large(&file_name, metadata.len()));
    }
    let (id, path) = new_slot(staging, &file_name)?;
    let size = std::fs::copy(source, &path).map_err(CommandError::io)?;
    // The file may have grown between the check and the copy.
    if size > DEFAULT_MAX_ATTACHMENT_BYTES {
        let _ = std::fs::remove_file(&path);
        return Err(too_large(&file_name, size));
    }
    Ok(StagedFile { id, name: names::sanitize(&file_name), size })
}

/// A new folder in `staging` and the path of the file `file_name` in it, with its id.
fn new_slot(staging: &Path, file_name: &str) -> CommandResult<(String, PathBuf)> {
    let folder = tempfile::Builder::new().prefix("file-").tempdir_in(staging).map_err(CommandError::io)?.keep();
    let name = names::sanitize(file_name);
    let folder_name = folder.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok((format!("{folder_name}/{name}"), folder.join(name)))
}

/// The staged file that `id` names (as [`StagedFile::id`], or an absolute path from builds
/// that handed those out), if it is a file inside `staging`: the page can hand over files,
/// never name one elsewhere on disk.
pub fn resolve(staging: &Path, id: &str) -> CommandResult<PathBuf> {
    let refused = || CommandError::new(ErrorCode::Protocol, "only files handed to the app can be sent");
    let path = staging.join(id).canonicalize().map_err(|_| refused())?;
    let staging = staging.canonicalize().map_err(CommandError::io)?;
    if path.starts_with(&staging) && path.is_file() {
        Ok(path)
    } else {
        Err(refused())
    }
}

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
    fn staged_files_keep_a_safe_name_in_a_folder_of_their_own() {
        let staging = tempfile::tempdir().expect("temp dir");
        let a = stage_bytes(staging.path(), "../../etc/passwd", b"x").expect("staged");
        let b = stage_bytes(staging.path(), "../../etc/passwd", b"yy").expect("staged");
        let path = resolve(staging.path(), &a.id).expect("the id names the staged file");
        assert!(path.starts_with(staging.path().canonicalize().expect("exists")), "no climbing out: {path:?}");
        assert_ne!(a.id, b.id, "two files with one name do not overwrite each other");
        assert_eq!((b.name.as_str(), b.size), ("passwd", 2), "the page learns the name and size, not a path");
        assert!(!a.id.starts_with('/'), "the id is relative to the staging folder: {}", a.id);
        assert_eq!(std::fs::read(resolve(staging.path(), &b.id).expect("resolves")).expect("read"), b"yy");
    }

    #[test]
    fn only_files_inside_the_staging_folder_resolve() {
        let root = tempfile::tempdir().expect("temp dir");
        let staging = root.path().join("staging");
        std::fs::create_dir(&staging).expect("mkdir");
        let outside = root.path().join("secret.txt");
        std::fs::write(&outside, b"mine").expect("write");
        for id in ["../secret.txt", outside.to_str().expect("utf-8"), "", "."] {
            let refused = resolve(&staging, id).expect_err("not a staged file");
            assert_eq!(refused.code(), ErrorCode::Protocol, "{id:?} is refused");
        }
    }

    #[test]
    fn a_dropped_file_is_copied_and_folders_and_oversized_files_are_refused_before_copying() {
        let root = tempfile::tempdir().expect("temp dir");
        let staging = root.path().join("staging");
        std::fs::create_dir(&staging).expect("mkdir");
        let photo = root.path().join("holiday photo.jpg");
        std::fs::write(&photo, b"\xff\xd8\xff").expect("write");
        let staged = stage_copy(&staging, &photo).expect("a regular file is staged");
        assert_eq!((staged.name.as_str(), staged.size), ("holiday photo.jpg", 3));
        assert_eq!(std::fs::read(resolve(&staging, &staged.id).expect("resolves")).expect("read"), b"\xff\xd8\xff");
        assert!(photo.exists(), "the person's own file stays where it was");

        let folder = stage_copy(&staging, root.path()).expect_err("a folder is no attachment");
        assert_eq!(folder.code(), ErrorCode::Protocol);

        let big = root.path().join("big.iso");
        let file = std::fs::File::create(&big).expect("create");
        file.set_len(DEFAULT_MAX_ATTACHMENT_BYTES + 1).expect("a sparse file over the limit");
        let refused = stage_copy(&staging, &big).expect_err("over the limit");
        assert_eq!(refused.code(), ErrorCode::AttachmentTooLarge);
        assert_eq!(refused.0.message, "big.iso is 101 MiB; files up to 100 MiB can be sent", "a clear reason");
        assert_eq!(std::fs::read_dir(&staging).expect("readable").count(), 1, "only the photo was copied");
    }

    #[test]
    fn bytes_over_the_limit_are_refused_with_the_limit_named() {
        let staging = tempfile::tempdir().expect("temp dir");
        let bytes = vec![0u8; usize::try_from(DEFAULT_MAX_ATTACHMENT_BYTES).expect("fits") + 1];
        let refused = stage_bytes(staging.path(), "film.mkv", &bytes).expect_err("over the limit");
        assert_eq!(refused.code(), ErrorCode::AttachmentTooLarge);
        assert!(refused.0.message.contains("100 MiB"), "{}", refused.0.message);
        assert_eq!(std::fs::read_dir(staging.path()).expect("readable").count(), 0, "nothing was written");
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
