// Per-chat mute, for a while or always. The settings keep `muted` as a list whose entries are a
// chat id (muted always: what older settings hold) or `{ id, until }` (muted until then, in ms
// since the epoch). A mute that has run out counts as none, wherever it is read.
import type { ConversationId } from "../bindings";
import { i18n } from "../i18n";
import { formatClock } from "./format";
import { currentLocale } from "./locale";

export type MuteEntry = ConversationId | { id: ConversationId; until: number };

/** A chat's mute: "always", until a time, or null when it is not muted. */
export type Mute = "always" | number | null;

type MuteFlags = { muted: readonly MuteEntry[] };

const HOUR = 3_600_000;

/** What Mute offers, in order: `ms` is how long, null for always. */
export const MUTE_CHOICES: readonly { ms: number | null }[] = [{ ms: HOUR }, { ms: 8 * HOUR }, { ms: null }];

/** A choice of `MUTE_CHOICES` in words, in the language shown: "1 hour", "8 hours", "Always". */
export function muteChoiceText(ms: number | null): string {
  return ms === null ? i18n.t("mute.always") : i18n.t("mute.hours", { count: ms / HOUR });
}

function entryId(entry: MuteEntry): ConversationId {
  return typeof entry === "string" ? entry : entry.id;
}

/** The chat's mute at `now`; an expired one is null. */
export function muteOf(flags: MuteFlags, id: ConversationId, now: number): Mute {
  const entry = flags.muted.find((candidate) => entryId(candidate) === id);
  if (entry === undefined) return null;
  if (typeof entry === "string") return "always";
  return entry.until > now ? entry.until : null;
}

export function isMuted(flags: MuteFlags, id: ConversationId, now: number): boolean {
  return muteOf(flags, id, now) !== null;
}

/** `muted` with the chat muted for `ms` from `now` (null: always); expired entries are dropped. */
export function withMute(muted: readonly MuteEntry[], id: ConversationId, ms: number | null, now: number): MuteEntry[] {
  const kept = withoutMute(muted, id).filter((entry) => typeof entry === "string" || entry.until > now);
  return [...kept, ms === null ? id : { id, until: now + ms }];
}

export function withoutMute(muted: readonly MuteEntry[], id: ConversationId): MuteEntry[] {
  return muted.filter((entry) => entryId(entry) !== id);
}

/** When the next timed mute after `now` runs out (something shown may change then), or null. */
export function nextMuteEnd(muted: readonly MuteEntry[], now: number): number | null {
  const ends = muted.flatMap((entry) => (typeof entry !== "string" && entry.until > now ? [entry.until] : []));
  return ends.length === 0 ? null : Math.min(...ends);
}

/** What a muted chat says about it: "Muted", "Muted until 14:05", "Muted until Tue 14:05". */
export function muteText(mute: Exclude<Mute, null>, now: number, locale = currentLocale()): string {
  if (mute === "always") return i18n.t("mute.muted");
  const time = formatClock(mute, locale);
  if (new Date(mute).toDateString() === new Date(now).toDateString()) return i18n.t("mute.mutedUntil", { time });
  const day = new Date(mute).toLocaleDateString(locale, { weekday: "short" });
  return i18n.t("mute.mutedUntilDay", { day, time });
}
