// One chat: header, consent banners, request bar, virtualized timeline, typing, composer, and
// the dialogs it asks in. Each of those is a component of its own; this file holds them together.
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import type { Contact, Conversation, ConversationId, Message, Outgoing } from "../bindings";
import { asUserError, type Settings } from "../backend/backend";
import { addressText, parseAddress } from "../logic/address";
import { sendBlockedReason } from "../logic/composer";
import { timelineRows, type TimelineRow } from "../logic/days";
import { describeError } from "../logic/errors";
import { chatName } from "../logic/groups";
import { muteOf } from "../logic/mute";
import { receiptText, summarizeReceipts } from "../logic/receipts";
import { typingText } from "../logic/typing";
import { Composer, type ComposerMode } from "./Composer";
import { useBackend } from "./context";
import { MessageItem, type MessageActions } from "./MessageItem";
import { ChatBanners } from "./ChatBanners";
import { ChatDialogs, type Pending } from "./ChatDialogs";
import { ConversationHeader } from "./ConversationHeader";
import { GroupBanners } from "./GroupBanners";
import { GroupDialogs } from "./GroupDialogs";
import { GroupInvitationBar } from "./GroupInvitationBar";
import { GroupNoticeLine } from "./GroupNoticeLine";
import { useDraft } from "./useDraft";
import { useGroup } from "./useGroup";
import { RequestBar } from "./RequestBar";
import { useTimeline } from "./useTimeline";
import { VirtualList } from "./VirtualList";

const PAGE = 80;

type Props = {
  conversation: Conversation;
  contact: Contact | null;
  settings: Settings;
  /** Who is typing in the chat (`name@network`), in the order they started: its person, or members of its group. */
  typing: string[];
  /** The chat's draft as the inbox has it ("" for none): the composer opens with it. */
  draft: string;
  /** A draft of this chat was saved (or removed, as "", by a send). */
  onDraft: (conversation: ConversationId, text: string) => void;
  onContactDetails: () => void;
  onToggleFlag: (flag: "pinned" | "archived") => void;
  /** Mutes the chat for `ms` (null: always), or unmutes it (`false`). */
  onMute: (ms: number | null | false) => void;
  onContactChanged: () => void;
  onClosed: () => void;
};

