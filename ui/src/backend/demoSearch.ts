// Search in the demo backend, by the engine's rules (crates/isthmus-core/src/search/): every
// word of the query must start a word of the message (words of one or two letters: be one),
// case and accents ignored ("ß" as "ss"),
// words split by Unicode's rules; newest first, a page at a time, with a snippet around the
// first match. The demo scans its messages; the engine answers from its sealed index.
import type { Conversation, ConversationId, Message, SearchHit, SearchResults, SnippetPart } from "../bindings";

const MAX_PAGE = 100;
/** Shorter query words match whole words only (the engine's `MIN_PREFIX_CHARS`). */
const MIN_PREFIX_CHARS = 3;
const BEFORE = 32;
const LENGTH = 160;

const segmenter = new Intl.Segmenter(undefined, { granularity: "word" });

/** A word without case or accents, as the engine folds it. */
export function fold(word: string): string {
  return word.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replaceAll("ß", "ss");
}

/** The words of `text` with their offsets (UTF-16), as written. */
function words(text: string): { index: number; word: string }[] {
  const found: { index: number; word: string }[] = [];
  for (const segment of segmenter.segment(text)) {
    if (segment.isWordLike) found.push({ index: segment.index, word: segment.segment });
  }
  return found;
}

/** Whether a folded word matches a folded query word, as the engine decides. */
export function matches(word: string, query: string): boolean {
  return Array.from(query).length < MIN_PREFIX_CHARS ? word === query : word.startsWith(query);
}

/** The query's words, folded, without repeats. */
export function queryWords(query: string): string[] {
  return [...new Set(words(query).map(({ word }) => fold(word)))];
}

function searchableText(message: Message): string | null {
  if (message.deleted || message.notice !== null) return null;
  return [message.body, ...message.attachments.map((attachment) => attachment.file_name)].join("\n");
}

/** The snippet of `text`, or null when a query word starts no word of it. */
export function snippet(text: string, query: string[]): SnippetPart[] | null {
  const matched = new Set<string>();
  const hits: { start: number; end: number }[] = [];
  for (const { index, word } of words(text)) {
    const folded = fold(word);
    const starts = query.filter((q) => matches(folded, q));
    starts.forEach((q) => matched.add(q));
    if (starts.length > 0) hits.push({ start: index, end: index + word.length });
  }
  const first = hits[0];
  if (matched.size < query.length || first === undefined) return null;
  const chars = Array.from(text.slice(0, first.start));
  let from = Math.max(0, first.start - chars.slice(-BEFORE).join("").length);
  if (from > 0) {
    const next = words(text.slice(from, first.start))[1];
    from = next === undefined ? first.start : from + next.index;
  }
  const to = from + Array.from(text.slice(from)).slice(0, LENGTH).join("").length;
  const parts: SnippetPart[] = [];
  const push = (part: string, hit: boolean) => {
    if (part === "") return;
    const line = part.replace(/[\r\n]/g, " ");
    const last = parts[parts.length - 1];
    if (last !== undefined && last.hit === hit) last.text += line;
    else parts.push({ text: line, hit });
  };
  if (from > 0) push("…", false);
  let at = from;
  for (const hit of hits.filter((h) => h.start >= from && h.start < to)) {
    push(text.slice(at, hit.start), false);
    const end = Math.min(hit.end, to);
    push(text.slice(hit.start, end), true);
    at = end;
  }
  push(text.slice(at, to), false);
  if (to < text.length) push("…", false);
  return parts;
}

/** One page of results over `conversations`. The cursor is the offset of the next result. */
export function searchDemo(
  conversations: Conversation[],
  messagesOf: (id: ConversationId) => Message[],
  query: string,
  within: ConversationId | null,
  cursor: string | null,
  limit: number,
): SearchResults {
  const queryList = queryWords(query);
  if (queryList.length === 0) return { hits: [], total: 0, next_cursor: null };
  const start = cursor === null ? 0 : Number(cursor);
  if (!Number.isInteger(start) || start < 0) {
    throw { code: "invalid_argument", message: "not a search cursor" };
  }
  const hits: SearchHit[] = [];
  for (const conversation of conversations) {
    if (within !== null && conversation.id !== within) continue;
    for (const message of messagesOf(conversation.id)) {
      const text = searchableText(message);
      const parts = text === null ? null : snippet(text, queryList);
      if (parts === null) continue;
      hits.push({
        conversation: conversation.id,
        message: message.id,
        seq: message.seq,
        sent_at: message.sent_at,
        author: message.author,
        direction: message.direction,
        snippet: parts,
      });
    }
  }
  hits.sort((a, b) => b.sent_at - a.sent_at || b.seq - a.seq);
  const size = Math.min(Math.max(limit, 1), MAX_PAGE);
  const page = hits.slice(start, start + size);
  const next = start + page.length;
  return { hits: page, total: hits.length, next_cursor: next < hits.length ? String(next) : null };
}
