// The unified inbox: search, filters, and the chat list (a listbox driven by arrow keys).
import { useEffect, useMemo, useState, type KeyboardEvent, type RefObject } from "react";
import { BellOff, Pin } from "lucide-react";
import { useTranslation } from "react-i18next";
import type { Conversation, InboxLayout, SearchHit } from "../bindings";
import type { Settings } from "../backend/backend";
import { addressText, isOtherNetwork, networkLabel } from "../logic/address";
import { draftPreview, type DraftsByChat } from "../logic/drafts";
import { formatTime } from "../logic/format";
import { chatName } from "../logic/groups";
import { anyMatrixChat, filterKey, inboxRows, requestCount, type InboxFilter } from "../logic/inbox";
import { muteOf, muteText } from "../logic/mute";
import { peerShown } from "../logic/matrix";
import { matchesName } from "../logic/search";
import { ariaKeyShortcut } from "../logic/shortcuts";
import { useBackend } from "./context";
import { Icon } from "./Icon";
import { Avatar, GroupMark, PeerMarks, StatusMark } from "./Marks";
import { SearchHits } from "./SearchHits";
import { useMessageSearch } from "./useMessageSearch";
import { VirtualList } from "./VirtualList";

/** Whether the chat list has arrived: the list shows a placeholder until then, or the error. */
export type InboxStatus = { kind: "loading" } | { kind: "ready" } | { kind: "error"; message: string };

type Props = {
  status?: InboxStatus;
  onRetry?: () => void;
  conversations: Conversation[];
  networks: string[];
  layout: InboxLayout;
  settings: Settings;
  selected: string | null;
  /** Chats with a draft show it as their preview. */
  drafts?: DraftsByChat;
  onSelect: (id: string) => void;
  /** A search result was chosen: open its chat on that message (else the chat is selected). */
  onOpenHit?: (hit: SearchHit) => void;
  filter: InboxFilter;
  onFilter: (filter: InboxFilter) => void;
  /** The search field, for Ctrl+F. */
  searchField?: RefObject<HTMLInputElement>;
  /** Hears the chats as the list shows them, in its order (for Alt+Up/Down and next unread). */
  onVisibleRows?: (rows: Conversation[]) => void;
};

type RowProps = { conversation: Conversation; settings: Settings; now: number; draft: string | undefined };

function ChatRow({ conversation, settings, now, draft }: RowProps) {
  const { t } = useTranslation();
  const pinned = settings.pinned.includes(conversation.id);
  const mute = muteOf(settings, conversation.id, now);
  const group = conversation.group !== null;
  return (
    <div className="chat-row">
      <Avatar name={chatName(conversation)} />
      <div className="chat-row__main">
        <div className="chat-row__top">
          <span className="chat-row__name">{chatName(conversation)}</span>
          <span className="chat-row__time">{formatTime(conversation.last_activity, now)}</span>
        </div>
        {group ? (
          <div className="chat-row__address">
            <GroupMark />
            <span className="chat-row__addr-text">
              {t("common.via", { account: addressText(conversation.account) })}
            </span>
          </div>
        ) : (
          <div className="chat-row__address">
            <span className="chat-row__addr-text">{peerShown(conversation)}</span>
            <PeerMarks conversation={conversation} compact />
          </div>
        )}
        <div className="chat-row__bottom">
          {draft !== undefined && !conversation.request ? (
            <span className="chat-row__preview">
              <span className="chat-row__draft">{t("inbox.draft")}</span> <span dir="auto">{draftPreview(draft)}</span>
            </span>
          ) : (
            <span className="chat-row__preview" dir="auto">
              {conversation.last_status && <StatusMark status={conversation.last_status} />}{" "}
              {conversation.request ? t(group ? "invitation.label" : "request.label") : conversation.last_preview}
            </span>
          )}
          {pinned && (
            <span className="chat-row__flag">
              <Icon icon={Pin} label={t("inbox.pinned")} />
            </span>
          )}
          {mute !== null && (
            <span className="chat-row__flag" title={muteText(mute, now)}>
              <Icon icon={BellOff} label={muteText(mute, now)} />
            </span>
          )}
          {conversation.read_only && !conversation.request && (
            <span className="chat-row__flag">{t("inbox.readOnly")}</span>
          )}
          {conversation.unread > 0 && (
            <span className="badge" aria-label={t("inbox.unread", { count: conversation.unread })}>
              {conversation.unread}
            </span>
          )}
        </div>
      </div>
    </div>
  );
}

const NO_DRAFTS: DraftsByChat = {};

