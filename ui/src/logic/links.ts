// Finds web links in message text. The text is always rendered as text; a link becomes a
// clickable element only in accepted chats, and opens only after the user confirms.

export type Segment = { kind: "text"; text: string } | { kind: "link"; text: string; url: string };

const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"']+/giu;
const TRAILING = /[.,;:!?)\]}'"»]+$/u;

export function splitLinks(text: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const start = match.index ?? 0;
    let raw = match[0];
    const trailing = TRAILING.exec(raw);
    if (trailing) raw = raw.slice(0, raw.length - trailing[0].length);
    const url = safeUrl(raw);
    if (!url) continue;
    if (start > last) segments.push({ kind: "text", text: text.slice(last, start) });
    segments.push({ kind: "link", text: raw, url });
    last = start + raw.length;
  }
  if (last < text.length) segments.push({ kind: "text", text: text.slice(last) });
  return segments;
}

/** An http(s) URL, or null for anything else (javascript:, file:, malformed). */
export function safeUrl(raw: string): string | null {
  const candidate = raw.toLowerCase().startsWith("www.") ? `https://${raw}` : raw;
  try {
    const url = new URL(candidate);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export function hasLinks(text: string): boolean {
  return splitLinks(text).some((segment) => segment.kind === "link");
}

/** Only emoji (and spaces), at most a few: shown large. */
export function isEmojiOnly(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === "") return false;
  const stripped = trimmed.replace(
    /[\p{Extended_Pictographic}\p{Emoji_Modifier}\u200d\ufe0f\s]|\p{Regional_Indicator}/gu,
    "",
  );
  const count = Array.from(trimmed.matchAll(/\p{Extended_Pictographic}|\p{Regional_Indicator}{2}/gu)).length;
  return stripped === "" && count > 0 && count <= 5;
}
