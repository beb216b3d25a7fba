// Settings: accounts, interop per network, Matrix accounts, inbox layout, theme, language, spell checking, privacy,
// notifications, passphrase, lock, and the consent record.
import { useEffect, useState, type FormEvent } from "react";
import type { ParseKeys } from "i18next";
import { Trans, useTranslation } from "react-i18next";
import type { AccountInfo, InboxLayout, LedgerEntry } from "../bindings";
import { asUserError, type Settings } from "../backend/backend";
import { describeError } from "../logic/errors";
import { currentLocale } from "../logic/locale";
import { AccountPrivacy } from "./AccountPrivacy";
import { AddAccountForm } from "./AddAccount";
import { DisclosureDialog, RevokeDialog } from "./ConsentDialogs";
import { useInteropReview } from "./useInteropReview";
import { useBackend } from "./context";
import { Dialog } from "./Dialog";
import { LanguageSetting } from "./LanguageSetting";
import { MatrixAccounts } from "./MatrixAccounts";
import { SearchIndexSetting } from "./SearchIndexSetting";
import { NetworkMark } from "./Marks";

type Props = {
  accounts: AccountInfo[];
  networks: string[];
  settings: Settings;
  layout: InboxLayout;
  onSettings: (settings: Settings) => void;
  onLayout: (layout: InboxLayout) => void;
  onAccountsChanged: () => void;
  onLock: () => void;
  onClose: () => void;
};

/** The shortest passphrase a new one may be (as when the profile is created). */
const MIN_PASSPHRASE = 8;

const DECISIONS: Record<LedgerEntry["decision"], ParseKeys> = {
  interop_enabled: "settings.decision.interopEnabled",
  interop_disabled: "settings.decision.interopDisabled",
  request_accepted: "settings.decision.requestAccepted",
  request_deleted: "settings.decision.requestDeleted",
  request_blocked: "settings.decision.requestBlocked",
  request_reported: "settings.decision.requestReported",
  blocked: "settings.decision.blocked",
  unblocked: "settings.decision.unblocked",
  first_contact_confirmed: "settings.decision.firstContactConfirmed",
  key_change_acknowledged: "settings.decision.keyChangeAcknowledged",
  verified: "settings.decision.verified",
  unverified: "settings.decision.unverified",
};

const THEME_KEYS: Record<Settings["theme"], ParseKeys> = {
  system: "settings.themeSystem",
  light: "settings.themeLight",
  dark: "settings.themeDark",
};

function PassphraseForm() {
  const backend = useBackend();
  const { t } = useTranslation();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (next.length < MIN_PASSPHRASE)
      return setMessage({ ok: false, text: t("start.tooShort", { count: MIN_PASSPHRASE }) });
    if (next !== again) return setMessage({ ok: false, text: t("settings.passphrasesDiffer") });
    try {
      await backend.changePassphrase(current, next);
      setMessage({ ok: true, text: t("settings.passphraseChanged") });
      setCurrent("");
      setNext("");
      setAgain("");
    } catch (caught) {
      setMessage({ ok: false, text: describeError(asUserError(caught)) });
    }
  };
  return (
    <form className="stack" onSubmit={submit} noValidate aria-label={t("settings.changePassphrase")}>
      <label className="field">
        <span className="field__label">{t("settings.currentPassphrase")}</span>
        <input
          className="input"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(event) => setCurrent(event.target.value)}
        />
      </label>
      <label className="field">
        <span className="field__label">{t("settings.newPassphrase")}</span>
        <input
          className="input"
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(event) => setNext(event.target.value)}
        />
      </label>
      <label className="field">
        <span className="field__label">{t("settings.newPassphraseAgain")}</span>
        <input
          className="input"
          type="password"
          autoComplete="new-password"
          value={again}
          onChange={(event) => setAgain(event.target.value)}
        />
      </label>
      {message && (
        <p className={message.ok ? "notice" : "notice notice--error"} role={message.ok ? "status" : "alert"}>
          {message.text}
        </p>
      )}
      <button className="button" type="submit">
        {t("settings.changePassphrase")}
      </button>
    </form>
  );
}

