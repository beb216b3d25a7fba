// Message search through the backend's index (the engine's, in the app): the page sends the
// query and shows a page of results, never loads chats to search them.
import { useCallback, useEffect, useRef, useState } from "react";
import type { SearchHit } from "../bindings";
import { asUserError, type Backend } from "../backend/backend";
import { describeError } from "../i18n/errors";

/** Results per page. */
export const SEARCH_PAGE = 30;
/** How long typing must pause before a query goes out. */
export const SEARCH_DEBOUNCE_MS = 150;

export type MessageSearch = {
  hits: SearchHit[];
  /** Every match, shown or not. */
  total: number;
  /** A query is out. */
  loading: boolean;
  error: string | null;
  /** Reads the next page; null on the last one. */
  more: (() => void) | null;
};

const IDLE: MessageSearch = { hits: [], total: 0, loading: false, error: null, more: null };

/** Whether `query` has anything to search for (a letter or digit). */
export function searchable(query: string): boolean {
  return /[\p{L}\p{N}]/u.test(query);
}

export function useMessageSearch(backend: Pick<Backend, "search">, query: string): MessageSearch {
  const [state, setState] = useState<Omit<MessageSearch, "more">>(IDLE);
  const [cursor, setCursor] = useState<string | null>(null);
  // The query the shown results belong to: a late answer to an older query is dropped.
  const current = useRef(0);

  useEffect(() => {
    const asked = ++current.current;
    setCursor(null);
    if (!searchable(query)) {
      setState(IDLE);
      return;
    }
    setState((previous) => ({ ...previous, loading: true, error: null }));
    const timer = setTimeout(() => {
      backend.search(query, null, null, SEARCH_PAGE).then(
        (results) => {
          if (asked !== current.current) return;
          setState({ hits: results.hits, total: results.total, loading: false, error: null });
          setCursor(results.next_cursor);
        },
        (error: unknown) => {
          if (asked !== current.current) return;
          setState({ ...IDLE, error: describeError(asUserError(error)) });
        },
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [backend, query]);

  const more = useCallback(() => {
    if (cursor === null) return;
    const asked = current.current;
    setState((previous) => ({ ...previous, loading: true }));
    backend.search(query, null, cursor, SEARCH_PAGE).then(
      (results) => {
        if (asked !== current.current) return;
        setState((previous) => ({ ...previous, hits: [...previous.hits, ...results.hits], loading: false }));
        setCursor(results.next_cursor);
      },
      (error: unknown) => {
        if (asked !== current.current) return;
        setState((previous) => ({ ...previous, loading: false, error: describeError(asUserError(error)) }));
      },
    );
  }, [backend, cursor, query]);

  return { ...state, more: cursor === null ? null : more };
}
