// The app's keyboard shortcuts: one table, read both by the handler (which shortcut a key press
// is) and by the shortcut sheet (what to press for what). Nothing else names a shortcut's keys.
// What a shortcut does, and the keys' names, are catalog keys: the sheet words them in the language
// shown (this module stays free of the i18n instance, so the browser tests can read the table).
import type { ParseKeys } from "i18next";

export type ShortcutId = "quick-switcher" | "search" | "previous-chat" | "next-chat" | "next-unread" | "shortcut-sheet";

export type Shortcut = {
  id: ShortcutId;
  /** The key as `KeyboardEvent.key` names it, lower case for letters ("k", "ArrowUp", "/"). */
  key: string;
  ctrl: boolean;
  /** "any": the key needs Shift on some layouts ("/" is Shift+7 on a German keyboard). */
  shift: boolean | "any";
  alt: boolean;
  /** What it does, as the shortcut sheet says it (a catalog key). */
  label: ParseKeys;
  /** Whether it fires while a text field has focus. Off where the keys mean something there:
   * Ctrl+Shift+U starts Unicode input in GTK and IBus text fields. */
  inTextFields: boolean;
};

export const SHORTCUTS: readonly Shortcut[] = [
  {
    id: "quick-switcher",
    key: "k",
    ctrl: true,
    shift: false,
    alt: false,
    label: "shortcuts.quickSwitcher",
    inTextFields: true,
  },
  { id: "search", key: "f", ctrl: true, shift: false, alt: false, label: "shortcuts.search", inTextFields: true },
  {
    id: "previous-chat",
    key: "ArrowUp",
    ctrl: false,
    shift: false,
    alt: true,
    label: "shortcuts.previousChat",
    inTextFields: true,
  },
  {
    id: "next-chat",
    key: "ArrowDown",
    ctrl: false,
    shift: false,
    alt: true,
    label: "shortcuts.nextChat",
    inTextFields: true,
  },
  {
    id: "next-unread",
    key: "u",
    ctrl: true,
    shift: true,
    alt: false,
    label: "shortcuts.nextUnread",
    inTextFields: false,
  },
  {
    id: "shortcut-sheet",
    key: "/",
    ctrl: true,
    shift: "any",
    alt: false,
    label: "shortcuts.sheet",
    inTextFields: true,
  },
];

/** Keys that work in one place (the chat list, the composer, a dialog), for the sheet only: the
 * components that own those places handle them. */
export const KEYS_IN_PLACE: readonly { keys: string[]; label: ParseKeys }[] = [
  { keys: ["Up", "Down"], label: "shortcuts.move" },
  { keys: ["Enter"], label: "shortcuts.open" },
  { keys: ["Shift", "Enter"], label: "shortcuts.newLine" },
  { keys: ["Escape"], label: "shortcuts.cancel" },
  { keys: ["Tab"], label: "shortcuts.nextControl" },
];

/** The catalog key of each key's name on a key cap ("Ctrl" is "Strg" on a German keyboard);
 * letters and signs are written as they are. */
const KEY_CAP_KEYS: Readonly<Record<string, ParseKeys>> = {
  Ctrl: "keys.ctrl",
  Shift: "keys.shift",
  Alt: "keys.alt",
  Up: "keys.up",
  Down: "keys.down",
  Enter: "keys.enter",
  Escape: "keys.escape",
  Tab: "keys.tab",
};

/** `keys` (as `shortcutKeys` and `KEYS_IN_PLACE` name them) as the key caps say them, in words
 * `translate` gives (the caller's `t`). */
export function keyCaps(keys: readonly string[], translate: (key: ParseKeys) => string): string[] {
  return keys.map((key) => {
    const name = KEY_CAP_KEYS[key];
    return name ? translate(name) : key;
  });
}

/** The parts of a key press the table looks at (a `KeyboardEvent` has them all). */
export type KeyPress = {
  key: string;
  code: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
};

const LATIN_LETTER = /^[a-z]$/i;

/** Whether the press is the shortcut's key. A letter is matched by the character it types, and
 * by its key's place only when it types no Latin letter (a Cyrillic layout's "л" is Ctrl+K). */
function sameKey(press: KeyPress, shortcut: Shortcut): boolean {
  if (press.key.toLowerCase() === shortcut.key.toLowerCase()) return true;
  if (!LATIN_LETTER.test(shortcut.key) || LATIN_LETTER.test(press.key)) return false;
  return press.code === `Key${shortcut.key.toUpperCase()}`;
}

/** The shortcut this key press is, where focus is; null for none. Cmd counts as Ctrl (macOS). */
export function shortcutFor(press: KeyPress, where: { inTextField: boolean }): Shortcut | null {
  const ctrl = press.ctrlKey || press.metaKey;
  for (const shortcut of SHORTCUTS) {
    if (shortcut.ctrl !== ctrl || shortcut.alt !== press.altKey) continue;
    if (shortcut.shift !== "any" && shortcut.shift !== press.shiftKey) continue;
    if (!sameKey(press, shortcut)) continue;
    if (where.inTextField && !shortcut.inTextFields) return null;
    return shortcut;
  }
  return null;
}

const KEY_NAMES: Record<string, string> = { ArrowUp: "Up", ArrowDown: "Down" };

/** The keys to press, each as the sheet shows it on a key cap: ["Ctrl", "Shift", "U"]. */
export function shortcutKeys(shortcut: Shortcut): string[] {
  const keys: string[] = [];
  if (shortcut.ctrl) keys.push("Ctrl");
  if (shortcut.shift === true) keys.push("Shift");
  if (shortcut.alt) keys.push("Alt");
  keys.push(KEY_NAMES[shortcut.key] ?? shortcut.key.toUpperCase());
  return keys;
}

/** "Ctrl+K" ("Strg+K" with a German `translate`): for tooltips and `aria-keyshortcuts`-like hints. */
export function shortcutText(id: ShortcutId, translate?: (key: ParseKeys) => string): string {
  const shortcut = SHORTCUTS.find((candidate) => candidate.id === id);
  if (!shortcut) return "";
  const keys = shortcutKeys(shortcut);
  return (translate ? keyCaps(keys, translate) : keys).join("+");
}

/** `aria-keyshortcuts` value for a control that a shortcut also reaches ("Control+K"). */
export function ariaKeyShortcut(id: ShortcutId): string {
  const shortcut = SHORTCUTS.find((candidate) => candidate.id === id);
  if (!shortcut) return "";
  const keys: string[] = [];
  if (shortcut.ctrl) keys.push("Control");
  if (shortcut.shift === true) keys.push("Shift");
  if (shortcut.alt) keys.push("Alt");
  keys.push(shortcut.key.length === 1 ? shortcut.key.toUpperCase() : shortcut.key);
  return keys.join("+");
}

/** Whether focus is in a field where typing edits text (the composer, a search box). */
export function isTextField(target: EventTarget | null): boolean {
  if (typeof HTMLElement === "undefined" || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement) return true;
  if (target instanceof HTMLInputElement) {
    return !["checkbox", "radio", "button", "submit", "reset", "file", "range", "color"].includes(target.type);
  }
  return false;
}
