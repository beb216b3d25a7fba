// What the quick switcher (Ctrl+K) offers: every chat, and the people the profile knows that
// have no one-to-one chat yet (a person who has one is offered as that chat). Filtered with the
// search's accent- and case-insensitive `normalize`; best matches first.
import type { Conversation, ConversationId } from "../bindings";
import { addressText } from "./address";
import { chatName } from "./groups";
import { normalize } from "./search";

/** A person the profile knows through one of its accounts (a chat's peer, a group's member). */
export type KnownPerson = { account: string; address: string };

export type SwitcherEntry =
  | {
      kind: "chat";
      /** Unique among the entries, for keys and option ids. */
      key: string;
      conversation: ConversationId;
      title: string;
      /** The person's address (a Matrix chat's: their Matrix id), or for a group the account it is in. */
      address: string;
      account: string;
      group: boolean;
      unread: number;
    }
  | { kind: "person"; key: string; title: string; address: string; account: string };

/** At most this many entries show: the switcher is for going somewhere, not for browsing. */
export const SWITCHER_LIMIT = 30;

function nameOf(address: string): string {
  const at = address.lastIndexOf("@");
  return at > 0 ? address.slice(0, at) : address;
}

/** Chats most recent first, then people by name; each person once per account. */
export function switcherEntries(
  conversations: readonly Conversation[],
  people: readonly KnownPerson[],
): SwitcherEntry[] {
  const chats = [...conversations].sort((a, b) => b.last_activity - a.last_activity);
  const withChat = new Set<string>();
  const entries: SwitcherEntry[] = chats.map((conversation) => {
    const account = addressText(conversation.account);
    const group = conversation.group !== null;
    const address = group ? account : addressText(conversation.peer);
    // A Matrix chat shows its person's Matrix id (the chat is opened by id, never by address).
    const shown = conversation.matrix?.peer ?? address;
    if (!group) withChat.add(`${account}|${address}`);
    return {
      kind: "chat",
      key: `chat:${conversation.id}`,
      conversation: conversation.id,
      title: chatName(conversation),
      address: shown,
      account: conversation.matrix?.account ?? account,
      group,
      unread: conversation.unread,
    };
  });
  const seen = new Set<string>();
  const others = people
    .filter(({ account, address }) => {
      const key = `${account}|${address}`;
      if (withChat.has(key) || seen.has(key) || address === account) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => nameOf(a.address).localeCompare(nameOf(b.address)) || a.account.localeCompare(b.account));
  for (const { account, address } of others) {
    entries.push({ kind: "person", key: `person:${account}|${address}`, title: nameOf(address), address, account });
  }
  return entries;
}

/** How well an entry matches: 0 its name starts with the query, 1 a word of its name or
 * address does, 2 the query is inside them; null when it does not match. */
function rank(entry: SwitcherEntry, needle: string): number | null {
  const title = normalize(entry.title);
  const address = normalize(entry.address);
  if (title.startsWith(needle)) return 0;
  const words = `${title} ${address}`.split(/[\s@._-]+/u);
  if (words.some((word) => word.startsWith(needle))) return 1;
  if (title.includes(needle) || address.includes(needle)) return 2;
  return null;
}

/** The entries that match `query`, best first (ties keep their order), at most `limit`. */
export function filterEntries(
  entries: readonly SwitcherEntry[],
  query: string,
  limit = SWITCHER_LIMIT,
): SwitcherEntry[] {
  const needle = normalize(query.trim());
  if (needle === "") return entries.slice(0, limit);
  const ranked: { entry: SwitcherEntry; rank: number; index: number }[] = [];
  entries.forEach((entry, index) => {
    const score = rank(entry, needle);
    if (score !== null) ranked.push({ entry, rank: score, index });
  });
  ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
  return ranked.slice(0, limit).map(({ entry }) => entry);
}
