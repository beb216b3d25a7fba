// The unlocked app: sidebar with the inbox, the open chat, dialogs; event handling, title and
// notifications; the language setting as the profile's settings hold it.
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { AccountInfo, Contact, Conversation, InboxLayout, MatrixAccountInfo } from "../bindings";
import { asUserError, type Settings } from "../backend/backend";
import { draftsByChat, withDraft, type DraftsByChat } from "../logic/drafts";
import { applyLanguageSetting, currentLanguageSetting } from "../i18n";
import { describeError } from "../logic/errors";
import { addressText } from "../logic/address";
import { adjacentChat, nextUnreadChat } from "../logic/chatNavigation";
import { accountsDown, watchedAccounts, type Connection } from "../logic/connections";
import { noteInJournals, reconcile, withChanged, type ChatJournal } from "../logic/conversationList";
import { filterShowing, inboxRows, networksOf, unreadTotal, type InboxFilter } from "../logic/inbox";
import { withMute, withoutMute } from "../logic/mute";
import { noticeFor } from "../logic/notifications";
import { switcherEntries, type SwitcherEntry } from "../logic/quickSwitcher";
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
import { KeyboardHints } from "./KeyboardHints";
import { Inbox, type InboxStatus } from "./Inbox";
import { NewChatDialog } from "./NewChat";
import { QuickSwitcher } from "./QuickSwitcher";
import { SettingsDialog } from "./SettingsDialog";
import { ShortcutSheet } from "./ShortcutSheet";
import { Toast, useToast } from "./Toast";
import { useKnownPeople } from "./useKnownPeople";
import { useShortcuts } from "./useShortcuts";
import type { TimelineAnchor } from "../logic/timeline";

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

