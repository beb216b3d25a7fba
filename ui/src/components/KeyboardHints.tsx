// The foot of the sidebar: the quick switcher and the shortcut sheet, each with its shortcut, so
// a person finds the keyboard's ways without knowing them first.
import { Keyboard, Search } from "lucide-react";
import { useTranslation } from "react-i18next";
import { ariaKeyShortcut, shortcutText, type ShortcutId } from "../logic/shortcuts";
import { Icon } from "./Icon";
import "./KeyboardHints.css";

type Props = { onSwitcher: () => void; onShortcuts: () => void };

export function KeyboardHints({ onSwitcher, onShortcuts }: Props) {
  const { t } = useTranslation();
  const keys = (id: ShortcutId) => shortcutText(id, (key) => t(key));
  return (
    <footer className="keyboard-hints">
      <button
        type="button"
        className="button button--ghost button--small keyboard-hints__button"
        aria-keyshortcuts={ariaKeyShortcut("quick-switcher")}
        onClick={onSwitcher}
      >
        <Icon icon={Search} /> {t("keyboardHints.goToChat")}{" "}
        <kbd className="keyboard-hints__keys">{keys("quick-switcher")}</kbd>
      </button>
      <button
        type="button"
        className="button button--ghost button--small keyboard-hints__button"
        aria-keyshortcuts={ariaKeyShortcut("shortcut-sheet")}
        onClick={onShortcuts}
      >
        <Icon icon={Keyboard} /> {t("keyboardHints.shortcuts")}{" "}
        <kbd className="keyboard-hints__keys">{keys("shortcut-sheet")}</kbd>
      </button>
    </footer>
  );
}