export function ConversationView({
  conversation,
  contact,
  settings,
  typing,
  draft,
  onDraft,
  onContactDetails,
  onToggleFlag,
  onMute,
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
  const groupId = conversation.group;
  const group = useGroup(conversation);
  const drafts = useDraft(backend, conversation.id, draft, onDraft);
  const blockedReason = sendBlockedReason(conversation, contact, group);
  const name = chatName(conversation);
  // A group chat sends to the group (one copy per member), any other chat to its person.
  const deliver = (outgoing: Outgoing) =>
    groupId !== null ? backend.sendGroup(account, groupId, outgoing) : backend.send(account, peer, outgoing);

  // Whether the timeline is scrolled to the newest message; it starts there.
  const following = useRef(true);
  const onAtBottom = useCallback((atBottom: boolean) => {
    following.current = atBottom;
  }, []);
  const { messages, loading, loadError, retry, loadOlder, transfers } = useTimeline(
    backend,
    conversation.id,
    PAGE,
    setError,
    following,
  );

  // A chat opened afresh starts with an empty composer and no notices.
  useEffect(() => {
    setMode({ kind: "new" });
    setError(null);
    setNotice(null);
    setPendingFiles([]);
  }, [conversation.id]);

  // Reading an accepted chat marks it read (the backend sends receipts only if allowed), but a
  // chat the user marked unread here stays unread until a message comes or it is opened again
  // (this view is mounted afresh per chat, so the ref starts empty).
  const lastMessage = messages[messages.length - 1]?.id ?? null;
  const keptUnread = useRef<{ lastMessage: string | null } | null>(null);
  useEffect(() => {
    if (keptUnread.current !== null && keptUnread.current.lastMessage === lastMessage) return;
    keptUnread.current = null;
    if (!conversation.request && conversation.unread > 0 && document.visibilityState === "visible")
      void backend.markRead(conversation.id).catch(() => undefined);
  }, [backend, conversation.id, conversation.request, conversation.unread, lastMessage]);
  const markUnread = () => {
    keptUnread.current = { lastMessage };
    void run(() => backend.markUnread(conversation.id));
  };

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

  // In a group, one of the user's messages tells on demand how far it got with each member.
  const receipts = useCallback(
    async (message: Message) => {
      if (groupId === null || group === null) throw new Error("not a group");
      const list = await backend.groupMessageReceipts(account, groupId, message.id);
      return receiptText(summarizeReceipts(group, account, list));
    },
    [backend, account, groupId, group],
  );

  const actions: MessageActions = {
    receipts: groupId !== null && group !== null ? receipts : undefined,
    reply: (message) => setMode({ kind: "reply", message }),
    edit: (message) => setMode({ kind: "edit", message }),
    react: (message, emoji) => {
      const mine = message.reactions.find((reaction) => reaction.author === account);
      void run(() => deliver({ kind: "reaction", target: message.id, emoji, remove: mine?.emoji === emoji }));
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
      const ok = await run(() => deliver({ kind: "edit", target: mode.message.id, body: text }));
      if (ok) setMode({ kind: "new" });
      return ok;
    }
    const quote = mode.kind === "reply" ? mode.message.id : null;
    // No save of this text may land after the send, which removes the draft.
    await drafts.hold();
    const ok = await run(() => deliver({ kind: "text", body: text, quote }));
    if (ok) {
      setMode({ kind: "new" });
      drafts.sent();
    } else drafts.change(text);
    return ok;
  };

  const sendFiles = async (files: File[], caption: string, asFile: boolean) =>
    run(async () => {
      for (const [index, file] of files.entries()) {
        const path = await backend.stageFile(file.name, new Uint8Array(await file.arrayBuffer()));
        const words = index === 0 ? caption : "";
        if (groupId !== null) await backend.sendGroupFile(account, groupId, path, words, asFile);
        else await backend.sendFile(account, peer, path, words, asFile);
      }
    });

  const onTyping = (started: boolean) => {
    // Typing goes to the chat's person, or to the group (never to a request or an invitation).
    if (!settings.typingIndicators || conversation.request) return;
    const sent =
      groupId !== null
        ? backend.sendGroupTyping(account, groupId, started)
        : backend.sendTyping(account, peer, started);
    void sent.catch(() => undefined);
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (blockedReason) return;
    const files = Array.from(event.dataTransfer.files);
    if (files.length > 0) setPendingFiles([...pendingFiles, ...files]);
  };

  const flagged = (flag: "pinned" | "archived") => settings[flag].includes(conversation.id);

  const renderRow = (row: TimelineRow) =>
    row.kind === "day" ? (
      <div className="day-separator" role="separator" aria-label={row.label}>
        <span>{row.label}</span>
      </div>
    ) : row.message.notice ? (
      <GroupNoticeLine message={row.message} own={account} />
    ) : (
      <MessageItem
        message={row.message}
        own={account}
        request={conversation.request}
        canWrite={blockedReason === null}
        transfers={transfers}
        actions={actions}
        peerName={peer}
        showAuthor={groupId !== null}
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
        group={group}
        flags={{ pinned: flagged("pinned"), archived: flagged("archived") }}
        onToggleFlag={onToggleFlag}
        mute={muteOf(settings, conversation.id, Date.now())}
        onMute={onMute}
        onMarkUnread={markUnread}
        onContactDetails={onContactDetails}
      />

      {groupId !== null ? (
        <GroupBanners conversation={conversation} group={group} />
      ) : (
        <ChatBanners
          conversation={conversation}
          contact={contact}
          onReviewKeyChange={() => setDialog({ kind: "key-change" })}
          onUnblock={() => void run(() => backend.unblock(account, peer)).then(onContactChanged)}
        />
      )}
      {conversation.request && groupId !== null && (
        <GroupInvitationBar
          conversation={conversation}
          group={group}
          onAccept={() => void run(() => backend.acceptGroupInvitation(account, groupId))}
          onDecline={() => setDialog({ kind: "decline-invitation" })}
          onBlock={() => setDialog({ kind: "block-inviter" })}
          onReport={(inviter) => setDialog({ kind: "report-member", member: inviter })}
        />
      )}
      {conversation.request && groupId === null && (
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
          onAtBottom={onAtBottom}
          onNearTop={loadOlder}
          role="log"
          aria-label={groupId !== null ? `Messages in ${name}` : `Messages with ${peer}`}
          tabIndex={0}
        />
      )}
      <p className="typing" aria-live="polite">
        {typingText(typing, (author) =>
          groupId !== null ? (parseAddress(author)?.name ?? author) : conversation.peer.name,
        )}
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
        peerLabel={name}
        initialText={draft}
        draft={drafts}
      />

      <ChatDialogs
        dialog={dialog}
        onClose={() => setDialog(null)}
        conversation={conversation}
        messages={messages}
        run={run}
        onNotice={setNotice}
        onContactChanged={onContactChanged}
        onContactDetails={onContactDetails}
        onClosed={onClosed}
        deliver={deliver}
      />
      {groupId !== null && (
        <GroupDialogs
          dialog={dialog}
          onClose={() => setDialog(null)}
          conversation={conversation}
          groupId={groupId}
          group={group}
          run={run}
          onNotice={setNotice}
          onContactChanged={onContactChanged}
          onClosed={onClosed}
        />
      )}
    </section>
  );
}
