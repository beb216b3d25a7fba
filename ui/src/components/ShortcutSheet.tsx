// The shortcut sheet (Ctrl+/): every shortcut from the one table the keyboard handler reads, and
// the keys that work in one place (the chat list, the composer, dialogs).
import { useTranslation } from "react-i18next";
import { KEYS_IN_PLACE, keyCaps, SHORTCUTS, shortcutKeys } from "../logic/shortcuts";
import { Dialog } from "./Dialog";
import "./ShortcutSheet.css";

/** The keys to press, each on a key cap, named as the language shown names them ("Strg"). */
function Keys({ keys }: { keys: string[] }) {
  const { t } = useTranslation();
  return (
    <span className="shortcut-keys">
      {keyCaps(keys, (key) => t(key)).map((key, index) => (
        <kbd key={index} className="key">
          {key}
        </kbd>
      ))}
    </span>
  );
}

export function ShortcutSheet({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog title={t("shortcuts.title")} onClose={onClose}>
      <h3 className="section-title">{t("shortcuts.anywhere")}</h3>
      <dl className="shortcut-list">
        {SHORTCUTS.map((shortcut) => (
          <div key={shortcut.id} className="shortcut-list__row">
            <dt>{t(shortcut.label)}</dt>
            <dd>
              <Keys keys={shortcutKeys(shortcut)} />
            </dd>
          </div>
        ))}
      </dl>
      <h3 className="section-title">{t("shortcuts.inPlace")}</h3>
      <dl className="shortcut-list">
        {KEYS_IN_PLACE.map((entry) => (
          <div key={entry.label} className="shortcut-list__row">
            <dt>{t(entry.label)}</dt>
            <dd>
              <Keys keys={entry.keys} />
            </dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
