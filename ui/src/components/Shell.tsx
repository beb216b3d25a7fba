// The unlocked app: sidebar with the inbox, the open chat, dialogs; event handling, title and
// notifications.
import { useCallback, useEffect, useRef, useState } from "react";
import type { AccountInfo, ConnectionState, Contact, Conversation, InboxLayout } from "../bindings";
import { asUserError, type Settings } from "../backend/backend";
import { draftsByChat, withDraft, type DraftsByChat } from "../logic/drafts";
import { describeError } from "../logic/errors";
import { addressText } from "../logic/address";
import { noteInJournals, reconcile, withChanged, type ChatJournal } from "../logic/conversationList";
import { networksOf, unreadTotal, type InboxFilter } from "../logic/inbox";
import { withMute, withoutMute } from "../logic/mute";
import { noticeFor } from "../logic/notifications";
import { typingChanged, typingStopped, type TypingState } from "../logic/typing";
import { useBackend } from "./context";
import { ContactDetails } from "./ContactDetails";
import { GroupInfo } from "./GroupInfo";
import { NewGroupDialog } from "./NewGroup";
import { InteropOnboarding } from "./ConsentDialogs";
import { InteropReviewBanner } from "./InteropReviewBanner";
import { useInteropReview } from "./useInteropReview";
import { useMuteClock } from "./useMuteClock";
import { ConversationView } from "./ConversationView";
import { Inbox, type InboxStatus } from "./Inbox";
import { NewChatDialog } from "./NewChat";
import { SettingsDialog } from "./SettingsDialog";

type Props = {
  accounts: AccountInfo[];
  settings: Settings;
  onSettings: (settings: Settings) => void;
  onAccountsChanged: () => void;
  onLock: () => void;
  onboarding: AccountInfo | null;
  onOnboarded: () => void;
  /** Open the chat with this peer (`name@network`, or `account|peer`; a group by its name, or
   * `account|name`) once the list arrives (deep links, stories). */
  openChat?: string;
  /** Open this dialog at once (stories). */
  openDialog?: ShellDialog;
};

export type ShellDialog = "settings" | "new-chat" | "new-group" | "contact";
type Connection = { state: ConnectionState; retryInMs: number | null };
const NOBODY: string[] = [];

