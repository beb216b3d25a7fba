// Settings: accounts, interop per network, inbox layout, privacy, notifications, theme,
// passphrase, lock, and the consent record.
import { useEffect, useState, type FormEvent } from "react";
import type { AccountInfo, InboxLayout, LedgerEntry } from "../bindings";
import { asUserError, type Settings } from "../backend/backend";
import { describeError } from "../logic/errors";
import { AccountPrivacy } from "./AccountPrivacy";
import { AddAccountForm } from "./AddAccount";
import { DisclosureDialog, RevokeDialog } from "./ConsentDialogs";
import { useInteropReview } from "./useInteropReview";
import { useBackend } from "./context";
import { Dialog } from "./Dialog";
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

const DECISIONS: Record<LedgerEntry["decision"], string> = {
  interop_enabled: "Allowed network",
  interop_disabled: "Turned off network",
  request_accepted: "Accepted request",
  request_deleted: "Deleted request",
  request_blocked: "Blocked request",
  request_reported: "Reported",
  blocked: "Blocked",
  unblocked: "Unblocked",
  first_contact_confirmed: "Confirmed first message",
  key_change_acknowledged: "Acknowledged key change",
  verified: "Verified",
  unverified: "Cleared verification",
};

function PassphraseForm() {
  const backend = useBackend();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (next.length < 8) return setMessage({ ok: false, text: "Use at least 8 characters." });
    if (next !== again) return setMessage({ ok: false, text: "The new passphrases are not the same." });
    try {
      await backend.changePassphrase(current, next);
      setMessage({ ok: true, text: "Passphrase changed." });
      setCurrent("");
      setNext("");
      setAgain("");
    } catch (caught) {
      setMessage({ ok: false, text: describeError(asUserError(caught)) });
    }
  };
  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Change passphrase">
      <label className="field">
        <span className="field__label">Current passphrase</span>
        <input
          className="input"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(event) => setCurrent(event.target.value)}
        />
      </label>
      <label className="field">
        <span className="field__label">New passphrase</span>
        <input
          className="input"
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(event) => setNext(event.target.value)}
        />
      </label>
      <label className="field">
        <span className="field__label">New passphrase again</span>
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
        Change passphrase
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
    key: "readReceipts" | "typingIndicators" | "notifications" | "notificationPreview",
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
    <Dialog title="Settings" onClose={onClose} wide>
      <section className="settings-section" aria-labelledby="settings-accounts">
        <h3 id="settings-accounts" className="section-title">
          Accounts and networks
        </h3>
        {accounts.map((account) => (
          <div key={account.address} className="account-card">
            <p>
              <strong className="mono">{account.address}</strong> <NetworkMark network={account.network} />
            </p>
            <ul className="interop-list" aria-label={`Other networks for ${account.address}`}>
              {networks
                .filter((network) => network !== account.network)
                .map((network) => {
                  const on = account.interop.includes(network);
                  const review = on && (toReview[account.address] ?? []).includes(network);
                  return (
                    <li key={network} className="interop-row">
                      <span>
                        People on <NetworkMark network={network} />{" "}
                        {on ? "can reach this account" : "cannot reach this account"}
                        {review && (
                          <>
                            {" "}
                            <span className="muted">
                              (allowed before group chats worked across networks: they cannot add it to groups yet)
                            </span>
                          </>
                        )}
                      </span>
                      {review && (
                        <button
                          type="button"
                          className="button button--small"
                          aria-label={`Review ${network} for ${account.address}`}
                          onClick={() => setConsent({ kind: "review", account: account.address, network })}
                        >
                          Review…
                        </button>
                      )}
                      <button
                        type="button"
                        className="button button--small"
                        aria-label={`${on ? "Turn off" : "Turn on"} ${network} for ${account.address}`}
                        onClick={() => setConsent({ kind: on ? "off" : "on", account: account.address, network })}
                      >
                        {on ? "Turn off" : "Turn on…"}
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
            Add an account
          </button>
        )}
      </section>

      <section className="settings-section" aria-labelledby="settings-layout">
        <h3 id="settings-layout" className="section-title">
          Inbox
        </h3>
        <fieldset className="stack">
          <legend>Chats with other networks</legend>
          <label className="check">
            <input
              type="radio"
              name="settings-layout"
              checked={layout === "combined"}
              onChange={() => onLayout("combined")}
            />
            In one inbox, each marked with its network
          </label>
          <label className="check">
            <input
              type="radio"
              name="settings-layout"
              checked={layout === "separate"}
              onChange={() => onLayout("separate")}
            />
            In a separate “Other networks” folder
          </label>
        </fieldset>
        <fieldset className="stack">
          <legend>Theme</legend>
          {(["system", "light", "dark"] as const).map((theme) => (
            <label key={theme} className="check">
              <input
                type="radio"
                name="settings-theme"
                checked={settings.theme === theme}
                onChange={() => onSettings({ ...settings, theme })}
              />
              {theme === "system" ? "Follow the system" : theme === "light" ? "Light" : "Dark"}
            </label>
          ))}
        </fieldset>
      </section>

      <section className="settings-section" aria-labelledby="settings-privacy">
        <h3 id="settings-privacy" className="section-title">
          Privacy and notifications
        </h3>
        <label className="check">
          <input
            type="checkbox"
            checked={settings.readReceipts}
            onChange={(event) => toggle("readReceipts", event.target.checked)}
          />
          Send read receipts (never to message requests)
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={settings.typingIndicators}
            onChange={(event) => toggle("typingIndicators", event.target.checked)}
          />
          Send typing indicators (never to message requests)
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={settings.notifications}
            onChange={(event) => toggle("notifications", event.target.checked)}
          />
          Desktop notifications for new messages
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={settings.notificationPreview}
            disabled={!settings.notifications}
            onChange={(event) => toggle("notificationPreview", event.target.checked)}
          />
          Show message text in notifications (never for requests)
        </label>
      </section>

      <section className="settings-section" aria-labelledby="settings-security">
        <h3 id="settings-security" className="section-title">
          Security
        </h3>
        <PassphraseForm />
        <button type="button" className="button" onClick={onLock}>
          Lock now
        </button>
      </section>

      <section className="settings-section" aria-labelledby="settings-ledger">
        <h3 id="settings-ledger" className="section-title">
          Consent record
        </h3>
        <p className="muted">Every consent decision made in this profile, oldest first. It is only ever added to.</p>
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Consent record entries">
          <table className="ledger">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When</th>
                <th scope="col">Account</th>
                <th scope="col">Decision</th>
                <th scope="col">About</th>
              </tr>
            </thead>
            <tbody>
              {ledger.map((entry) => (
                <tr key={entry.seq}>
                  <td>{entry.seq}</td>
                  <td>{new Date(entry.at).toLocaleString()}</td>
                  <td className="mono">{entry.account}</td>
                  <td>
                    {DECISIONS[entry.decision]}
                    {entry.disclosure_version ? ` (${entry.disclosure_version})` : ""}
                  </td>
                  <td className="mono">{entry.counterpart}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <button type="button" className="button" onClick={() => void exportLedger()}>
          Export consent record
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
