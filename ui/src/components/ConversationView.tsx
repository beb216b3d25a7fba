// One chat: header, consent banners, request bar, virtualized timeline, typing, composer.
import { useEffect, useMemo, useState, type DragEvent } from "react";
import type { Contact, Conversation, Message } from "../bindings";
import { asUserError, type Settings } from "../backend/backend";
import { addressText, isOtherNetwork } from "../logic/address";
import { sendBlockedReason } from "../logic/composer";
import { timelineRows, type TimelineRow } from "../logic/days";
import { describeError } from "../logic/errors";
import { Composer, type ComposerMode } from "./Composer";
import { ConfirmDialog, KeyChangeDialog, LinkDialog, ReportDialog } from "./ConsentDialogs";
import { useBackend } from "./context";
import { MessageItem, type MessageActions } from "./MessageItem";
import { ConversationHeader } from "./ConversationHeader";
import { RequestBar } from "./RequestBar";
import { useTimeline } from "./useTimeline";
import { VirtualList } from "./VirtualList";

const PAGE = 80;

type Props = {
  conversation: Conversation;
  contact: Contact | null;
  settings: Settings;
  typing: boolean;
  onContactDetails: () => void;
  onToggleFlag: (flag: "pinned" | "muted" | "archived") => void;
  onContactChanged: () => void;
  onClosed: () => void;
};

type Pending =
  | { kind: "link"; url: string }
  | { kind: "delete"; message: Message }
  | { kind: "report" }
  | { kind: "block" }
  | { kind: "delete-request" }
  | { kind: "key-change" };

