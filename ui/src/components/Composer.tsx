// The composer: multi-line text, Enter sends and Shift+Enter breaks the line; attach by dialog,
// drop or paste; reply and edit modes; disabled with the reason whenever sending is not allowed.
// It opens with the chat's draft and hands every change of it on (not while editing a message,
// whose text is no draft: the draft comes back when the edit ends).
import { useEffect, useRef, useState, type ClipboardEvent, type KeyboardEvent } from "react";
import type { Message } from "../bindings";
import { formatSize } from "../logic/format";

export type ComposerMode = { kind: "new" } | { kind: "reply"; message: Message } | { kind: "edit"; message: Message };

type Props = {
  blockedReason: string | null;
  mode: ComposerMode;
  onCancelMode: () => void;
  onSend: (text: string) => Promise<boolean>;
  onSendFiles: (files: File[], caption: string, asFile: boolean) => Promise<boolean>;
  onTyping: (typing: boolean) => void;
  pendingFiles: File[];
  setPendingFiles: (files: File[]) => void;
  error: string | null;
  peerLabel: string;
  /** The chat's draft, shown when the composer opens. */
  initialText?: string;
  /** Hears the text as it changes (to save it as the draft) and when the user leaves the field. */
  draft?: { change: (text: string) => void; flush: () => void };
};

export function Composer({
  blockedReason,
  mode,
  onCancelMode,
  onSend,
  onSendFiles,
  onTyping,
  pendingFiles,
  setPendingFiles,
  error,
  peerLabel,
  initialText = "",
  draft,
}: Props) {
  const [text, setText] = useState(initialText);
  const [asFile, setAsFile] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const typing = useRef(false);
  const idle = useRef<ReturnType<typeof setTimeout> | null>(null);
  const textRef = useRef(text);
  textRef.current = text;
  // The draft while a message is edited in its place.
  const beforeEdit = useRef<string | null>(null);

  useEffect(() => {
    if (mode.kind === "edit") {
      if (beforeEdit.current === null) beforeEdit.current = textRef.current;
      setText(mode.message.body);
    }
    if (mode.kind !== "new") input.current?.focus();
  }, [mode]);

  /** The text to show once an edit ends: the draft it replaced. */
  const endEdit = () => {
    const restored = beforeEdit.current ?? "";
    beforeEdit.current = null;
    return restored;
  };

  const stopTyping = () => {
    if (idle.current) clearTimeout(idle.current);
    if (typing.current) {
      typing.current = false;
      onTyping(false);
    }
  };

  const submit = async () => {
    if (blockedReason) return;
    if (pendingFiles.length > 0) {
      if (await onSendFiles(pendingFiles, text.trim(), asFile)) {
        setText("");
        draft?.change("");
        setPendingFiles([]);
      }
    } else if (text.trim() !== "") {
      const editing = mode.kind === "edit";
      if (await onSend(text)) setText(editing ? endEdit() : "");
    }
    stopTyping();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    } else if (event.key === "Escape" && mode.kind !== "new") {
      event.preventDefault();
      if (mode.kind === "edit") setText(endEdit());
      onCancelMode();
    }
  };

  const onChange = (value: string) => {
    setText(value);
    if (mode.kind !== "edit") draft?.change(value);
    if (!typing.current && value !== "") {
      typing.current = true;
      onTyping(true);
    }
    if (idle.current) clearTimeout(idle.current);
    idle.current = setTimeout(stopTyping, 4000);
  };

  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = Array.from(event.clipboardData.files);
    if (files.length > 0) {
      event.preventDefault();
      setPendingFiles([...pendingFiles, ...files]);
    }
  };

  if (blockedReason) {
    return (
      <div className="composer composer--disabled" role="status">
        <p className="composer__reason">{blockedReason}</p>
      </div>
    );
  }

  return (
    <div className="composer">
      {mode.kind !== "new" && (
        <div className="composer__mode">
          <span>
            <strong>{mode.kind === "reply" ? "Replying to" : "Editing"}</strong>{" "}
            <span className="composer__mode-text">{mode.message.body || "Attachment"}</span>
          </span>
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => {
              if (mode.kind === "edit") setText(endEdit());
              onCancelMode();
            }}
          >
            Cancel {mode.kind === "reply" ? "reply" : "edit"}
          </button>
        </div>
      )}
      {pendingFiles.length > 0 && (
        <div className="composer__files">
          <ul aria-label="Files to send">
            {pendingFiles.map((file, index) => (
              <li key={`${file.name}-${index}`} className="chip">
                {file.name} · {formatSize(file.size)}
                <button
                  type="button"
                  className="button button--tiny"
                  aria-label={`Remove ${file.name}`}
                  onClick={() => setPendingFiles(pendingFiles.filter((_, other) => other !== index))}
                >
                  ✕
                </button>
              </li>
            ))}
          </ul>
          <label className="check check--small">
            <input type="checkbox" checked={asFile} onChange={(event) => setAsFile(event.target.checked)} />
            Send images as files (keeps the original bytes and metadata)
          </label>
        </div>
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <div className="composer__row">
        <button
          type="button"
          className="button button--ghost"
          onClick={() => fileInput.current?.click()}
          aria-label="Attach files"
        >
          📎
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          aria-hidden="true"
          tabIndex={-1}
          onChange={(event) => {
            setPendingFiles([...pendingFiles, ...Array.from(event.target.files ?? [])]);
            event.target.value = "";
          }}
        />
        <textarea
          ref={input}
          className="composer__input"
          rows={Math.min(6, Math.max(1, text.split("\n").length))}
          value={text}
          placeholder={pendingFiles.length > 0 ? "Add a caption" : `Message ${peerLabel}`}
          aria-label={pendingFiles.length > 0 ? "Caption" : "Message"}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onBlur={() => {
            stopTyping();
            draft?.flush();
          }}
          dir="auto"
        />
        <button
          type="button"
          className="button button--primary"
          onClick={() => void submit()}
          disabled={text.trim() === "" && pendingFiles.length === 0}
        >
          {mode.kind === "edit" ? "Save" : "Send"}
        </button>
      </div>
    </div>
  );
}
