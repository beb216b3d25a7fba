// The quick switcher (Ctrl+K): type part of a name or address, move with the arrow keys, Enter
// opens the chat (or starts one with a person who has none). A combobox over a listbox, in a
// modal dialog that traps focus; Escape closes it and focus goes back where it was.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { filterEntries, type SwitcherEntry } from "../logic/quickSwitcher";
import { parseAddress } from "../logic/address";
import { Dialog } from "./Dialog";
import { Avatar, GroupMark, NetworkMark } from "./Marks";
import "./QuickSwitcher.css";

type Props = {
  entries: SwitcherEntry[];
  onPick: (entry: SwitcherEntry) => void;
  onClose: () => void;
  /** What is typed when it opens (stories). */
  initialQuery?: string;
};

/** One chat or person; `showAccount` where the profile has more than one account, so the same
 * person through two accounts can be told apart. */
function EntryLine({ entry, showAccount }: { entry: SwitcherEntry; showAccount: boolean }) {
  const { t } = useTranslation();
  const via = t("common.via", { account: entry.account });
  const network = parseAddress(entry.address)?.network;
  return (
    <>
      <Avatar name={entry.title} />
      <span className="switcher__main">
        <span className="switcher__title">{entry.title}</span>
        <span className="switcher__detail">
          {entry.kind === "chat" && entry.group ? (
            <>
              <GroupMark /> <span>{via}</span>
            </>
          ) : (
            <>
              <span>{entry.address}</span> {network && <NetworkMark network={network} />}
              {showAccount && <span>{via}</span>}
            </>
          )}
        </span>
      </span>
      {entry.kind === "person" ? (
        <span className="switcher__hint">{t("switcher.startChat")}</span>
      ) : (
        entry.unread > 0 && (
          <span className="badge" aria-label={t("switcher.unread", { count: entry.unread })}>
            {entry.unread}
          </span>
        )
      )}
    </>
  );
}

export function QuickSwitcher({ entries, onPick, onClose, initialQuery = "" }: Props) {
  const { t } = useTranslation();
  const [query, setQuery] = useState(initialQuery);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const ids = useId();
  const shown = useMemo(() => filterEntries(entries, query), [entries, query]);
  const showAccount = useMemo(() => new Set(entries.map((entry) => entry.account)).size > 1, [entries]);
  const current = Math.min(active, shown.length - 1);
  const optionId = (index: number) => `${ids}-option-${index}`;

  // The dialog opens after its children mount: focus the field once it is open.
  useEffect(() => {
    const timer = setTimeout(() => input.current?.focus(), 0);
    return () => clearTimeout(timer);
  }, []);
  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    if (current >= 0) document.getElementById(optionId(current))?.scrollIntoView({ block: "nearest" });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current]);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (shown.length === 0) return;
    if (event.key === "ArrowDown") setActive((current + 1) % shown.length);
    else if (event.key === "ArrowUp") setActive((current - 1 + shown.length) % shown.length);
    else if (event.key === "PageDown") setActive(Math.min(shown.length - 1, current + 8));
    else if (event.key === "PageUp") setActive(Math.max(0, current - 8));
    else if (event.key === "Enter") {
      const entry = shown[current];
      if (entry) onPick(entry);
    } else return;
    event.preventDefault();
  };

  return (
    <Dialog title={t("switcher.title")} onClose={onClose}>
      <div className="switcher">
        <input
          ref={input}
          className="input"
          type="text"
          role="combobox"
          aria-label={t("switcher.field")}
          aria-expanded={shown.length > 0}
          aria-controls={`${ids}-list`}
          aria-autocomplete="list"
          aria-activedescendant={current >= 0 ? optionId(current) : undefined}
          placeholder={t("switcher.field")}
          autoComplete="off"
          spellCheck={false}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <ul id={`${ids}-list`} className="switcher__list" role="listbox" aria-label={t("switcher.list")}>
          {shown.map((entry, index) => (
            <li
              key={entry.key}
              id={optionId(index)}
              role="option"
              aria-selected={index === current}
              className={index === current ? "switcher__option switcher__option--active" : "switcher__option"}
              onMouseMove={() => index !== current && setActive(index)}
              onClick={() => onPick(entry)}
            >
              <EntryLine entry={entry} showAccount={showAccount} />
            </li>
          ))}
        </ul>
        {shown.length === 0 && (
          <p className="switcher__empty" role="status">
            {t("switcher.empty")}
          </p>
        )}
      </div>
    </Dialog>
  );
}
