// The timeline's rows: messages oldest first with a separator before each new day.
import type { Message } from "../bindings";
import { capitalized, currentLocale } from "./locale";

export type TimelineRow =
  { kind: "day"; key: string; label: string } | { kind: "message"; key: string; message: Message };

export function dayKey(ms: number): string {
  const date = new Date(ms);
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

/** "Today", "Yesterday" (in the locale's words), then the weekday within a week, then the date. */
export function dayLabel(ms: number, now: number, locale = currentLocale()): string {
  const startOf = (value: number) => {
    const date = new Date(value);
    date.setHours(0, 0, 0, 0);
    return date.getTime();
  };
  const days = Math.round((startOf(now) - startOf(ms)) / 86_400_000);
  if (days === 0 || days === 1) {
    const relative = new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(-days, "day");
    return capitalized(relative, locale);
  }
  const date = new Date(ms);
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  return date.toLocaleDateString(locale, {
    weekday: days < 7 ? "long" : undefined,
    day: "numeric",
    month: "long",
    year: sameYear ? undefined : "numeric",
  });
}

/** `messages` in any order; rows come oldest first, by `seq`. */
export function timelineRows(messages: Message[], now: number, locale = currentLocale()): TimelineRow[] {
  const sorted = [...messages].sort((a, b) => a.seq - b.seq);
  const rows: TimelineRow[] = [];
  let lastDay = "";
  for (const message of sorted) {
    const day = dayKey(message.sent_at);
    if (day !== lastDay) {
      rows.push({ kind: "day", key: `day-${day}`, label: dayLabel(message.sent_at, now, locale) });
      lastDay = day;
    }
    rows.push({ kind: "message", key: message.id, message });
  }
  return rows;
}
