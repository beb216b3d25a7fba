// Create a profile (passphrase twice) or unlock the existing one.
import { useState, type FormEvent } from "react";
import type { ProfileState } from "../backend/backend";
import { asUserError } from "../backend/backend";
import { DEMO_PASSPHRASE } from "../demo/fixtures";
import { useTranslation } from "react-i18next";
import { describeError } from "../i18n/errors";
import { useBackend } from "./context";

const MIN_LENGTH = 8;

export function StartScreen({
  state,
  onUnlocked,
}: {
  state: Exclude<ProfileState, "unlocked">;
  onUnlocked: () => void;
}) {
  const backend = useBackend();
  const { t } = useTranslation();
  const [passphrase, setPassphrase] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const creating = state === "missing";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (creating) {
      if (passphrase.length < MIN_LENGTH) return setError(t("start.tooShort", { count: MIN_LENGTH }));
      if (passphrase !== confirm) return setError(t("start.notSame"));
    }
    setBusy(true);
    try {
      if (creating) await backend.createProfile(passphrase);
      else await backend.unlock(passphrase);
      onUnlocked();
    } catch (caught) {
      const userError = asUserError(caught);
      setError(describeError(userError));
      if (userError.code === "wrong_passphrase") setPassphrase("");
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="start">
      <form className="start__card" onSubmit={submit} noValidate>
        <h1 className="start__title">Isthmus</h1>
        <p className="start__lead">{creating ? t("start.createLead") : t("start.unlockLead")}</p>
        <label className="field">
          <span className="field__label">{t("start.passphrase")}</span>
          <input
            className="input"
            type="password"
            autoComplete={creating ? "new-password" : "current-password"}
            value={passphrase}
            onChange={(event) => setPassphrase(event.target.value)}
            autoFocus
            aria-invalid={error !== null}
            aria-describedby={error ? "start-error" : undefined}
          />
        </label>
        {creating && (
          <label className="field">
            <span className="field__label">{t("start.passphraseAgain")}</span>
            <input
              className="input"
              type="password"
              autoComplete="new-password"
              value={confirm}
              onChange={(event) => setConfirm(event.target.value)}
            />
          </label>
        )}
        {error && (
          <p id="start-error" className="notice notice--error" role="alert">
            {error}
          </p>
        )}
        <button className="button button--primary" type="submit" disabled={busy}>
          {creating ? t("start.create") : t("start.unlock")}
        </button>
        {backend.kind === "demo" && !creating && (
          <p className="start__hint">{t("start.demoHint", { passphrase: DEMO_PASSPHRASE })}</p>
        )}
      </form>
    </main>
  );
}
