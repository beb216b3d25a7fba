// Times, sizes and safety numbers as the UI writes them, in the UI's locale (locale.ts); delivery
// statuses in the language shown.
import type { ParseKeys } from "i18next";
import type { MessageStatus } from "../bindings";
import { i18n } from "../i18n";
import { currentLocale } from "./locale";

export function formatTime(ms: number, now: number, locale = currentLocale()): string {
  const date = new Date(ms);
  const today = new Date(now);
  if (date.toDateString() === today.toDateString()) {
    return date.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
  }
  if (now - ms < 6 * 86_400_000 && ms < now) return date.toLocaleDateString(locale, { weekday: "short" });
  return date.toLocaleDateString(locale, { day: "numeric", month: "short" });
}

export function formatClock(ms: number, locale = currentLocale()): string {
  return new Date(ms).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
}

/** Decimal units, as the desktop's file manager counts (1 kB = 1000 bytes), largest first. */
const SIZE_UNITS = [
  { unit: "gigabyte", bytes: 1e9 },
  { unit: "megabyte", bytes: 1e6 },
  { unit: "kilobyte", bytes: 1e3 },
] as const;

/** A file size with the locale's number format and unit ("1.5 MB", "1,5 MB", "1,5 Mo"). */
export function formatSize(bytes: number, locale = currentLocale()): string {
  const step = SIZE_UNITS.find((candidate) => bytes >= candidate.bytes);
  if (!step) return new Intl.NumberFormat(locale, { style: "unit", unit: "byte", unitDisplay: "long" }).format(bytes);
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: step.unit,
    unitDisplay: "short",
    maximumFractionDigits: 1,
  }).format(bytes / step.bytes);
}

/** 60 digits as twelve groups of five. */
export function safetyGroups(digits: string): string[] {
  const clean = digits.replace(/\D/g, "");
  const groups: string[] = [];
  for (let i = 0; i < clean.length; i += 5) groups.push(clean.slice(i, i + 5));
  return groups;
}

/** Each delivery status's words (a table of literal keys: the catalogs' test and the type check read them). */
const STATUS_KEYS: Record<MessageStatus, ParseKeys> = {
  pending: "status.pending",
  sent: "status.sent",
  delivered: "status.delivered",
  read: "status.read",
  failed: "status.failed",
  received: "status.received",
};

/** A message's delivery status in words, in the language shown. */
export function statusLabel(status: MessageStatus): string {
  return i18n.t(STATUS_KEYS[status]);
}

/** How wide a picture's thumbnail shows in the timeline, in CSS pixels. */
export const THUMB_WIDTH = 220;

/** The thumbnail's height for the sender's stated size, within 1:4 to 2:1 (height to width): a
 * sender-supplied height cannot stretch the timeline. */
export function thumbHeight(attachment: { width: number; height: number }): number {
  const ratio = attachment.width > 0 && attachment.height > 0 ? attachment.height / attachment.width : 3 / 4;
  return Math.round(THUMB_WIDTH * Math.min(2, Math.max(0.25, ratio)));
}
