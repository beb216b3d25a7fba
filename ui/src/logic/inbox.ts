// Which chats the inbox shows, in which order, for a filter and a layout.
import type { Conversation, InboxLayout } from "../bindings";
import { isOtherNetwork } from "./address";
import { isMuted, type MuteEntry } from "./mute";

export type InboxFilter =
  | { kind: "all" }
  | { kind: "network"; network: string }
  | { kind: "matrix" }
  | { kind: "requests" }
  | { kind: "unread" }
  | { kind: "archived" }
  | { kind: "other-networks" };

export type ChatFlags = { pinned: readonly string[]; muted: readonly MuteEntry[]; archived: readonly string[] };

export function filterKey(filter: InboxFilter): string {
  return filter.kind === "network" ? `network:${filter.network}` : filter.kind;
}

/** Whether `conversation` belongs under `filter`. Requests only ever show under Requests. */
export function matchesFilter(
  conversation: Conversation,
  filter: InboxFilter,
  layout: InboxLayout,
  flags: ChatFlags,
): boolean {
  if (filter.kind === "requests") return conversation.request;
  if (conversation.request) return false;
  const archived = flags.archived.includes(conversation.id);
  if (filter.kind === "archived") return archived;
  if (archived) return false;
  switch (filter.kind) {
    case "all":
      return layout === "combined" || !isOtherNetwork(conversation);
    case "other-networks":
      return isOtherNetwork(conversation);
    case "network":
      return conversation.matrix === null && conversation.peer.network === filter.network;
    case "matrix":
      return conversation.matrix !== null;
    case "unread":
      return conversation.unread > 0;
  }
}

/** Pinned chats first, then the most recent activity first; ties by id for a stable order. */
export function sortChats(conversations: Conversation[], flags: ChatFlags): Conversation[] {
  return [...conversations].sort((a, b) => {
    const pinA = flags.pinned.includes(a.id) ? 1 : 0;
    const pinB = flags.pinned.includes(b.id) ? 1 : 0;
    if (pinA !== pinB) return pinB - pinA;
    if (a.last_activity !== b.last_activity) return b.last_activity - a.last_activity;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

export function inboxRows(
  conversations: Conversation[],
  filter: InboxFilter,
  layout: InboxLayout,
  flags: ChatFlags,
): Conversation[] {
  return sortChats(
    conversations.filter((conversation) => matchesFilter(conversation, filter, layout, flags)),
    flags,
  );
}

/** The networks chats are on, sorted, for the per-network filters. Matrix servers are none of
 * them: Matrix chats have a filter of their own (`matrix`). */
export function networksOf(conversations: Conversation[], accountNetworks: string[]): string[] {
  const all = new Set(accountNetworks);
  for (const conversation of conversations) if (conversation.matrix === null) all.add(conversation.peer.network);
  return [...all].sort();
}

/** Whether any accepted chat is a Matrix one (the Matrix filter is offered then). */
export function anyMatrixChat(conversations: Conversation[]): boolean {
  return conversations.some((conversation) => conversation.matrix !== null && !conversation.request);
}

/** Unread messages for the title and badge: accepted chats not muted at `now` only. */
export function unreadTotal(conversations: Conversation[], flags: ChatFlags, now: number): number {
  return conversations
    .filter((conversation) => !conversation.request && !isMuted(flags, conversation.id, now))
    .reduce((sum, conversation) => sum + conversation.unread, 0);
}

export function requestCount(conversations: Conversation[]): number {
  return conversations.filter((conversation) => conversation.request).length;
}

/** A filter under which `conversation` shows: All where it can, else its own folder (a request
 * under Requests, an archived chat under Archived, another network's in its separate folder). */
export function filterShowing(conversation: Conversation, layout: InboxLayout, flags: ChatFlags): InboxFilter {
  const candidates: InboxFilter[] = [
    { kind: "all" },
    { kind: "requests" },
    { kind: "archived" },
    { kind: "other-networks" },
  ];
  return candidates.find((filter) => matchesFilter(conversation, filter, layout, flags)) ?? { kind: "all" };
}