export function ConversationView({
  conversation,
  contact,
  settings,
  typing,
  onContactDetails,
  onToggleFlag,
  onContactChanged,
  onClosed,
}: Props) {
  const backend = useBackend();
  const [mode, setMode] = useState<ComposerMode>({ kind: "new" });
  const [pendingFiles, setPendingFiles] = useState<File[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Pending | null>(null);
  const [dragging, setDragging] = useState(false);
  const account = addressText(conversation.account);
  const peer = addressText(conversation.peer);
  const blockedReason = sendBlockedReason(conversation, contact);

  const { messages, loading, loadError, retry, loadOlder, transfers } = useTimeline(
    backend,
    conversation.id,
    PAGE,
    setError,
  );

  // A chat opened afresh starts with an empty composer and no notices.
  useEffect(() => {
    setMode({ kind: "new" });
    setError(null);
    setNotice(null);
    setPendingFiles([]);
  }, [conversation.id]);

  // Reading an accepted chat marks it read (the backend sends receipts only if allowed).
  useEffect(() => {
    if (!conversation.request && conversation.unread > 0 && document.visibilityState === "visible")
      void backend.markRead(conversation.id).catch(() => undefined);
  }, [backend, conversation.id, conversation.request, conversation.unread, messages.length]);

  const rows = useMemo(() => timelineRows(messages, Date.now()), [messages]);

  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    setError(null);
    try {
      await action();
      return true;
    } catch (caught) {
      setError(describeError(asUserError(caught)));
      return false;
    }
  };

  const actions: MessageActions = {
    reply: (message) => setMode({ kind: "reply", message }),
    edit: (message) => setMode({ kind: "edit", message }),
    react: (message, emoji) => {
      const mine = message.reactions.find((reaction) => reaction.author === account);
      void run(() =>
        backend.send(account, peer, { kind: "reaction", target: message.id, emoji, remove: mine?.emoji === emoji }),
      );
    },
    remove: (message) => setDialog({ kind: "delete", message }),
    openLink: (url) => setDialog({ kind: "link", url }),
    download: (message, index) => void run(() => backend.downloadAttachment(conversation.id, message.id, index)),
    open: (message, index) =>
      void run(async () => {
        const saved = await backend.openAttachment(conversation.id, message.id, index);
        if (!saved.opens) {
          setNotice(
            `Saved to ${saved.path} and shown in its folder. Files of this kind are not opened from a chat, because opening could run them.`,
          );
        }
      }),
    save: (message, index) =>
      void run(async () => {
        const saved = await backend.saveAttachment(conversation.id, message.id, index);
        setNotice(
          saved.extension_mismatch
            ? `Saved to ${saved.path}. Careful: its name does not match what it is (${saved.detected_type ?? "unknown type"}).`
            : `Saved to ${saved.path}.`,
        );
      }),
  };

  const send = async (text: string) => {
    if (mode.kind === "edit") {
      const ok = await run(() => backend.send(account, peer, { kind: "edit", target: mode.message.id, body: text }));
      if (ok) setMode({ kind: "new" });
      return ok;
    }
    const quote = mode.kind === "reply" ? mode.message.id : null;
    const ok = await run(() => backend.send(account, peer, { kind: "text", body: text, quote }));
    if (ok) setMode({ kind: "new" });
    return ok;
  };

  const sendFiles = async (files: File[], caption: string, asFile: boolean) =>
    run(async () => {
      for (const [index, file] of files.entries()) {
        const path = await backend.stageFile(file.name, new Uint8Array(await file.arrayBuffer()));
        await backend.sendFile(account, peer, path, index === 0 ? caption : "", asFile);
      }
    });

  const onTyping = (started: boolean) => {
    if (settings.typingIndicators && !conversation.request)
      void backend.sendTyping(account, peer, started).catch(() => undefined);
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (blockedReason) return;
    const files = Array.from(event.dataTransfer.files);
    if (files.length > 0) setPendingFiles([...pendingFiles, ...files]);
  };

  const flagged = (flag: "pinned" | "muted" | "archived") => settings[flag].includes(conversation.id);
  const other = isOtherNetwork(conversation);

  const renderRow = (row: TimelineRow) =>
    row.kind === "day" ? (
      <div className="day-separator" role="separator" aria-label={row.label}>
        <span>{row.label}</span>
      </div>
    ) : (
      <MessageItem
        message={row.message}
        own={account}
        request={conversation.request}
        canWrite={blockedReason === null}
        transfers={transfers}
        actions={actions}
        peerName={peer}
      />
    );

  return (
    <section
      className={`conversation ${dragging ? "conversation--drop" : ""}`}
      aria-labelledby="conversation-title"
      onDragOver={(event) => {
        if (blockedReason) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <ConversationHeader
        conversation={conversation}
        contact={contact}
        flags={{ pinned: flagged("pinned"), muted: flagged("muted"), archived: flagged("archived") }}
        onToggleFlag={onToggleFlag}
        onContactDetails={onContactDetails}
      />

      {other && (
        <p className="banner banner--info" role="note">
          {conversation.peer.name} uses {conversation.peer.network}, another network. Its policies apply to their side
          of this chat. Messages are end-to-end encrypted.
        </p>
      )}
      {conversation.read_only && (
        <p className="banner banner--warning" role="note">
          Read-only: you turned off chats with {conversation.peer.network} for {account}. Turn them on in Settings to
          write again.
        </p>
      )}
      {contact?.key_change_held && (
        <div className="banner banner--danger" role="alert">
          <span>{peer}'s safety number changed. Messages to them wait until you acknowledge it.</span>
          <button type="button" className="button button--small" onClick={() => setDialog({ kind: "key-change" })}>
            Review
          </button>
        </div>
      )}
      {contact?.blocked && !conversation.request && (
        <div className="banner banner--warning" role="note">
          <span>You blocked {peer}. Nothing they send reaches you.</span>
          <button
            type="button"
            className="button button--small"
            onClick={() => void run(() => backend.unblock(account, peer)).then(onContactChanged)}
          >
            Unblock
          </button>
        </div>
      )}
      {conversation.request && (
        <RequestBar
          conversation={conversation}
          onAccept={() => void run(() => backend.acceptRequest(conversation.id))}
          onBlock={() => setDialog({ kind: "block" })}
          onReport={() => setDialog({ kind: "report" })}
          onDelete={() => setDialog({ kind: "delete-request" })}
        />
      )}
      {notice && (
        <p className="banner banner--info" role="status">
          {notice}
        </p>
      )}

      {loading ? (
        <p className="timeline timeline--loading" role="status">
          Loading messages…
        </p>
      ) : loadError ? (
        <div className="timeline timeline--empty" role="alert">
          <p className="notice notice--error">The messages could not be loaded. {loadError}</p>
          <button type="button" className="button button--small" onClick={retry}>
            Try again
          </button>
        </div>
      ) : messages.length === 0 ? (
        <p className="timeline timeline--empty">No messages yet. Say hello.</p>
      ) : (
        <VirtualList
          className="timeline"
          items={rows}
          keyOf={(row) => row.key}
          estimate={(row) =>
            row.kind === "day"
              ? 36
              : row.message.attachments.length > 0
                ? 240
                : 64 + Math.floor(row.message.body.length / 60) * 20
          }
          render={renderRow}
          stickToBottom
          onNearTop={loadOlder}
          role="log"
          aria-label={`Messages with ${peer}`}
          tabIndex={0}
        />
      )}
      <p className="typing" aria-live="polite">
        {typing ? `${conversation.peer.name} is typing…` : ""}
      </p>
      <Composer
        blockedReason={blockedReason}
        mode={mode}
        onCancelMode={() => setMode({ kind: "new" })}
        onSend={send}
        onSendFiles={sendFiles}
        onTyping={onTyping}
        pendingFiles={pendingFiles}
        setPendingFiles={setPendingFiles}
        error={error}
        peerLabel={conversation.peer.name}
      />

      {dialog?.kind === "link" && (
        <LinkDialog
          url={dialog.url}
          onClose={() => setDialog(null)}
          onOpen={() => {
            void backend.openLink(dialog.url);
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === "delete" && (
        <ConfirmDialog
          title="Delete this message for everyone?"
          facts={[`It is removed for you and for ${peer}. Their app shows that a message was deleted.`]}
          confirmLabel="Delete for everyone"
          danger
          onClose={() => setDialog(null)}
          onConfirm={() => {
            void run(() => backend.send(account, peer, { kind: "delete", target: dialog.message.id }));
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === "block" && (
        <ConfirmDialog
          title={`Block ${peer}?`}
          facts={[
            `${peer} can no longer reach you, from any network.`,
            "They are not told.",
            conversation.request ? "The request is removed." : "The chat stays, read-only.",
          ]}
          confirmLabel="Block"
          danger
          onClose={() => setDialog(null)}
          onConfirm={() => {
            setDialog(null);
            void run(() => backend.block(account, peer)).then((ok) => {
              onContactChanged();
              if (ok && conversation.request) onClosed();
            });
          }}
        />
      )}
      {dialog?.kind === "delete-request" && (
        <ConfirmDialog
          title="Delete this request?"
          facts={[
            `The messages from ${peer} are removed from this computer.`,
            "They are not told. They can write again later.",
          ]}
          confirmLabel="Delete request"
          danger
          onClose={() => setDialog(null)}
          onConfirm={() => {
            setDialog(null);
            void run(() => backend.deleteRequest(conversation.id)).then((ok) => ok && onClosed());
          }}
        />
      )}
      {dialog?.kind === "report" && (
        <ReportDialog
          peer={peer}
          onClose={() => setDialog(null)}
          onReport={(reason, note, andBlock) => {
            setDialog(null);
            const theirs = messages.filter((message) => message.direction === "incoming").map((message) => message.id);
            void run(() => backend.report(conversation.id, theirs, reason, note, andBlock)).then((ok) => {
              onContactChanged();
              if (ok) setNotice(`Reported ${peer}${andBlock ? " and blocked them" : ""}.`);
              if (ok && andBlock && conversation.request) onClosed();
            });
          }}
        />
      )}
      {dialog?.kind === "key-change" && (
        <KeyChangeDialog
          peer={peer}
          onClose={() => setDialog(null)}
          onVerify={() => {
            setDialog(null);
            onContactDetails();
          }}
          onAcknowledge={() => {
            setDialog(null);
            void run(() => backend.acknowledgeKeyChange(account, peer)).then(onContactChanged);
          }}
        />
      )}
    </section>
  );
}
