import { describe, expect, it } from "vitest";
import { ariaKeyShortcut, shortcutFor, shortcutKeys, SHORTCUTS, type KeyPress } from "./shortcuts";

function press(key: string, mods: Partial<KeyPress> = {}): KeyPress {
  const code = /^[a-z]$/i.test(key) ? `Key${key.toUpperCase()}` : key;
  return { key, code, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods };
}
const anywhere = { inTextField: false };
const inComposer = { inTextField: true };

describe("the shortcut table", () => {
  it("has each shortcut once, and no two share their keys (one press, one meaning)", () => {
    const ids = SHORTCUTS.map((shortcut) => shortcut.id);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = SHORTCUTS.map((shortcut) => shortcutKeys(shortcut).join("+"));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("names every shortcut of the issue, as the sheet shows them", () => {
    const sheet = Object.fromEntries(SHORTCUTS.map((shortcut) => [shortcut.id, shortcutKeys(shortcut).join("+")]));
    expect(sheet).toEqual({
      "quick-switcher": "Ctrl+K",
      search: "Ctrl+F",
      "previous-chat": "Alt+Up",
      "next-chat": "Alt+Down",
      "next-unread": "Ctrl+Shift+U",
      "shortcut-sheet": "Ctrl+/",
    });
    expect(ariaKeyShortcut("search")).toBe("Control+F");
  });

  it("matches each entry's own keys back to it: the sheet and the handler cannot disagree", () => {
    for (const shortcut of SHORTCUTS) {
      const found = shortcutFor(
        press(shortcut.key, { ctrlKey: shortcut.ctrl, shiftKey: shortcut.shift === true, altKey: shortcut.alt }),
        anywhere,
      );
      expect(found?.id, shortcut.id).toBe(shortcut.id);
    }
  });
});

describe("which shortcut a key press is", () => {
  it("needs the exact modifiers: plain letters are typing, not shortcuts", () => {
    expect(shortcutFor(press("k"), anywhere)).toBeNull();
    expect(shortcutFor(press("k", { ctrlKey: true, altKey: true }), anywhere)).toBeNull();
    expect(shortcutFor(press("u", { ctrlKey: true }), anywhere)).toBeNull();
    expect(shortcutFor(press("ArrowDown"), anywhere)).toBeNull();
    expect(shortcutFor(press("U", { ctrlKey: true, shiftKey: true }), anywhere)?.id).toBe("next-unread");
  });

  it("takes Cmd for Ctrl (macOS) and a shifted slash (a German keyboard's Shift+7)", () => {
    expect(shortcutFor(press("k", { metaKey: true }), anywhere)?.id).toBe("quick-switcher");
    expect(shortcutFor(press("/", { ctrlKey: true, shiftKey: true, code: "Digit7" }), anywhere)?.id).toBe(
      "shortcut-sheet",
    );
  });

  it("finds a letter by its key's place only on layouts that type no Latin letter there", () => {
    // Russian layout: the K key types "л"; Ctrl+that key still opens the switcher.
    expect(shortcutFor(press("л", { ctrlKey: true, code: "KeyK" }), anywhere)?.id).toBe("quick-switcher");
    // Dvorak: the key in QWERTY's K place types "t"; Ctrl+T is not Ctrl+K.
    expect(shortcutFor(press("t", { ctrlKey: true, code: "KeyK" }), anywhere)).toBeNull();
  });

  it("keeps keys that edit text for the text field: Ctrl+Shift+U is Unicode input there", () => {
    expect(shortcutFor(press("u", { ctrlKey: true, shiftKey: true }), inComposer)).toBeNull();
    // Going somewhere is never text editing: these work from the composer too.
    expect(shortcutFor(press("k", { ctrlKey: true }), inComposer)?.id).toBe("quick-switcher");
    expect(shortcutFor(press("ArrowUp", { altKey: true }), inComposer)?.id).toBe("previous-chat");
    expect(shortcutFor(press("/", { ctrlKey: true }), inComposer)?.id).toBe("shortcut-sheet");
  });
});
