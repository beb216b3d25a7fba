// Settings → Matrix accounts: each signed-in account with its homeserver and whether Matrix is on
// for it; turning it on (under the Matrix disclosure) or off, signing out, and signing in another.
// A new account starts off: nothing is synced until the person has read what Matrix means.
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { MatrixAccountInfo } from "../bindings";
import { asUserError } from "../backend/backend";
import { describeError } from "../i18n/errors";
import { useBackend } from "./context";
import { MatrixMark } from "./Marks";
import { MatrixDisclosureDialog, MatrixOffDialog } from "./MatrixDialogs";

export function MatrixSignInForm({
  onSignedIn,
  onCancel,
}: {
  onSignedIn: (account: MatrixAccountInfo) => void;
  onCancel: () => void;
}) {
  const backend = useBackend();
  const { t } = useTranslation();
  const [userId, setUserId] = useState("");
  const [password, setPassword] = useState("");
  const [homeserver, setHomeserver] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (userId.trim() === "") return setError(t("matrix.needId"));
    if (password === "") return setError(t("matrix.needPassword"));
    setBusy(true);
    try {
      onSignedIn(
        await backend.matrixSignIn(userId.trim(), password, homeserver.trim() === "" ? null : homeserver.trim()),
      );
    } catch (caught) {
      // The password's refusal in words of its own (`unauthorized` elsewhere is about a relay).
      const refused = asUserError(caught);
      setError(refused.code === "unauthorized" ? t("matrix.wrongPassword") : describeError(refused));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label={t("matrix.signInTitle")}>
      <label className="field">
        <span className="field__label">{t("matrix.id")}</span>
        <input
          className="input mono"
          value={userId}
          onChange={(event) => setUserId(event.target.value)}
          placeholder={t("matrix.idPlaceholder")}
          autoComplete="username"
          spellCheck={false}
          autoFocus
        />
        <span className="field__help">{t("matrix.idHelp")}</span>
      </label>
      <label className="field">
        <span className="field__label">{t("matrix.password")}</span>
        <input
          className="input"
          type="password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          autoComplete="current-password"
        />
      </label>
      <label className="field">
        <span className="field__label">{t("matrix.homeserver")}</span>
        <input
          className="input"
          type="url"
          value={homeserver}
          onChange={(event) => setHomeserver(event.target.value)}
          placeholder={t("matrix.homeserverPlaceholder")}
          spellCheck={false}
        />
        <span className="field__help">{t("matrix.homeserverHelp")}</span>
      </label>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onCancel}>
          {t("action.cancel")}
        </button>
        <button className="button button--primary" type="submit" disabled={busy}>
          {busy ? t("matrix.signingIn") : t("matrix.signIn")}
        </button>
      </div>
    </form>
  );
}

type Consent = { kind: "on" | "off" | "sign-out"; userId: string };

export function MatrixAccounts({ onChanged }: { onChanged?: () => void }) {
  const backend = useBackend();
  const { t } = useTranslation();
  const [accounts, setAccounts] = useState<MatrixAccountInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [consent, setConsent] = useState<Consent | null>(null);

  const reload = useCallback(() => {
    void backend.matrixAccounts().then(
      (list) => {
        setAccounts(list);
        setError(null);
      },
      (caught) => setError(describeError(asUserError(caught))),
    );
  }, [backend]);
  useEffect(reload, [reload]);

  const done = (text: string) => {
    setConsent(null);
    setNote(text);
    reload();
    onChanged?.();
  };

  return (
    <section className="settings-section" aria-labelledby="settings-matrix">
      <h3 id="settings-matrix" className="section-title">
        {t("matrix.accounts")}
      </h3>
      <p className="muted">{t("matrix.accountsLead")}</p>
      {accounts === null && !error && <p role="status">{t("common.loading")}</p>}
      {accounts?.length === 0 && <p>{t("matrix.noAccounts")}</p>}
      {accounts?.map((account) => (
        <div key={account.user_id} className="account-card">
          <p>
            <strong className="mono">{account.user_id}</strong> <MatrixMark />
          </p>
          <p className="muted">{t("matrix.homeserverIs", { homeserver: account.homeserver })}</p>
          <div className="interop-row">
            <span>{account.enabled ? t("matrix.isOn") : t("matrix.isOff")}</span>
            <span className="matrix-account__actions">
              <button
                type="button"
                className="button button--small"
                aria-label={t(account.enabled ? "matrix.turnOffLabel" : "matrix.turnOnLabel", {
                  account: account.user_id,
                })}
                onClick={() => setConsent({ kind: account.enabled ? "off" : "on", userId: account.user_id })}
              >
                {t(account.enabled ? "revoke.turnOff" : "settings.turnOn")}
              </button>
              <button
                type="button"
                className="button button--small"
                aria-label={t("matrix.signOutLabel", { account: account.user_id })}
                onClick={() => setConsent({ kind: "sign-out", userId: account.user_id })}
              >
                {t("matrix.signOutOpen")}
              </button>
            </span>
          </div>
        </div>
      ))}
      {note && (
        <p className="notice" role="status">
          {note}
        </p>
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {adding ? (
        <MatrixSignInForm
          onCancel={() => setAdding(false)}
          onSignedIn={(account) => {
            setAdding(false);
            done(t("matrix.signedIn", { account: account.user_id }));
          }}
        />
      ) : (
        <button type="button" className="button" onClick={() => setAdding(true)}>
          {t("matrix.signInTitle")}
        </button>
      )}
      {consent?.kind === "on" && (
        <MatrixDisclosureDialog
          userId={consent.userId}
          onClose={() => setConsent(null)}
          onDone={(account) => done(t("matrix.turnedOn", { account: account.user_id }))}
        />
      )}
      {(consent?.kind === "off" || consent?.kind === "sign-out") && (
        <MatrixOffDialog
          userId={consent.userId}
          signOut={consent.kind === "sign-out"}
          onClose={() => setConsent(null)}
          onDone={() =>
            done(
              consent.kind === "sign-out"
                ? t("matrix.signedOut", { account: consent.userId })
                : t("matrix.turnedOff", { account: consent.userId }),
            )
          }
        />
      )}
    </section>
  );
}
