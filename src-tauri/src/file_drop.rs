//! Files dropped on the window. Tauri's own drop handling (on by default) takes drops away from
//! the page in WebKitGTK, so the page's HTML5 `drop` saw nothing reliable; Tauri reports them
//! to Rust instead (`WindowEvent::DragDrop`), with paths. The shell stages each file (a private
//! copy, `staging.rs`) and tells the page on "isthmus://file-drop" what it may send: staged
//! ids, names and sizes, and the files it refused with why. The page never sees a path.

use std::path::PathBuf;

use serde::Serialize;
use tauri::{AppHandle, DragDropEvent, Emitter, Manager, Runtime};

use crate::error::CommandError;
use crate::staging::{self, StagedFile};
use crate::state::AppState;

/// The Tauri event the page listens to (tauri.ts, checked by tests/contract.rs).
pub const FILE_DROP_EVENT: &str = "isthmus://file-drop";

/// What the page hears of a drag over the window (backend.ts `FileDrop`).
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FileDrop {
    /// Files are being dragged over the window: show where they would go.
    Hover,
    /// They left without being dropped.
    Leave,
    /// They were dropped: these are staged, those were refused.
    Dropped { files: Vec<StagedFile>, refused: Vec<RefusedFile> },
}

/// A dropped file that was not staged, and why (`{ code, message }`).
#[derive(Debug, Serialize)]
pub struct RefusedFile {
    pub name: String,
    pub error: CommandError,
}

/// Handles a drag-and-drop event of the main window.
pub fn on_drag_drop<R: Runtime>(app: &AppHandle<R>, event: &DragDropEvent) {
    match event {
        DragDropEvent::Enter { paths, .. } if !paths.is_empty() => emit(app, &FileDrop::Hover),
        DragDropEvent::Leave => emit(app, &FileDrop::Leave),
        DragDropEvent::Drop { paths, .. } => stage_in_background(app.clone(), paths.clone()),
        _ => {}
    }
}

/// Copies happen off the event loop (a file may be 100 MiB); only an unlocked profile takes
/// files, since a locked one has no chat to send them to and staged plaintext would wait.
fn stage_in_background<R: Runtime>(app: AppHandle<R>, paths: Vec<PathBuf>) {
    tauri::async_runtime::spawn(async move {
        let Some(state) = app.try_state::<AppState>() else { return };
        if !state.is_unlocked().await {
            emit(&app, &FileDrop::Leave);
            return;
        }
        let folder = state.staging().to_path_buf();
        let dropped = tauri::async_runtime::spawn_blocking(move || stage_all(&folder, &paths)).await;
        match dropped {
            Ok(dropped) => emit(&app, &dropped),
            Err(error) => tracing::error!(%error, "staging dropped files stopped"),
        }
    });
}

/// Stages every dropped file that can be sent and says why the others cannot.
pub fn stage_all(folder: &std::path::Path, paths: &[PathBuf]) -> FileDrop {
    let (mut files, mut refused) = (Vec::new(), Vec::new());
    for path in paths {
        match staging::stage_copy(folder, path) {
            Ok(staged) => files.push(staged),
            Err(error) => {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                refused.push(RefusedFile { name, error });
            }
        }
    }
    FileDrop::Dropped { files, refused }
}

fn emit<R: Runtime>(app: &AppHandle<R>, drop: &FileDrop) {
    if let Err(error) = app.emit(FILE_DROP_EVENT, drop) {
        tracing::error!(%error, "could not tell the page about dropped files");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tauri::Listener;

    use super::*;

    #[test]
    fn dropped_files_reach_the_page_as_staged_ids_and_refusals_never_as_paths() {
        let root = tempfile::tempdir().expect("temp dir");
        let staging_folder = root.path().join("staging");
        std::fs::create_dir(&staging_folder).expect("mkdir");
        let note = root.path().join("note.txt");
        std::fs::write(&note, b"hello").expect("write");
        let drop = stage_all(&staging_folder, &[note.clone(), root.path().to_path_buf()]);

        let json = serde_json::to_value(&drop).expect("serializes");
        assert_eq!(json["type"], "dropped");
        assert_eq!(json["files"][0]["name"], "note.txt");
        assert_eq!(json["files"][0]["size"], 5);
        let id = json["files"][0]["id"].as_str().expect("an id");
        assert!(staging::resolve(&staging_folder, id).is_ok(), "the id is what send_file takes");
        assert_eq!(json["refused"][0]["error"]["code"], "protocol", "a folder is refused with a reason: {json}");
        assert!(
            !json.to_string().contains(&*root.path().to_string_lossy()),
            "no path on disk crosses to the page: {json}"
        );
        assert_eq!(
            serde_json::to_value(FileDrop::Hover).expect("serializes"),
            serde_json::json!({ "type": "hover" }),
            "the page switches on `type`"
        );
    }

    #[test]
    fn a_drag_over_the_window_is_announced_and_a_drop_without_a_profile_stages_nothing() {
        let app = tauri::test::mock_app();
        let heard = Arc::new(Mutex::new(Vec::new()));
        let sink = heard.clone();
        app.listen_any(FILE_DROP_EVENT, move |event| {
            sink.lock().expect("not poisoned").push(event.payload().to_owned())
        });
        let paths = vec![PathBuf::from("/tmp/a.txt")];
        on_drag_drop(app.handle(), &DragDropEvent::Enter { paths, position: Default::default() });
        on_drag_drop(app.handle(), &DragDropEvent::Leave);
        assert_eq!(*heard.lock().expect("not poisoned"), [r#"{"type":"hover"}"#, r#"{"type":"leave"}"#]);
    }
}
