// Times, sizes and safety numbers as the UI writes them.
import type { MessageStatus } from "../bindings";

export function formatTime(ms: number, now: number, locale?: string): string {
  const date = new Date(ms);
  const today = new Date(now);
  if (date.toDateString() === today.toDateString()) {
    return date.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
  }
  if (now - ms < 6 * 86_400_000 && ms < now) return date.toLocaleDateString(locale, { weekday: "short" });
  return date.toLocaleDateString(locale, { day: "numeric", month: "short" });
}

export function formatClock(ms: number, locale?: string): string {
  return new Date(ms).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** 60 digits as twelve groups of five. */
export function safetyGroups(digits: string): string[] {
  const clean = digits.replace(/\D/g, "");
  const groups: string[] = [];
  for (let i = 0; i < clean.length; i += 5) groups.push(clean.slice(i, i + 5));
  return groups;
}

export function statusLabel(status: MessageStatus): string {
  switch (status) {
    case "pending":
      return "Sending";
    case "sent":
      return "Sent";
    case "delivered":
      return "Delivered";
    case "read":
      return "Read";
    case "failed":
      return "Not sent";
    case "received":
      return "Received";
  }
}

export function statusMark(status: MessageStatus): string {
  switch (status) {
    case "pending":
      return "◷";
    case "sent":
      return "✓";
    case "delivered":
      return "✓✓";
    case "read":
      return "✓✓";
    case "failed":
      return "!";
    case "received":
      return "";
  }
}

/** How wide a picture's thumbnail shows in the timeline, in CSS pixels. */
export const THUMB_WIDTH = 220;

/** The thumbnail's height for the sender's stated size, within 1:4 to 2:1 (height to width): a
 * sender-supplied height cannot stretch the timeline. */
export function thumbHeight(attachment: { width: number; height: number }): number {
  const ratio = attachment.width > 0 && attachment.height > 0 ? attachment.height / attachment.width : 3 / 4;
  return Math.round(THUMB_WIDTH * Math.min(2, Math.max(0.25, ratio)));
}