export function Shell({
  accounts,
  settings,
  onSettings,
  onAccountsChanged,
  onLock,
  onboarding,
  onOnboarded,
  openChat,
  openDialog,
}: Props) {
  const backend = useBackend();
  const [conversations, setConversations] = useState<Conversation[]>([]);
  // Each chat's draft, for the inbox's previews: loaded with the inbox, then told of every save.
  const [drafts, setDrafts] = useState<DraftsByChat>({});
  const [status, setStatus] = useState<InboxStatus>({ kind: "loading" });
  const [connections, setConnections] = useState<Record<string, Connection>>({});
  const [layout, setLayout] = useState<InboxLayout>("combined");
  const [selected, setSelected] = useState<string | null>(null);
  const [filter, setFilter] = useState<InboxFilter>({ kind: "all" });
  const [contact, setContact] = useState<Contact | null>(null);
  // Who is typing in each chat (`name@network`: its person, or members of its group).
  const [typing, setTyping] = useState<TypingState>({});
  const [dialog, setDialog] = useState<ShellDialog | null>(openDialog ?? null);
  const toReview = useInteropReview(accounts);
  // Bumped when events were lost: the open chat is rebuilt from a fresh query.
  const [generation, setGeneration] = useState(0);
  const settingsRef = useRef(settings);
  settingsRef.current = settings;
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const conversationsRef = useRef(conversations);
  conversationsRef.current = conversations;

  // One journal per reload in flight: events that arrive before its answer correct it.
  const journals = useRef(new Set<ChatJournal>());
  // Requests already announced on the desktop this session: one notification per request.
  const announcedRequests = useRef(new Set<string>());

  const reload = useCallback(() => {
    const journal: ChatJournal = new Map();
    journals.current.add(journal);
    // The drafts come with the list, so a chat never opens before its draft is known.
    const loaded = Promise.all([backend.conversations(), backend.drafts().catch(() => [])]);
    void loaded.then(
      ([list, draftList]) => {
        journals.current.delete(journal);
        setConversations(reconcile(list, journal));
        setDrafts(draftsByChat(draftList));
        setStatus({ kind: "ready" });
      },
      (caught) => {
        journals.current.delete(journal);
        setStatus({ kind: "error", message: describeError(asUserError(caught)) });
      },
    );
    void backend.inboxLayout().then(setLayout, () => undefined);
  }, [backend]);

  const opened = useRef(false);
  useEffect(() => {
    if (!openChat || opened.current) return;
    const wanted = conversations.find((conversation) => {
      const peer = conversation.group !== null ? (conversation.title ?? "") : addressText(conversation.peer);
      return peer === openChat || `${addressText(conversation.account)}|${peer}` === openChat;
    });
    if (wanted) {
      opened.current = true;
      setSelected(wanted.id);
    }
  }, [conversations, openChat]);

  useEffect(() => {
    reload();
    return backend.subscribe((event) => {
      switch (event.type) {
        case "conversation_changed":
          noteInJournals(journals.current, event.conversation.id, event.conversation);
          setConversations((current) => withChanged(current, event.conversation));
          break;
        case "conversation_removed":
          noteInJournals(journals.current, event.conversation, null);
          setConversations((current) => current.filter((conversation) => conversation.id !== event.conversation));
          if (selectedRef.current === event.conversation) setSelected(null);
          break;
        case "connection":
          setConnections((current) => ({
            ...current,
            [event.account]: { state: event.state, retryInMs: event.retry_in_ms },
          }));
          break;
        case "typing":
          setTyping((current) => typingChanged(current, event.conversation, event.author, event.started));
          break;
        case "message_added": {
          const message = event.message;
          if (message.direction !== "incoming") break;
          setTyping((current) => typingStopped(current, message.conversation, message.author));
          const prefs = settingsRef.current;
          const conversation = conversationsRef.current.find((candidate) => candidate.id === message.conversation);
          const open =
            selectedRef.current === message.conversation &&
            document.visibilityState === "visible" &&
            document.hasFocus();
          const notice = noticeFor(message, conversation, prefs, open, announcedRequests.current);
          if (notice) void backend.notify(notice.title, notice.body);
          break;
        }
        case "resync":
          // Events were lost on the way: query again the list and the open chat.
          reload();
          setGeneration((current) => current + 1);
          break;
        case "key_changed":
          setContact((current) => (current ? { ...current, key_change_held: true } : current));
          break;
        default:
          break;
      }
    });
  }, [backend, reload]);

  // The networks the accounts' relays are peered with: the ones a user can turn interop on for.
  const [peered, setPeered] = useState<string[]>([]);
  useEffect(() => {
    let cancelled = false;
    void Promise.all(
      accounts.map((account) => backend.peeredNetworks(account.address).catch(() => [] as string[])),
    ).then((lists) => {
      if (!cancelled) setPeered([...new Set(lists.flat())].sort());
    });
    return () => {
      cancelled = true;
    };
  }, [backend, accounts]);

  const current = conversations.find((conversation) => conversation.id === selected) ?? null;
  const onDraft = useCallback(
    (conversation: string, text: string) => setDrafts((current) => withDraft(current, conversation, text)),
    [],
  );
  const currentAccount = current ? addressText(current.account) : null;
  // A group chat has no one contact: its people are in the group record (useGroup).
  const currentPeer = current && current.group === null ? addressText(current.peer) : null;

  const loadContact = useCallback(() => {
    if (!currentAccount || !currentPeer) return setContact(null);
    void backend.contact(currentAccount, currentPeer).then(setContact);
  }, [backend, currentAccount, currentPeer]);
  useEffect(loadContact, [loadContact, current?.last_activity, current?.read_only]);

  const muteClock = useMuteClock(settings.muted);
  useEffect(() => {
    const unread = unreadTotal(conversations, settings, muteClock);
    document.title = unread > 0 ? `(${unread}) Isthmus` : "Isthmus";
  }, [conversations, settings, muteClock]);

  const mute = (ms: number | null | false) => {
    if (!current) return;
    const muted =
      ms === false ? withoutMute(settings.muted, current.id) : withMute(settings.muted, current.id, ms, Date.now());
    onSettings({ ...settings, muted });
  };

  const toggleFlag = (flag: "pinned" | "archived") => {
    if (!current) return;
    const list = settings[flag];
    onSettings({
      ...settings,
      [flag]: list.includes(current.id) ? list.filter((id) => id !== current.id) : [...list, current.id],
    });
  };

  const down = accounts.filter((account) => {
    const connection = connections[account.address];
    return connection !== undefined && connection.state !== "connected";
  });
  const networks = networksOf(conversations, [...accounts.map((account) => account.network), ...peered]);

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Chats">
        <header className="sidebar__header">
          <h1 className="sidebar__title">Isthmus</h1>
          <div className="sidebar__tools">
            <button type="button" className="button button--small" onClick={() => setDialog("new-chat")}>
              New chat
            </button>
            <button type="button" className="button button--small" onClick={() => setDialog("new-group")}>
              New group
            </button>
            <button type="button" className="button button--small" onClick={() => setDialog("settings")}>
              Settings
            </button>
          </div>
        </header>
        {down.length > 0 && (
          <p className="banner banner--warning connection-banner" role="status">
            {down.some((account) => connections[account.address]?.state === "offline") ? "Offline" : "Connecting"}:{" "}
            {down.map((account) => account.address).join(", ")}. Messages you send wait and go out when the connection
            is back.
          </p>
        )}
        <InteropReviewBanner
          accounts={accounts.map((account) => account.address)}
          toReview={toReview}
          onAllowed={onAccountsChanged}
        />
        <Inbox
          status={status}
          onRetry={() => {
            setStatus({ kind: "loading" });
            reload();
          }}
          conversations={conversations}
          networks={networks}
          layout={layout}
          settings={settings}
          selected={selected}
          drafts={drafts}
          onSelect={setSelected}
          filter={filter}
          onFilter={setFilter}
        />
      </nav>
      <main className="main">
        {current ? (
          <ConversationView
            key={`${current.id}:${generation}`}
            conversation={current}
            contact={contact}
            settings={settings}
            typing={typing[current.id] ?? NOBODY}
            draft={drafts[current.id] ?? ""}
            onDraft={onDraft}
            onContactDetails={() => setDialog("contact")}
            onToggleFlag={toggleFlag}
            onMute={mute}
            onContactChanged={() => {
              loadContact();
              reload();
            }}
            onClosed={() => setSelected(null)}
          />
        ) : (
          <div className="placeholder">
            <h2>No chat open</h2>
            <p>Choose a chat on the left, or start a new one.</p>
          </div>
        )}
      </main>
      {dialog === "settings" && (
        <SettingsDialog
          accounts={accounts}
          networks={networks}
          settings={settings}
          layout={layout}
          onSettings={onSettings}
          onLayout={(next) => {
            setLayout(next);
            if (next === "combined" && filter.kind === "other-networks") setFilter({ kind: "all" });
            void backend.setInboxLayout(next);
          }}
          onAccountsChanged={() => {
            onAccountsChanged();
            reload();
          }}
          onLock={onLock}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === "new-chat" && (
        <NewChatDialog
          accounts={accounts}
          onClose={() => setDialog(null)}
          onOpened={(conversation) => {
            setDialog(null);
            setConversations((list) =>
              list.some((item) => item.id === conversation.id) ? list : [conversation, ...list],
            );
            setFilter({ kind: "all" });
            setSelected(conversation.id);
          }}
        />
      )}
      {dialog === "new-group" && (
        <NewGroupDialog
          accounts={accounts}
          conversations={conversations}
          onClose={() => setDialog(null)}
          onOpened={(conversation) => {
            setDialog(null);
            setConversations((list) => withChanged(list, conversation));
            setFilter({ kind: "all" });
            setSelected(conversation.id);
          }}
        />
      )}
      {dialog === "contact" && current && current.group !== null && (
        <GroupInfo conversation={current} conversations={conversations} onClose={() => setDialog(null)} />
      )}
      {dialog === "contact" && current && current.group === null && (
        <ContactDetails conversation={current} onClose={() => setDialog(null)} onChanged={loadContact} />
      )}
      {onboarding && (
        <InteropOnboarding
          account={onboarding}
          networks={networks}
          onClose={() => {
            onOnboarded();
            onAccountsChanged();
            reload();
          }}
        />
      )}
    </div>
  );
}
