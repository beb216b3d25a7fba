// Keeping an open chat's loaded messages current from events.
import type { Message } from "../bindings";

/**
 * `loaded` after an event about one of its chat's messages. A new message joins the end; a
 * change replaces the loaded copy. A change to a message that is not loaded is left alone: it
 * lies before the loaded page (marking a long chat read updates every unread message), and
 * appending it would put it out of order and load it twice once the user scrolls back to it.
 */
export function applyMessageEvent(loaded: Message[], kind: "added" | "updated", message: Message): Message[] {
  const index = loaded.findIndex((candidate) => candidate.id === message.id);
  if (index < 0) return kind === "added" ? [...loaded, message] : loaded;
  const copy = [...loaded];
  copy[index] = message;
  return copy;
}
