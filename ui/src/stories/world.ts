// Picking things out of the demo fixtures for stories: the one fixture set (makeFixtures), never
// a second one. Stories that need a message in a given state take a real one from the world and,
// at most, change the one field the state is about.
import type { Conversation, Message } from "../bindings";
import { makeFixtures, messagesOf, type DemoWorld, type FixtureOptions } from "../demo/fixtures";
import { addressText } from "../logic/address";
import { isEmojiOnly } from "../logic/links";

const worlds = new Map<string, DemoWorld>();

/** The fixtures for these options (shared between stories: treat as read-only). */
export function world(options: FixtureOptions = {}): DemoWorld {
  const key = JSON.stringify(options);
  let made = worlds.get(key);
  if (!made) {
    made = makeFixtures(options);
    worlds.set(key, made);
  }
  return made;
}

export function conversations(from: DemoWorld = world()): Conversation[] {
  return [...from.conversations.values()].sort((a, b) => b.last_activity - a.last_activity);
}

/** The chat with this peer (name@network), from this account if given. */
export function chat(peer: string, account?: string, from: DemoWorld = world()): Conversation {
  const found = conversations(from).find(
    (c) => addressText(c.peer) === peer && (account === undefined || addressText(c.account) === account),
  );
  if (!found) throw new Error(`no chat with ${peer} in the fixtures`);
  return found;
}

export function messagesWith(peer: string, account?: string, from: DemoWorld = world()): Message[] {
  return messagesOf(from, chat(peer, account, from).id);
}

/** The first message (over every hand-written chat) that satisfies `test`. */
export function message(test: (message: Message) => boolean, from: DemoWorld = world()): Message {
  for (const id of from.conversations.keys()) {
    const found = (from.messages.get(id) ?? []).find(test);
    if (found) return found;
  }
  throw new Error("no such message in the fixtures");
}

const RTL = /[\u0590-\u08ff]/;
export const isRtl = (m: Message) => RTL.test(m.body);
export const isEmoji = (m: Message) => m.attachments.length === 0 && !m.deleted && isEmojiOnly(m.body);
export const isLong = (m: Message) => m.body.length > 180;

/** The accepted chat whose latest messages hold the most that satisfy `test` (e.g. right-to-left text). */
export function chatRichIn(test: (message: Message) => boolean, from: DemoWorld = world()): Conversation {
  let best: { conversation: Conversation; score: number } | null = null;
  for (const conversation of conversations(from)) {
    if (conversation.request || conversation.read_only) continue;
    const list = from.messages.get(conversation.id);
    if (!list) continue;
    const score = list.slice(-8).filter(test).length;
    if (!best || score > best.score) best = { conversation, score };
  }
  if (!best) throw new Error("no chat in the fixtures");
  return best.conversation;
}

/** The chat of the demo group named `name` (groupFixtures.ts). */
export function groupChat(name: string, from: DemoWorld = world()): Conversation {
  const found = conversations(from).find((c) => c.group !== null && c.title === name);
  if (!found) throw new Error(`no group ${name} in the fixtures`);
  return found;
}
