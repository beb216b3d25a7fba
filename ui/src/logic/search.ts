// Finding chats by name, ignoring case and accents. Messages are searched by the backend's
// index (`Backend.search`), never in the page.
import type { Conversation } from "../bindings";
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