export type ShellDialog = "settings" | "new-chat" | "new-group" | "contact" | "switcher" | "shortcuts";
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
  const { t } = useTranslation();
  const [conversations, setConversations] = useState<Conversation[]>([]);
  // Each chat's draft, for the inbox's previews: loaded with the inbox, then told of every save.
  const [drafts, setDrafts] = useState<DraftsByChat>({});
  const [status, setStatus] = useState<InboxStatus>({ kind: "loading" });
  const [connections, setConnections] = useState<Record<string, Connection>>({});
  // The Matrix accounts, for the connection banner: read again after each consent decision (on or
  // off) and whenever a dialog closes (a sign-in or sign-out in Settings).
  const [matrixAccounts, setMatrixAccounts] = useState<MatrixAccountInfo[]>([]);
  const [layout, setLayout] = useState<InboxLayout>("combined");
  const [selected, setSelected] = useState<string | null>(null);
  // A chosen search result: its chat opens at that message (until another chat is chosen).
  const [found, setFound] = useState<{ conversation: string; anchor: TimelineAnchor; at: number } | null>(null);
  useEffect(() => {
    if (found !== null && found.conversation !== selected) setFound(null);
  }, [found, selected]);
  const [filter, setFilter] = useState<InboxFilter>({ kind: "all" });
  const [contact, setContact] = useState<Contact | null>(null);
  // Who is typing in each chat (`name@network`: its person, or members of its group).
  const [typing, setTyping] = useState<TypingState>({});
  const [dialog, setDialog] = useState<ShellDialog | null>(openDialog ?? null);
  useEffect(() => {
    if (dialog !== null) return;
    let current = true;
    void backend.matrixAccounts().then(
      (found) => current && setMatrixAccounts(found),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [backend, dialog]);
  // A person picked in the quick switcher who has no chat yet: New chat starts one with them.
  const [newChatWith, setNewChatWith] = useState<{ account: string; peer: string } | null>(null);
  const [toast, showToast] = useToast();
  // The chat list as shown (filter, search and order applied): Alt+Up/Down step through it.
  const visibleRows = useRef<Conversation[]>([]);
  const searchField = useRef<HTMLInputElement>(null);
  // The open chat's message field: a chat opened from the keyboard gets the focus there.
  const composerField = useRef<HTMLTextAreaElement | null>(null);
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
        case "consent_recorded":
          void backend.matrixAccounts().then(setMatrixAccounts, () => undefined);
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
          if (notice) void backend.notify(notice.title, notice.body, message.conversation);
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

  // The settings are read at unlock: where their language is not the one kept for the screens
  // before unlock (kept elsewhere, or forgotten), it applies from here on. A change made in
  // Settings has applied already (LanguageSetting), so it is the same by then.
  useEffect(() => {
    if (settings.language !== currentLanguageSetting()) applyLanguageSetting(settings.language);
  }, [settings.language]);

  const muteClock = useMuteClock(settings.muted);
  useEffect(() => {
    const unread = unreadTotal(conversations, settings, muteClock);
    document.title = unread > 0 ? `(${unread}) Isthmus` : "Isthmus";
    // The desktop shows it on the tray icon and the launcher's badge too.
    void backend.setUnreadCount(unread).catch(() => undefined);
  }, [backend, conversations, settings, muteClock]);

  // A clicked notification opens its chat, wherever the list's filter stands.
  useEffect(
    () =>
      backend.onOpenConversation((id) => {
        setFilter({ kind: "all" });
        setSelected(id);
      }),
    [backend],
  );

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

  /** Opens a chat; the new chat's message field gets the focus when `focusComposer` (it is
   * mounted anew for each chat, so focus in the old one would otherwise be lost). */
  const openFromKeyboard = (id: string, focusComposer: boolean) => {
    setSelected(id);
    if (focusComposer) setTimeout(() => composerField.current?.focus(), 0);
  };
  const composerFocused = () => composerField.current !== null && document.activeElement === composerField.current;

  const openSwitcherEntry = (entry: SwitcherEntry) => {
    setDialog(null);
    if (entry.kind === "chat") {
      // A chat the list does not show now (another filter, a request, archived): show its folder.
      const chat = conversations.find((conversation) => conversation.id === entry.conversation);
      if (chat && !visibleRows.current.some((conversation) => conversation.id === chat.id))
        setFilter(filterShowing(chat, layout, settings));
      openFromKeyboard(entry.conversation, true);
      return;
    }
    setNewChatWith({ account: entry.account, peer: entry.address });
    setDialog("new-chat");
  };

  const goToNextUnread = () => {
    const now = Date.now();
    const focus = composerFocused();
    const shown = nextUnreadChat(visibleRows.current, selected, settings, now);
    if (shown) return openFromKeyboard(shown, focus);
    // None in the list as filtered: look in the whole inbox, and show it there.
    const all = inboxRows(conversations, { kind: "all" }, layout, settings);
    const anywhere = nextUnreadChat(all, selected, settings, now);
    if (!anywhere) return showToast(t("shell.noUnread"));
    setFilter({ kind: "all" });
    openFromKeyboard(anywhere, focus);
  };

  const step = (direction: 1 | -1) => {
    const next = adjacentChat(visibleRows.current, selected, direction);
    if (next) openFromKeyboard(next, composerFocused());
  };

  useShortcuts({
    "quick-switcher": () => setDialog("switcher"),
    search: () => {
      searchField.current?.focus();
      searchField.current?.select();
    },
    "previous-chat": () => step(-1),
    "next-chat": () => step(1),
    "next-unread": goToNextUnread,
    "shortcut-sheet": () => setDialog("shortcuts"),
  });
  const people = useKnownPeople(backend, accounts, dialog === "switcher");

  const { down, offline } = accountsDown(watchedAccounts(accounts, matrixAccounts), connections);
  const networks = networksOf(conversations, [...accounts.map((account) => account.network), ...peered]);

  return (
    <div className="app">
      <nav className="sidebar" aria-label={t("shell.chats")}>
        <header className="sidebar__header">
          <h1 className="sidebar__title">Isthmus</h1>
          <div className="sidebar__tools">
            <button type="button" className="button button--small" onClick={() => setDialog("new-chat")}>
              {t("newChat.title")}
            </button>
            <button type="button" className="button button--small" onClick={() => setDialog("new-group")}>
              {t("newGroup.title")}
            </button>
            <button type="button" className="button button--small" onClick={() => setDialog("settings")}>
              {t("settings.title")}
            </button>
          </div>
        </header>
        {down.length > 0 && (
          <p className="banner banner--warning connection-banner" role="status">
            {t(offline ? "shell.offline" : "shell.connecting", {
              accounts: down.join(", "),
            })}
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
          onOpenHit={(hit) => {
            setFound({
              conversation: hit.conversation,
              anchor: { seq: hit.seq, message: hit.message },
              at: Date.now(),
            });
            setSelected(hit.conversation);
          }}
          filter={filter}
          onFilter={setFilter}
          searchField={searchField}
          onVisibleRows={(rows) => {
            visibleRows.current = rows;
          }}
        />
        <KeyboardHints onSwitcher={() => setDialog("switcher")} onShortcuts={() => setDialog("shortcuts")} />
      </nav>
      <main className="main">
        {current ? (
          <ConversationView
            key={`${current.id}:${generation}:${found?.conversation === current.id ? found.at : ""}`}
            anchor={found?.conversation === current.id ? found.anchor : null}
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
            onAccountsChanged={() => {
              onAccountsChanged();
              reload();
            }}
            composerField={composerField}
            onToast={showToast}
            onClosed={() => setSelected(null)}
          />
        ) : (
          <div className="placeholder">
            <h2>{t("shell.noChatOpen")}</h2>
            <p>{t("shell.chooseChat")}</p>
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
          initial={newChatWith}
          onAccountsChanged={onAccountsChanged}
          onClose={() => {
            setDialog(null);
            setNewChatWith(null);
          }}
          onOpened={(conversation) => {
            setDialog(null);
            setNewChatWith(null);
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
      {dialog === "switcher" && (
        <QuickSwitcher
          entries={switcherEntries(conversations, people)}
          onPick={openSwitcherEntry}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === "shortcuts" && <ShortcutSheet onClose={() => setDialog(null)} />}
      <Toast text={toast} />
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
