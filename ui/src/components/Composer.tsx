// The composer: multi-line text, Enter sends and Shift+Enter breaks the line; emoji from a picker;
// attach by dialog, drop or paste; reply and edit modes; spelling checked unless the setting is
// off. Whenever sending is not allowed it says why, with the remedy where there is one.
// It opens with the chat's draft and hands every change of it on (not while editing a message,
// whose text is no draft: the draft comes back when the edit ends).
import { useEffect, useRef, useState, type ClipboardEvent, type KeyboardEvent, type MutableRefObject } from "react";
import { Paperclip, X } from "lucide-react";
import { useTranslation } from "react-i18next";
import type { Message } from "../bindings";
import { insertText } from "../logic/composer";
import { formatSize } from "../logic/format";
import type { PendingFile } from "../backend/backend";
import { ComposerEmojiButton } from "./ComposerEmojiButton";
import { Icon } from "./Icon";
import "./Composer.css";

export type ComposerMode = { kind: "new" } | { kind: "reply"; message: Message } | { kind: "edit"; message: Message };

/** What the person can do about the reason sending is refused, as a button beside it. */
export type ComposerRemedy = { label: string; onClick: () => void };

type Props = {
  blockedReason: string | null;
  /** The remedy for `blockedReason`, offered where the reason is shown. */
  remedy?: ComposerRemedy | null;
  mode: ComposerMode;
  onCancelMode: () => void;
  onSend: (text: string) => Promise<boolean>;
  onSendFiles: (files: PendingFile[], caption: string, asFile: boolean) => Promise<boolean>;
  onTyping: (typing: boolean) => void;
  pendingFiles: PendingFile[];
  setPendingFiles: (files: PendingFile[]) => void;
  error: string | null;
  peerLabel: string;
  /** The chat's draft, shown when the composer opens. */
  initialText?: string;
  /** Hears the text as it changes (to save it as the draft) and when the user leaves the field. */
  draft?: { change: (text: string) => void; flush: () => void };
  /** Check the spelling of what is typed (the setting; on by default). */
  spellCheck?: boolean;
  /** Set to the message field while it is shown (the shell focuses it after a chat switch). */
  fieldRef?: MutableRefObject<HTMLTextAreaElement | null>;
};

export function Composer({
  blockedReason,
  remedy = null,
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
  spellCheck = true,
  fieldRef,
}: Props) {
  const { t } = useTranslation();
  const [text, setText] = useState(initialText);
  const [asFile, setAsFile] = useState(false);
  const input = useRef<HTMLTextAreaElement | null>(null);
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

  /** The emoji goes where the caret was (the field keeps its selection while the picker has focus). */
  const insertEmoji = (emoji: string) => {
    const field = input.current;
    const at = field
      ? { start: field.selectionStart, end: field.selectionEnd }
      : { start: text.length, end: text.length };
    const next = insertText(text, at.start, at.end, emoji);
    onChange(next.text);
    setTimeout(() => {
      field?.focus();
      field?.setSelectionRange(next.caret, next.caret);
    }, 0);
  };

  const setField = (element: HTMLTextAreaElement | null) => {
    input.current = element;
    if (fieldRef) fieldRef.current = element;
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
      <div className="composer composer--disabled">
        <p className="composer__reason" role="status">
          {blockedReason}
        </p>
        {remedy && (
          <button type="button" className="button button--small composer__remedy" onClick={remedy.onClick}>
            {remedy.label}
          </button>
        )}
      </div>
    );
  }

  return (
    <div className="composer">
      {mode.kind !== "new" && (
        <div className="composer__mode">
          <span>
            <strong>{t(mode.kind === "reply" ? "composer.replyingTo" : "composer.editing")}</strong>{" "}
            <span className="composer__mode-text">{mode.message.body || t("common.attachment")}</span>
          </span>
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => {
              if (mode.kind === "edit") setText(endEdit());
              onCancelMode();
            }}
          >
            {t(mode.kind === "reply" ? "composer.cancelReply" : "composer.cancelEdit")}
          </button>
        </div>
      )}
      {pendingFiles.length > 0 && (
        <div className="composer__files">
          <ul aria-label={t("composer.filesToSend")}>
            {pendingFiles.map((file, index) => (
              <li key={`${file.name}-${index}`} className="chip">
                {file.name} · {formatSize(file.size)}
                <button
                  type="button"
                  className="button button--tiny"
                  aria-label={t("composer.removeFile", { file: file.name })}
                  onClick={() => setPendingFiles(pendingFiles.filter((_, other) => other !== index))}
                >
                  <Icon icon={X} />
                </button>
              </li>
            ))}
          </ul>
          <label className="check check--small">
            <input type="checkbox" checked={asFile} onChange={(event) => setAsFile(event.target.checked)} />
            {t("composer.asFiles")}
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
          aria-label={t("composer.attach")}
        >
          <Icon icon={Paperclip} />
        </button>
        <ComposerEmojiButton onInsert={insertEmoji} />
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
          ref={setField}
          className="composer__input"
          rows={Math.min(6, Math.max(1, text.split("\n").length))}
          value={text}
          placeholder={
            pendingFiles.length > 0 ? t("composer.captionPlaceholder") : t("composer.placeholder", { peer: peerLabel })
          }
          aria-label={t(pendingFiles.length > 0 ? "composer.caption" : "composer.message")}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onBlur={() => {
            stopTyping();
            draft?.flush();
          }}
          spellCheck={spellCheck}
          dir="auto"
        />
        <button
          type="button"
          className="button button--primary"
          onClick={() => void submit()}
          disabled={text.trim() === "" && pendingFiles.length === 0}
        >
          {t(mode.kind === "edit" ? "action.save" : "composer.send")}
        </button>
      </div>
    </div>
  );
}