export function Inbox({
  status = { kind: "ready" },
  onRetry,
  conversations,
  networks,
  layout,
  settings,
  selected,
  drafts = NO_DRAFTS,
  onSelect,
  onOpenHit,
  filter,
  onFilter,
  searchField,
  onVisibleRows,
}: Props) {
  const backend = useBackend();
  const { t } = useTranslation();
  const [query, setQuery] = useState("");
  const search = useMessageSearch(backend, query);
  const [active, setActive] = useState(0);
  const now = Date.now();

  const rows = useMemo(() => {
    const base = inboxRows(conversations, filter, layout, settings);
    return query.trim() === "" ? base : base.filter((conversation) => matchesName(conversation, query));
  }, [conversations, filter, layout, settings, query]);

  useEffect(() => onVisibleRows?.(rows), [rows, onVisibleRows]);

  useEffect(() => {
    const index = rows.findIndex((conversation) => conversation.id === selected);
    if (index >= 0) setActive(index);
    else setActive((current) => Math.min(current, Math.max(0, rows.length - 1)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows.length, selected]);

  const requests = requestCount(conversations);
  const anyOther = conversations.some((conversation) => !conversation.request && isOtherNetwork(conversation));
  const filters: { filter: InboxFilter; label: string }[] = [
    { filter: { kind: "all" }, label: t("inbox.filter.all") },
    ...networks.map((network) => ({
      filter: { kind: "network", network } as InboxFilter,
      label: networkLabel(network),
    })),
    ...(anyMatrixChat(conversations) ? [{ filter: { kind: "matrix" } as InboxFilter, label: t("matrix.mark") }] : []),
    ...(layout === "separate" && anyOther
      ? [{ filter: { kind: "other-networks" } as InboxFilter, label: t("inbox.filter.otherNetworks") }]
      : []),
    {
      filter: { kind: "requests" },
      label: requests > 0 ? t("inbox.filter.requestsWaiting", { count: requests }) : t("inbox.filter.requests"),
    },
    { filter: { kind: "unread" }, label: t("inbox.filter.unread") },
    { filter: { kind: "archived" }, label: t("inbox.filter.archived") },
  ];

  const onKeyDown = (event: KeyboardEvent) => {
    if (rows.length === 0) return;
    let next = active;
    if (event.key === "ArrowDown") next = Math.min(rows.length - 1, active + 1);
    else if (event.key === "ArrowUp") next = Math.max(0, active - 1);
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = rows.length - 1;
    else if (event.key === "Enter" || event.key === " ") {
      const conversation = rows[active];
      if (conversation) onSelect(conversation.id);
      event.preventDefault();
      return;
    } else return;
    event.preventDefault();
    setActive(next);
    const conversation = rows[next];
    if (conversation) onSelect(conversation.id);
  };

  const activeRow = rows[active];
  return (
    <div className="inbox">
      <div className="inbox__search">
        <label className="visually-hidden" htmlFor="inbox-search">
          {t("inbox.search")}
        </label>
        <input
          ref={searchField}
          id="inbox-search"
          aria-keyshortcuts={ariaKeyShortcut("search")}
          className="input"
          type="search"
          placeholder={t("inbox.search")}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
      </div>
      <div className="filters" role="toolbar" aria-label={t("inbox.filters")}>
        {filters.map(({ filter: option, label }) => (
          <button
            key={filterKey(option)}
            type="button"
            className="filter"
            aria-pressed={filterKey(option) === filterKey(filter)}
            onClick={() => onFilter(option)}
          >
            {label}
          </button>
        ))}
      </div>
      {status.kind === "loading" ? (
        <p className="inbox__empty" role="status">
          {t("inbox.loading")}
        </p>
      ) : status.kind === "error" ? (
        <div className="inbox__error" role="alert">
          <p className="notice notice--error">{t("inbox.loadFailed", { reason: status.message })}</p>
          {onRetry && (
            <button type="button" className="button button--small" onClick={onRetry}>
              {t("action.tryAgain")}
            </button>
          )}
        </div>
      ) : rows.length === 0 ? (
        <p className="inbox__empty">
          {query
            ? t("inbox.noMatch")
            : filter.kind === "requests"
              ? t("inbox.noRequests")
              : conversations.length === 0
                ? t("inbox.empty")
                : t("inbox.emptyFilter")}
        </p>
      ) : (
        <VirtualList
          className="inbox__list"
          items={rows}
          keyOf={(conversation) => conversation.id}
          estimate={() => 84}
          render={(conversation) => (
            <ChatRow conversation={conversation} settings={settings} now={now} draft={drafts[conversation.id]} />
          )}
          revealIndex={active}
          role="listbox"
          aria-label={t("inbox.list")}
          tabIndex={0}
          aria-activedescendant={activeRow ? `chat-${activeRow.id}` : undefined}
          onKeyDown={onKeyDown}
          rowProps={(conversation, index) => ({
            id: `chat-${conversation.id}`,
            role: "option",
            "aria-selected": conversation.id === selected,
            className: `vlist__row chat-option ${index === active ? "chat-option--active" : ""} ${conversation.id === selected ? "chat-option--selected" : ""}`,
            onClick: () => {
              setActive(index);
              onSelect(conversation.id);
            },
          })}
        />
      )}
      <SearchHits
        search={search}
        conversations={conversations}
        now={now}
        onOpen={(hit) => (onOpenHit ? onOpenHit(hit) : onSelect(hit.conversation))}
      />
    </div>
  );
}