export function SettingsDialog({
  accounts,
  networks,
  settings,
  layout,
  onSettings,
  onLayout,
  onAccountsChanged,
  onLock,
  onClose,
}: Props) {
  const backend = useBackend();
  const { t } = useTranslation();
  const [ledger, setLedger] = useState<LedgerEntry[]>([]);
  const [consent, setConsent] = useState<{ kind: "on" | "off" | "review"; account: string; network: string } | null>(
    null,
  );
  const toReview = useInteropReview(accounts);
  const [adding, setAdding] = useState(false);

  useEffect(() => {
    void backend.ledger().then(setLedger);
    return backend.subscribe((event) => {
      if (event.type === "consent_recorded") setLedger((current) => [...current, event.entry]);
      if (event.type === "resync") void backend.ledger().then(setLedger);
    });
  }, [backend]);

  const toggle = (
    key: "readReceipts" | "typingIndicators" | "notifications" | "notificationPreview" | "spellCheck" | "closeToTray",
    value: boolean,
  ) => {
    if (
      key === "notifications" &&
      value &&
      backend.kind === "demo" &&
      typeof Notification !== "undefined" &&
      Notification.permission === "default"
    ) {
      void Notification.requestPermission();
    }
    onSettings({ ...settings, [key]: value });
  };

  const exportLedger = async () => {
    const json = await backend.exportLedger();
    const url = URL.createObjectURL(new Blob([json], { type: "application/json" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "isthmus-consent-record.json";
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <Dialog title={t("settings.title")} onClose={onClose} wide>
      <section className="settings-section" aria-labelledby="settings-accounts">
        <h3 id="settings-accounts" className="section-title">
          {t("settings.accounts")}
        </h3>
        {accounts.map((account) => (
          <div key={account.address} className="account-card">
            <p>
              <strong className="mono">{account.address}</strong> <NetworkMark network={account.network} />
            </p>
            <ul className="interop-list" aria-label={t("settings.otherNetworksFor", { account: account.address })}>
              {networks
                .filter((network) => network !== account.network)
                .map((network) => {
                  const on = account.interop.includes(network);
                  const review = on && (toReview[account.address] ?? []).includes(network);
                  return (
                    <li key={network} className="interop-row">
                      <span>
                        <Trans
                          i18nKey={on ? "settings.canReach" : "settings.cannotReach"}
                          components={{ network: <NetworkMark network={network} /> }}
                        />
                        {review && (
                          <>
                            {" "}
                            <span className="muted">{t("settings.allowedBefore")}</span>
                          </>
                        )}
                      </span>
                      {review && (
                        <button
                          type="button"
                          className="button button--small"
                          aria-label={t("settings.reviewLabel", { network, account: account.address })}
                          onClick={() => setConsent({ kind: "review", account: account.address, network })}
                        >
                          {t("settings.review")}
                        </button>
                      )}
                      <button
                        type="button"
                        className="button button--small"
                        aria-label={t(on ? "settings.turnOffLabel" : "settings.turnOnLabel", {
                          network,
                          account: account.address,
                        })}
                        onClick={() => setConsent({ kind: on ? "off" : "on", account: account.address, network })}
                      >
                        {t(on ? "revoke.turnOff" : "settings.turnOn")}
                      </button>
                    </li>
                  );
                })}
            </ul>
            <AccountPrivacy account={account.address} />
          </div>
        ))}
        {adding ? (
          <AddAccountForm
            onAdded={() => {
              setAdding(false);
              onAccountsChanged();
            }}
          />
        ) : (
          <button type="button" className="button" onClick={() => setAdding(true)}>
            {t("addAccount.title")}
          </button>
        )}
      </section>

      <MatrixAccounts onChanged={onAccountsChanged} />

      <section className="settings-section" aria-labelledby="settings-layout">
        <h3 id="settings-layout" className="section-title">
          {t("settings.inbox")}
        </h3>
        <fieldset className="stack">
          <legend>{t("onboarding.title")}</legend>
          <label className="check">
            <input
              type="radio"
              name="settings-layout"
              checked={layout === "combined"}
              onChange={() => onLayout("combined")}
            />
            {t("settings.combined")}
          </label>
          <label className="check">
            <input
              type="radio"
              name="settings-layout"
              checked={layout === "separate"}
              onChange={() => onLayout("separate")}
            />
            {t("onboarding.separate")}
          </label>
        </fieldset>
        <fieldset className="stack">
          <legend>{t("settings.theme")}</legend>
          {(["system", "light", "dark"] as const).map((theme) => (
            <label key={theme} className="check">
              <input
                type="radio"
                name="settings-theme"
                checked={settings.theme === theme}
                onChange={() => onSettings({ ...settings, theme })}
              />
              {t(THEME_KEYS[theme])}
            </label>
          ))}
        </fieldset>
        <LanguageSetting settings={settings} onSettings={onSettings} />
      </section>

      <section className="settings-section" aria-labelledby="settings-writing">
        <h3 id="settings-writing" className="section-title">
          {t("settings.writing")}
        </h3>
        <label className="check">
          <input
            type="checkbox"
            checked={settings.spellCheck !== false}
            onChange={(event) => toggle("spellCheck", event.target.checked)}
          />
          {t("settings.spellCheck")}
        </label>
      </section>

      <section className="settings-section" aria-labelledby="settings-privacy">
        <h3 id="settings-privacy" className="section-title">
          {t("settings.privacy")}
        </h3>
        <label className="check">
          <input
            type="checkbox"
            checked={settings.readReceipts}
            onChange={(event) => toggle("readReceipts", event.target.checked)}
          />
          {t("settings.readReceipts")}
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={settings.typingIndicators}
            onChange={(event) => toggle("typingIndicators", event.target.checked)}
          />
          {t("settings.typingIndicators")}
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={settings.notifications}
            onChange={(event) => toggle("notifications", event.target.checked)}
          />
          {t("settings.notifications")}
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={settings.notificationPreview}
            disabled={!settings.notifications}
            onChange={(event) => toggle("notificationPreview", event.target.checked)}
          />
          {t("settings.notificationPreview")}
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={settings.closeToTray === true}
            onChange={(event) => toggle("closeToTray", event.target.checked)}
          />
          {t("settings.closeToTray")}
        </label>
      </section>

      <section className="settings-section" aria-labelledby="settings-security">
        <h3 id="settings-security" className="section-title">
          {t("settings.security")}
        </h3>
        <PassphraseForm />
        <button type="button" className="button" onClick={onLock}>
          {t("settings.lockNow")}
        </button>
      </section>

      <SearchIndexSetting />

      <section className="settings-section" aria-labelledby="settings-ledger">
        <h3 id="settings-ledger" className="section-title">
          {t("settings.ledger")}
        </h3>
        <p className="muted">{t("settings.ledgerLead")}</p>
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t("settings.ledgerEntries")}>
          <table className="ledger">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t("settings.column.when")}</th>
                <th scope="col">{t("settings.column.account")}</th>
                <th scope="col">{t("settings.column.decision")}</th>
                <th scope="col">{t("settings.column.about")}</th>
              </tr>
            </thead>
            <tbody>
              {ledger.map((entry) => (
                <tr key={entry.seq}>
                  <td>{entry.seq}</td>
                  <td>{new Date(entry.at).toLocaleString(currentLocale())}</td>
                  <td className="mono">{entry.account}</td>
                  <td>
                    {t(DECISIONS[entry.decision])}
                    {entry.disclosure_version ? ` (${entry.disclosure_version})` : ""}
                  </td>
                  <td className="mono">{entry.counterpart}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <button type="button" className="button" onClick={() => void exportLedger()}>
          {t("settings.exportLedger")}
        </button>
      </section>

      {(consent?.kind === "on" || consent?.kind === "review") && (
        <DisclosureDialog
          account={consent.account}
          network={consent.network}
          review={consent.kind === "review"}
          onClose={() => setConsent(null)}
          onDone={() => {
            setConsent(null);
            onAccountsChanged();
          }}
        />
      )}
      {consent?.kind === "off" && (
        <RevokeDialog
          account={consent.account}
          network={consent.network}
          onClose={() => setConsent(null)}
          onDone={() => {
            setConsent(null);
            onAccountsChanged();
          }}
        />
      )}
    </Dialog>
  );
}
