// The app's keyboard shortcuts: one listener on the window, the one table (logic/shortcuts.ts)
// deciding which shortcut a press is. While a modal dialog is open, the dialog has the keyboard.
import { useEffect, useRef } from "react";
import { isTextField, shortcutFor, type ShortcutId } from "../logic/shortcuts";

export type ShortcutHandlers = Record<ShortcutId, () => void>;

export function useShortcuts(handlers: ShortcutHandlers): void {
  // The latest handlers, without listening anew on every render.
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      if (document.querySelector("dialog[open]")) return;
      const shortcut = shortcutFor(event, { inTextField: isTextField(event.target) });
      if (!shortcut) return;
      event.preventDefault();
      latest.current[shortcut.id]();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}
