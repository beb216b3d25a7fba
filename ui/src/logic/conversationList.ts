// Keeping the chat list right while a full reload is in flight.
//
// A reload asks the backend for every chat; events keep arriving meanwhile. The answer reflects
// the moment the backend read its store, so a chat that changed (or appeared) after that moment
// but before the answer arrived would be overwritten by its older state, or vanish until its next
// event. A journal records what events said during the reload, and wins over the answer.
import type { Conversation } from "../bindings";

/** What events said about chats while a reload was in flight: a chat, or `null` once removed. */
export type ChatJournal = Map<string, Conversation | null>;

export function newestFirst(conversations: Conversation[]): Conversation[] {
  return [...conversations].sort((a, b) => b.last_activity - a.last_activity);
}

/** `current` with one chat changed (added, or replaced) as an event says. */
export function withChanged(current: Conversation[], changed: Conversation): Conversation[] {
  return newestFirst([changed, ...current.filter((conversation) => conversation.id !== changed.id)]);
}

/** A reload's answer, corrected by the events that arrived while it was on its way. */
export function reconcile(loaded: Conversation[], journal: ChatJournal): Conversation[] {
  const kept = loaded.filter((conversation) => !journal.has(conversation.id));
  const changed = [...journal.values()].filter((conversation): conversation is Conversation => conversation !== null);
  return newestFirst([...kept, ...changed]);
}

/** Records an event's word on a chat in every reload still waiting for its answer. */
export function noteInJournals(journals: Set<ChatJournal>, id: string, conversation: Conversation | null): void {
  for (const journal of journals) journal.set(id, conversation);
}
