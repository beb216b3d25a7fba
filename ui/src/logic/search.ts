// Search across chat names and message text, ignoring case and accents.
import type { Conversation, Message } from "../bindings";
import { addressText } from "./address";

export function normalize(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

export function matchesName(conversation: Conversation, query: string): boolean {
  const needle = normalize(query.trim());
  if (needle === "") return true;
  // A group's chat is found by its name (its `peer` is the account itself).
  if (conversation.group !== null) return normalize(conversation.title ?? "").includes(needle);
  return normalize(addressText(conversation.peer)).includes(needle);
}

export type SearchHit = { conversation: Conversation; message: Message };

/** Messages whose text contains `query` (deleted ones never match), newest first. */
export function searchMessages(
  conversations: Conversation[],
  messagesByConversation: ReadonlyMap<string, Message[]>,
  query: string,
  limit = 50,
): SearchHit[] {
  const needle = normalize(query.trim());
  if (needle === "") return [];
  const hits: SearchHit[] = [];
  for (const conversation of conversations) {
    for (const message of messagesByConversation.get(conversation.id) ?? []) {
      if (!message.deleted && normalize(message.body).includes(needle)) hits.push({ conversation, message });
    }
  }
  hits.sort((a, b) => b.message.sent_at - a.message.sent_at);
  return hits.slice(0, limit);
}
