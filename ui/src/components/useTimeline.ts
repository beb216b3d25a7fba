// An open chat's messages: the newest page (or the page around a search result), older and
// newer pages on demand, and every change live, with no gap between the page and the changes
// (openTimeline). Events lost on the way ("resync") read the first page again.
import { useCallback, useEffect, useRef, useState } from "react";
import type { ConversationId, Message } from "../bindings";
import { asUserError, type Backend } from "../backend/backend";
import { describeError } from "../i18n/errors";
import { applyMessageEvent, keepNewest, openTimeline, readAround, type TimelineAnchor } from "../logic/timeline";
import type { Transfer } from "./MessageItem";

export type Timeline = {
  messages: Message[];
  loading: boolean;
  /** Why the newest page could not be read; `retry` tries again. */
  loadError: string | null;
  retry(): void;
  /** Reads the page before the oldest loaded message, if there is one. */
  loadOlder(): void;
  /** Reads the page after the newest loaded message, when the chat was opened at a search
   * result and the newest is not loaded yet; null once it is (new messages then join live). */
  loadNewer: (() => void) | null;
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
  backend: Pick<Backend, "listen" | "messages" | "messagesAfter">,
  conversation: ConversationId,
  pageSize: number,
  onOlderError: (message: string) => void,
  /** Whether the reader is at the newest message (the list scrolled to its end). */
  following?: { readonly current: boolean },
  /** Open around this message instead of at the newest (a chosen search result). */
  anchor?: TimelineAnchor | null,
): Timeline {
  const [messages, setMessages] = useState<Message[]>([]);
  const [cursor, setCursor] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [transfers, setTransfers] = useState(new Map<string, Transfer>());
  const [attempt, setAttempt] = useState(0);
  const loadingOlder = useRef(false);
  // The cursor of the page after the newest loaded message; null when the newest is loaded.
  const [newer, setNewer] = useState<number | null>(null);
  const newerRef = useRef<number | null>(null);
  newerRef.current = newer;
  const loadingNewer = useRef(false);
  const anchorSeq = anchor?.seq ?? null;
  const anchorMessage = anchor?.message ?? null;

  useEffect(() => {
    let live = true;
    let stop: (() => void) | null = null;
    setMessages([]);
    setLoading(true);
    setLoadError(null);
    const read =
      anchorSeq === null || anchorMessage === null
        ? undefined
        : () =>
            readAround(backend, conversation, { seq: anchorSeq, message: anchorMessage }, pageSize).then(
              ({ page, newer: after }) => {
                if (live) {
                  newerRef.current = after;
                  setNewer(after);
                }
                return page;
              },
            );
    openTimeline(
      backend,
      conversation,
      pageSize,
      {
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
            // Opened at a search result with newer pages still unread: a new message joins when
            // those are read (it is stored), not after the gap.
            if (kind === "added" && newerRef.current !== null) return;
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
      },
      read,
    ).then(
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
  }, [backend, conversation, pageSize, attempt, anchorSeq, anchorMessage]);

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

  const loadNewer = useCallback(() => {
    const after = newerRef.current;
    if (after === null || loadingNewer.current) return;
    loadingNewer.current = true;
    void backend.messagesAfter(conversation, after, pageSize).then(
      (page) => {
        setMessages((current) => [...current, ...page.items.filter((m) => !current.some((c) => c.id === m.id))]);
        newerRef.current = page.next_cursor;
        setNewer(page.next_cursor);
        loadingNewer.current = false;
      },
      (caught) => {
        onOlderError(describeError(asUserError(caught)));
        loadingNewer.current = false;
      },
    );
  }, [backend, conversation, pageSize, onOlderError]);

  const retry = useCallback(() => setAttempt((value) => value + 1), []);
  return { messages, loading, loadError, retry, loadOlder, loadNewer: newer === null ? null : loadNewer, transfers };
}
