// One chat: header, consent banners, request bar, virtualized timeline, typing, composer, and
// the dialogs it asks in. Each of those is a component of its own; this file holds them together.
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type MutableRefObject } from "react";
import { useTranslation } from "react-i18next";
import type { Contact, Conversation, ConversationId, Message, Outgoing } from "../bindings";
import { asUserError, isStaged, type PendingFile, type Settings } from "../backend/backend";
import { addressText, parseAddress } from "../logic/address";
import { sendBlockedReason, sendRemedy, type SendRemedy } from "../logic/composer";
import { timelineRows, type TimelineRow } from "../logic/days";
import { describeError } from "../i18n/errors";
import { chatName } from "../logic/groups";
import { peerShown } from "../logic/matrix";
import { muteOf } from "../logic/mute";
import { receiptText, summarizeReceipts } from "../logic/receipts";
import { typingText } from "../logic/typing";
import { Composer, type ComposerMode, type ComposerRemedy } from "./Composer";
import { DisclosureDialog } from "./ConsentDialogs";
import { useBackend } from "./context";
import { MessageItem, type MessageActions } from "./MessageItem";
import { ChatBanners } from "./ChatBanners";
import { ChatDialogs, type Pending } from "./ChatDialogs";
import { ConversationHeader } from "./ConversationHeader";
import { GroupBanners } from "./GroupBanners";
import { GroupDialogs } from "./GroupDialogs";
import { GroupInvitationBar } from "./GroupInvitationBar";
import { GroupNoticeLine } from "./GroupNoticeLine";
import { ReactionPicker } from "./ReactionPicker";
import { useDraft } from "./useDraft";
import { useGroup } from "./useGroup";
import { RequestBar } from "./RequestBar";
import { useTimeline } from "./useTimeline";
import { VirtualList } from "./VirtualList";
import type { TimelineAnchor } from "../logic/timeline";

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
  /** An account's settings changed here (a network turned on from the composer's remedy). */
  onAccountsChanged?: () => void;
  /** Shows a short confirmation ("Copied"); without it, the chat's notice line says it. */
  onToast?: (text: string) => void;
  /** Set to the composer's message field while it is shown. */
  composerField?: MutableRefObject<HTMLTextAreaElement | null>;
  onClosed: () => void;
  /** Open on this message (a chosen search result) instead of the newest, and mark it. */
  anchor?: TimelineAnchor | null;
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
  onAccountsChanged,
  onToast,
  anchor = null,
  composerField,
  onClosed,
}: Props) {
  const backend = useBackend();
  const { t } = useTranslation();
  const [mode, setMode] = useState<ComposerMode>({ kind: "new" });
  const [pendingFiles, setPendingFiles] = useState<PendingFile[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Pending | null>(null);
  const [dragging, setDragging] = useState(false);
  // The message a reaction is being picked for ("More reactions").
  const [reactingTo, setReactingTo] = useState<Message | null>(null);
  // A network being turned on from the composer's remedy (the consent dialog is open).
  const [allowing, setAllowing] = useState<{ account: string; network: string } | null>(null);
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

  // Whether the timeline is scrolled to the newest message; it starts there, unless the chat
  // opens at a search result.
  const following = useRef(anchor === null);
  const onAtBottom = useCallback((atBottom: boolean) => {
    following.current = atBottom;
  }, []);
  const { messages, loading, loadError, retry, loadOlder, loadNewer, transfers } = useTimeline(
    backend,
    conversation.id,
    PAGE,
    setError,
    following,
    anchor,
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
  // The row of the message the chat was opened at, brought into view once (the index it had
  // then: older pages that arrive later must not pull the reader back to it).
  const revealAt = useRef<number | null>(null);
  if (revealAt.current === null && anchor !== null) {
    const index = rows.findIndex((row) => row.kind === "message" && row.message.id === anchor.message);
    if (index >= 0) revealAt.current = index;
  }

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
    moreReactions: (message) => setReactingTo(message),
    copy: (message) =>
      void navigator.clipboard.writeText(message.body).then(
        () => (onToast ?? setNotice)(t("conversation.copied")),
        () => setError(t("conversation.copyFailed")),
      ),
    remove: (message) => setDialog({ kind: "delete", message }),
    openLink: (url) => setDialog({ kind: "link", url }),
    download: (message, index) => void run(() => backend.downloadAttachment(conversation.id, message.id, index)),
    open: (message, index) =>
      void run(async () => {
        const saved = await backend.openAttachment(conversation.id, message.id, index);
        if (!saved.opens) {
          setNotice(t("conversation.savedShown", { path: saved.path }));
        }
      }),
    save: (message, index) =>
      void run(async () => {
        const saved = await backend.saveAttachment(conversation.id, message.id, index);
        setNotice(
          saved.extension_mismatch
            ? t("conversation.savedMismatch", {
                path: saved.path,
                type: saved.detected_type ?? t("conversation.unknownType"),
              })
            : t("conversation.saved", { path: saved.path }),
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

  const sendFiles = async (files: PendingFile[], caption: string, asFile: boolean) =>
    run(async () => {
      for (const [index, file] of files.entries()) {
        // Dropped on the desktop window: the shell staged it already.
        const path = isStaged(file)
          ? file.id
          : await backend.stageFile(file.name, new Uint8Array(await file.arrayBuffer()));
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

  // The desktop stages files dropped on its window itself (the page never sees their paths).
  const blockedRef = useRef(blockedReason);
  blockedRef.current = blockedReason;
  useEffect(
    () =>
      backend.onFileDrop((drop) => {
        if (drop.type === "hover") setDragging(true);
        else if (drop.type === "leave") setDragging(false);
        else {
          setDragging(false);
          if (blockedRef.current) return;
          if (drop.files.length > 0) setPendingFiles((current) => [...current, ...drop.files]);
          const refused = drop.refused[0];
          if (refused !== undefined) setError(describeError(refused.error));
        }
      }),
    [backend],
  );

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (blockedReason) return;
    const files = Array.from(event.dataTransfer.files);
    if (files.length > 0) setPendingFiles([...pendingFiles, ...files]);
  };

  const flagged = (flag: "pinned" | "archived") => settings[flag].includes(conversation.id);

  const unblock = () => void run(() => backend.unblock(account, peer)).then(onContactChanged);
  /** The button beside the reason the composer cannot send, doing what the reason asks. */
  const remedyButton = (remedy: SendRemedy | null): ComposerRemedy | null => {
    switch (remedy?.kind) {
      case "allow-network":
        return { label: t("newChat.turnOn", { network: remedy.network }), onClick: () => setAllowing(remedy) };
      case "review-key-change":
        return { label: t("conversation.reviewChange"), onClick: () => setDialog({ kind: "key-change" }) };
      case "unblock":
        return { label: t("action.unblock"), onClick: unblock };
      default:
        return null;
    }
  };

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
        peerName={peerShown(conversation)}
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
          onUnblock={unblock}
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
          {t("conversation.loading")}
        </p>
      ) : loadError ? (
        <div className="timeline timeline--empty" role="alert">
          <p className="notice notice--error">{t("conversation.loadFailed", { reason: loadError })}</p>
          <button type="button" className="button button--small" onClick={retry}>
            {t("action.tryAgain")}
          </button>
        </div>
      ) : messages.length === 0 ? (
        <p className="timeline timeline--empty">{t("conversation.empty")}</p>
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
          onNearBottom={loadNewer ?? undefined}
          revealIndex={revealAt.current}
          rowProps={(row) =>
            anchor !== null && row.kind === "message" && row.message.id === anchor.message
              ? { className: "vlist__row timeline-row--found" }
              : {}
          }
          role="log"
          aria-label={
            groupId !== null
              ? t("conversation.groupLog", { name })
              : t("conversation.log", { peer: peerShown(conversation) })
          }
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
        remedy={remedyButton(sendRemedy(conversation, contact, group))}
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
        spellCheck={settings.spellCheck}
        fieldRef={composerField}
      />
      {reactingTo && (
        <ReactionPicker
          onPick={(emoji) => {
            setReactingTo(null);
            actions.react(reactingTo, emoji);
          }}
          onClose={() => setReactingTo(null)}
        />
      )}
      {allowing && (
        <DisclosureDialog
          account={allowing.account}
          network={allowing.network}
          onClose={() => setAllowing(null)}
          onDone={() => {
            setAllowing(null);
            // The chat is read-only no more: the list, and with it this chat, is read again.
            (onAccountsChanged ?? onContactChanged)();
          }}
        />
      )}

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
