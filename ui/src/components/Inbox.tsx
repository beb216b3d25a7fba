// The unified inbox: search, filters, and the chat list (a listbox driven by arrow keys).
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { Conversation, InboxLayout, Message } from "../bindings";
import type { Settings } from "../backend/backend";
import { addressText, isOtherNetwork, networkLabel } from "../logic/address";
import { draftPreview, type DraftsByChat } from "../logic/drafts";
import { formatTime } from "../logic/format";
import { chatName } from "../logic/groups";
import { filterKey, inboxRows, requestCount, type InboxFilter } from "../logic/inbox";
import { muteOf, muteText } from "../logic/mute";
import { matchesName, searchMessages, type SearchHit } from "../logic/search";
import { useBackend } from "./context";
import { Avatar, GroupMark, NetworkMark, StatusMark } from "./Marks";
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
  filter: InboxFilter;
  onFilter: (filter: InboxFilter) => void;
};

type RowProps = { conversation: Conversation; settings: Settings; now: number; draft: string | undefined };

function ChatRow({ conversation, settings, now, draft }: RowProps) {
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
            <span className="chat-row__addr-text">via {addressText(conversation.account)}</span>
          </div>
        ) : (
          <div className="chat-row__address">
            <span className="chat-row__addr-text">{addressText(conversation.peer)}</span>
            <NetworkMark network={conversation.peer.network} />
          </div>
        )}
        <div className="chat-row__bottom">
          {draft !== undefined && !conversation.request ? (
            <span className="chat-row__preview">
              <span className="chat-row__draft">Draft:</span> <span dir="auto">{draftPreview(draft)}</span>
            </span>
          ) : (
            <span className="chat-row__preview" dir="auto">
              {conversation.last_status && <StatusMark status={conversation.last_status} />}{" "}
              {conversation.request ? (group ? "Group invitation" : "Message request") : conversation.last_preview}
            </span>
          )}
          {pinned && (
            <span className="chat-row__flag" role="img" aria-label="Pinned">
              📌
            </span>
          )}
          {mute !== null && (
            <span className="chat-row__flag" role="img" aria-label={muteText(mute, now)} title={muteText(mute, now)}>
              🔕
            </span>
          )}
          {conversation.read_only && !conversation.request && <span className="chat-row__flag">read-only</span>}
          {conversation.unread > 0 && (
            <span className="badge" aria-label={`${conversation.unread} unread`}>
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
  filter,
  onFilter,
}: Props) {
  const backend = useBackend();
  const [query, setQuery] = useState("");
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [active, setActive] = useState(0);
  const cache = useRef(new Map<string, Message[]>());
  const now = Date.now();

  const rows = useMemo(() => {
    const base = inboxRows(conversations, filter, layout, settings);
    return query.trim() === "" ? base : base.filter((conversation) => matchesName(conversation, query));
  }, [conversations, filter, layout, settings, query]);

  // Message search: pages of each chat's recent messages, cached while the inbox is open.
  useEffect(() => {
    const needle = query.trim();
    if (needle.length < 2) {
      setHits([]);
      return;
    }
    let live = true;
    const timer = setTimeout(async () => {
      for (const conversation of conversations) {
        if (!cache.current.has(conversation.id)) {
          const page = await backend.messages(conversation.id, null, 200).catch(() => null);
          cache.current.set(conversation.id, page?.items ?? []);
        }
      }
      if (live) setHits(searchMessages(conversations, cache.current, needle, 30));
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [backend, conversations, query]);

  useEffect(() => cache.current.clear(), [conversations]);

  useEffect(() => {
    const index = rows.findIndex((conversation) => conversation.id === selected);
    if (index >= 0) setActive(index);
    else setActive((current) => Math.min(current, Math.max(0, rows.length - 1)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows.length, selected]);

  const requests = requestCount(conversations);
  const anyOther = conversations.some((conversation) => !conversation.request && isOtherNetwork(conversation));
  const filters: { filter: InboxFilter; label: string }[] = [
    { filter: { kind: "all" }, label: "All" },
    ...networks.map((network) => ({
      filter: { kind: "network", network } as InboxFilter,
      label: networkLabel(network),
    })),
    ...(layout === "separate" && anyOther
      ? [{ filter: { kind: "other-networks" } as InboxFilter, label: "Other networks" }]
      : []),
    { filter: { kind: "requests" }, label: `Requests${requests > 0 ? ` (${requests})` : ""}` },
    { filter: { kind: "unread" }, label: "Unread" },
    { filter: { kind: "archived" }, label: "Archived" },
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
          Search chats and messages
        </label>
        <input
          id="inbox-search"
          className="input"
          type="search"
          placeholder="Search chats and messages"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
      </div>
      <div className="filters" role="toolbar" aria-label="Filter chats">
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
          Loading chats…
        </p>
      ) : status.kind === "error" ? (
        <div className="inbox__error" role="alert">
          <p className="notice notice--error">Your chats could not be loaded. {status.message}</p>
          {onRetry && (
            <button type="button" className="button button--small" onClick={onRetry}>
              Try again
            </button>
          )}
        </div>
      ) : rows.length === 0 ? (
        <p className="inbox__empty">
          {query
            ? "No chats match."
            : filter.kind === "requests"
              ? "No message requests."
              : conversations.length === 0
                ? "No chats yet. Start one with “New chat”."
                : "No chats here."}
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
          aria-label="Chats"
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
      {hits.length > 0 && (
        <section className="search-hits" aria-labelledby="search-hits-title">
          <h2 id="search-hits-title" className="section-title">
            Messages
          </h2>
          <ul>
            {hits.map((hit) => (
              <li key={hit.message.id}>
                <button type="button" className="search-hit" onClick={() => onSelect(hit.conversation.id)}>
                  <span className="search-hit__who">
                    {hit.conversation.group !== null ? chatName(hit.conversation) : addressText(hit.conversation.peer)}
                  </span>
                  <span className="search-hit__text" dir="auto">
                    {hit.message.body}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
