// Who is typing in each chat: the engine's `typing` events (conversation, author, started) kept as
// a list of authors per chat, and the line that says so. In a one-to-one chat the author is the
// other person; in a group, any member.
import { i18n } from "../i18n";

/** Who is typing, per chat id, in the order they started. */
export type TypingState = Record<string, string[]>;

/** The state after `author` started or stopped typing in `conversation`. */
export function typingChanged(state: TypingState, conversation: string, author: string, started: boolean): TypingState {
  const current = state[conversation] ?? [];
  const without = current.filter((one) => one !== author);
  const next = started ? [...without, author] : without;
  if (next.length === current.length && next.every((one, index) => one === current[index])) return state;
  return { ...state, [conversation]: next };
}

/** A message from `author` arrived: they stopped typing. */
export function typingStopped(state: TypingState, conversation: string, author: string): TypingState {
  return typingChanged(state, conversation, author, false);
}

/** The line under the timeline: "bea is typing…", "bea and heron are typing…",
 * "bea, heron and 2 others are typing…" (in the language shown); empty when nobody is. `nameOf`
 * words an author. */
export function typingText(authors: string[], nameOf: (author: string) => string): string {
  const names = authors.map(nameOf);
  const [first, second, third] = names;
  if (first === undefined) return "";
  if (second === undefined) return i18n.t("typing.one", { name: first });
  if (third === undefined) return i18n.t("typing.two", { first, second });
  if (names.length === 3) return i18n.t("typing.three", { first, second, third });
  return i18n.t("typing.more", { first, second, count: names.length - 2 });
}
