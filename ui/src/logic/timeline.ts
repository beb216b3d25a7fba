// Keeping an open chat's loaded messages current from events.
import type { ConversationId, Message, Page } from "../bindings";
import type { Backend, BackendEvent } from "../backend/backend";

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

/**
 * The newest `count` of `loaded` (in any order), and the cursor that reads what was let go
 * again: the oldest kept `seq`, as the engine's page cursor is the oldest message of a page.
 */
export function keepNewest(loaded: Message[], count: number): { messages: Message[]; cursor: number | null } {
  if (loaded.length <= count) return { messages: loaded, cursor: null };
  const messages = [...loaded].sort((a, b) => b.seq - a.seq).slice(0, count);
  return { messages, cursor: messages[messages.length - 1]?.seq ?? null };
}

/** What an open chat does with its first page and with every event after it. */
export type TimelineHandlers = {
  page(page: Page<Message>): void;
  event(event: BackendEvent): void;
};

/**
 * Opens a chat's timeline without a gap: listens first, reads the newest page, hands it over,
 * then every event from the moment the listener was registered, in order (those that arrived
 * while the page was read first). An event committed while the chat was being opened is
 * therefore never lost; one already in the page comes again, which `applyMessageEvent` makes
 * harmless. Resolves to the function that stops listening; nothing is delivered after it.
 */
export async function openTimeline(
  backend: Pick<Backend, "listen" | "messages">,
  conversation: ConversationId,
  limit: number,
  handlers: TimelineHandlers,
  /** Reads the first page; the newest by default (a chat opened at a search result reads around it). */
  read: () => Promise<Page<Message>> = () => backend.messages(conversation, null, limit),
): Promise<() => void> {
  const early: BackendEvent[] = [];
  let live = false;
  let stopped = false;
  const stop = await backend.listen((event) => {
    if (stopped) return;
    if (live) handlers.event(event);
    else early.push(event);
  });
  let page: Page<Message>;
  try {
    page = await read();
  } catch (caught) {
    stop();
    throw caught;
  }
  handlers.page(page);
  for (const event of early) handlers.event(event);
  live = true;
  return () => {
    stopped = true;
    stop();
  };
}

/** Where a chat opens when a search result is chosen: the message and its place in the timeline. */
export type TimelineAnchor = { seq: number; message: string };

/**
 * The first page of a chat opened at `anchor`: `limit` messages up to and including it, and
 * `limit` after it. `newer` is the cursor for the next page after those (null: the newest
 * message is loaded, and new ones join as they arrive).
 */
export async function readAround(
  backend: Pick<Backend, "messages" | "messagesAfter">,
  conversation: ConversationId,
  anchor: TimelineAnchor,
  limit: number,
): Promise<{ page: Page<Message>; newer: number | null }> {
  const [before, after] = await Promise.all([
    backend.messages(conversation, anchor.seq + 1, limit),
    backend.messagesAfter(conversation, anchor.seq, limit),
  ]);
  return {
    page: { items: [...after.items].reverse().concat(before.items), next_cursor: before.next_cursor },
    newer: after.next_cursor,
  };
}
