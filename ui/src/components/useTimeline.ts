// An open chat's messages: the newest page, older pages on demand, and every change live, with
// no gap between the page and the changes (openTimeline). Events lost on the way ("resync")
// read the newest page again.
import { useCallback, useEffect, useRef, useState } from "react";
import type { ConversationId, Message } from "../bindings";
import { asUserError, type Backend } from "../backend/backend";
import { describeError } from "../logic/errors";
import { applyMessageEvent, keepNewest, openTimeline } from "../logic/timeline";
import type { Transfer } from "./MessageItem";

export type Timeline = {
  messages: Message[];
  loading: boolean;
  /** Why the newest page could not be read; `retry` tries again. */
  loadError: string | null;
  retry(): void;
  /** Reads the page before the oldest loaded message, if there is one. */
  loadOlder(): void;
  /** Attachment transfers in progress, by `message:index`. */
  transfers: Map<string, Transfer>;
};

/**
 * How many pages an open chat keeps while its reader follows the newest message; it lets go
 * of the oldest once a page more has arrived. A chat left open for hours would otherwise hold
 * every message that arrived meanwhile; scrolling back reads them again.
 */
export const PAGES_KEPT_WHILE_FOLLOWING = 3;

export function useTimeline(
  backend: Pick<Backend, "listen" | "messages">,
  conversation: ConversationId,
  pageSize: number,
  onOlderError: (message: string) => void,
  /** Whether the reader is at the newest message (the list scrolled to its end). */
  following?: { readonly current: boolean },
): Timeline {
  const [messages, setMessages] = useState<Message[]>([]);
  const [cursor, setCursor] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [transfers, setTransfers] = useState(new Map<string, Transfer>());
  const [attempt, setAttempt] = useState(0);
  const loadingOlder = useRef(false);

  useEffect(() => {
    let live = true;
    let stop: (() => void) | null = null;
    setMessages([]);
    setLoading(true);
    setLoadError(null);
    openTimeline(backend, conversation, pageSize, {
      page: (page) => {
        if (!live) return;
        setMessages(page.items);
        setCursor(page.next_cursor);
        setLoading(false);
      },
      event: (event) => {
        if (!live) return;
        if (
          (event.type === "message_added" || event.type === "message_updated") &&
          event.message.conversation === conversation
        ) {
          const kind = event.type === "message_added" ? "added" : "updated";
          const incoming = event.message;
          setMessages((current) => applyMessageEvent(current, kind, incoming));
        } else if (event.type === "transfer" && event.conversation === conversation) {
          setTransfers((current) =>
            new Map(current).set(`${event.message}:${event.index}`, { done: event.done, total: event.total }),
          );
        } else if (event.type === "resync") {
          setAttempt((value) => value + 1);
        }
      },
    }).then(
      (stopListening) => {
        if (live) stop = stopListening;
        else stopListening();
      },
      (caught) => {
        if (!live) return;
        setLoadError(describeError(asUserError(caught)));
        setLoading(false);
      },
    );
    return () => {
      live = false;
      stop?.();
    };
  }, [backend, conversation, pageSize, attempt]);

  const loadOlder = useCallback(() => {
    if (cursor === null || loadingOlder.current) return;
    loadingOlder.current = true;
    void backend.messages(conversation, cursor, pageSize).then(
      (page) => {
        setMessages((current) => [...page.items, ...current]);
        setCursor(page.next_cursor);
        loadingOlder.current = false;
      },
      (caught) => {
        onOlderError(describeError(asUserError(caught)));
        loadingOlder.current = false;
      },
    );
  }, [backend, conversation, cursor, pageSize, onOlderError]);

  useEffect(() => {
    if (!following?.current || messages.length <= pageSize * (PAGES_KEPT_WHILE_FOLLOWING + 1)) return;
    const kept = keepNewest(messages, pageSize * PAGES_KEPT_WHILE_FOLLOWING);
    setMessages(kept.messages);
    setCursor(kept.cursor);
  }, [messages, pageSize, following]);

  const retry = useCallback(() => setAttempt((value) => value + 1), []);
  return { messages, loading, loadError, retry, loadOlder, transfers };
}
