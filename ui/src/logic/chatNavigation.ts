// Moving between chats from the keyboard: previous and next in the list's order, and the next
// unread one. The rows are the chat list as shown (filter, layout, search and order applied).
import type { Conversation, ConversationId } from "../bindings";
import { isMuted, type MuteEntry } from "./mute";

/** The chat one step up (-1) or down (+1) from the open one; from none, the first or the last.
 * Null at either end of the list (it does not wrap) and for an empty list. */
export function adjacentChat(
  rows: readonly Conversation[],
  selected: ConversationId | null,
  step: 1 | -1,
): ConversationId | null {
  if (rows.length === 0) return null;
  const index = rows.findIndex((conversation) => conversation.id === selected);
  if (index < 0) return (step === 1 ? rows[0] : rows[rows.length - 1])?.id ?? null;
  return rows[index + step]?.id ?? null;
}

/** The first chat after the open one (wrapping round) with unread messages, or null. Requests
 * and muted chats are left out: neither counts in the unread total either (inbox.ts). */
export function nextUnreadChat(
  rows: readonly Conversation[],
  selected: ConversationId | null,
  flags: { muted: readonly MuteEntry[] },
  now: number,
): ConversationId | null {
  const start = rows.findIndex((conversation) => conversation.id === selected);
  for (let offset = 1; offset <= rows.length; offset++) {
    const candidate = rows[(start + offset) % rows.length];
    if (!candidate || candidate.id === selected) continue;
    if (candidate.unread > 0 && !candidate.request && !isMuted(flags, candidate.id, now)) return candidate.id;
  }
  return null;
}
