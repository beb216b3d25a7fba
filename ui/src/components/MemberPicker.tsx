// Picks people for a group: from the people the account chats with, or by typed address. Each
// chosen person shows with their network, and can be taken off again.
import { useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Conversation } from "../bindings";
import { addressText, parseAddress } from "../logic/address";
import { groupCandidates } from "../logic/groups";
import { normalize } from "../logic/search";
import { X } from "lucide-react";
import { Icon } from "./Icon";
import { NetworkMark } from "./Marks";

type Props = {
  account: string;
  conversations: Conversation[];
  selected: string[];
  onChange: (selected: string[]) => void;
  /** People who are in the group already: not offered. */
  exclude?: string[];
  /** What the list is called ("People" unless given, "Add people"). */
  legend?: string;
};

const SHOWN = 40;

export function MemberPicker({ account, conversations, selected, onChange, exclude = [], legend }: Props) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState("");
  const [filter, setFilter] = useState("");
  const [error, setError] = useState<string | null>(null);
  const ids = useId();
  const candidates = useMemo(
    () => groupCandidates(conversations, account, [account, ...exclude]),
    [conversations, account, exclude],
  );
  const needle = normalize(filter.trim());
  const shown = candidates.filter((candidate) => normalize(candidate.address).includes(needle)).slice(0, SHOWN);

  const toggle = (address: string) =>
    onChange(selected.includes(address) ? selected.filter((one) => one !== address) : [...selected, address]);

  const addTyped = () => {
    const parsed = parseAddress(typed);
    if (!parsed) return setError(t("memberPicker.notAnAddress"));
    const text = addressText(parsed);
    setError(null);
    setTyped("");
    if (text === account || exclude.includes(text))
      return setError(t("memberPicker.inGroupAlready", { address: text }));
    if (!selected.includes(text)) onChange([...selected, text]);
  };

  return (
    <fieldset className="member-picker">
      <legend className="field__label">{legend ?? t("memberPicker.people")}</legend>
      {selected.length > 0 ? (
        <ul className="member-chips" aria-label={t("memberPicker.chosen")}>
          {selected.map((address) => {
            const parsed = parseAddress(address);
            return (
              <li key={address} className="member-chip">
                <span className="mono">{address}</span> {parsed && <NetworkMark network={parsed.network} />}
                <button
                  type="button"
                  className="button button--tiny button--ghost"
                  aria-label={t("memberPicker.takeOff", { address })}
                  onClick={() => toggle(address)}
                >
                  <Icon icon={X} />
                </button>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="field__help">{t("memberPicker.nobodyYet")}</p>
      )}
      <div className="member-picker__typed">
        <label className="visually-hidden" htmlFor={`${ids}-typed`}>
          {t("memberPicker.byAddress")}
        </label>
        <input
          id={`${ids}-typed`}
          className="input"
          value={typed}
          placeholder={t("memberPicker.addressPlaceholder")}
          spellCheck={false}
          onChange={(event) => setTyped(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter") {
              event.preventDefault();
              addTyped();
            }
          }}
        />
        <button type="button" className="button button--small" onClick={addTyped}>
          {t("memberPicker.addAddress")}
        </button>
      </div>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {candidates.length > 0 && (
        <>
          <label className="visually-hidden" htmlFor={`${ids}-filter`}>
            {t("memberPicker.find")}
          </label>
          <input
            id={`${ids}-filter`}
            className="input"
            type="search"
            value={filter}
            placeholder={t("memberPicker.find")}
            onChange={(event) => setFilter(event.target.value)}
          />
          <ul className="member-candidates" aria-label={t("memberPicker.candidates")}>
            {shown.map((candidate) => (
              <li key={candidate.address}>
                <label className="member-candidate">
                  <input
                    type="checkbox"
                    checked={selected.includes(candidate.address)}
                    onChange={() => toggle(candidate.address)}
                  />
                  <span className="member-candidate__name">{candidate.address}</span>
                  <NetworkMark network={candidate.network} />
                </label>
              </li>
            ))}
          </ul>
        </>
      )}
    </fieldset>
  );
}
