// Add an account on a network: the relay's address, the name to register, for a private
// deployment the CA certificate its server's certificate comes from, and for a network that
// registers by invitation the operator's token. The file is read here and
// its text crosses to the engine: the page never names a path on disk.
import { useState, type ChangeEvent, type FormEvent } from "react";
import type { AccountInfo } from "../bindings";
import { asUserError } from "../backend/backend";
import { useTranslation } from "react-i18next";
import { describeError } from "../i18n/errors";
import { useBackend } from "./context";

export function AddAccountForm({ onAdded, first }: { onAdded: (account: AccountInfo) => void; first?: boolean }) {
  const backend = useBackend();
  const { t } = useTranslation();
  const [relayUrl, setRelayUrl] = useState("https://meadow.example");
  const [name, setName] = useState("");
  const [ca, setCa] = useState<{ fileName: string; pem: string } | null>(null);
  const [invite, setInvite] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (name.trim() === "") return setError(t("addAccount.chooseName"));
    setBusy(true);
    try {
      onAdded(
        await backend.addAccount(
          relayUrl.trim(),
          name.trim(),
          ca?.pem,
          invite.trim() === "" ? undefined : invite.trim(),
        ),
      );
    } catch (caught) {
      setError(describeError(asUserError(caught)));
    } finally {
      setBusy(false);
    }
  };

  const chooseCa = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    setCa(file ? { fileName: file.name, pem: await file.text() } : null);
  };

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label={t("addAccount.title")}>
      <label className="field">
        <span className="field__label">{t("addAccount.relay")}</span>
        <input
          className="input"
          type="url"
          value={relayUrl}
          onChange={(event) => setRelayUrl(event.target.value)}
          autoFocus={first}
        />
      </label>
      <label className="field">
        <span className="field__label">{t("addAccount.name")}</span>
        <input
          className="input"
          value={name}
          onChange={(event) => setName(event.target.value)}
          autoComplete="username"
          spellCheck={false}
        />
        <span className="field__help">{t("addAccount.nameHelp")}</span>
      </label>
      <label className="field">
        <span className="field__label">{t("addAccount.ca")}</span>
        <input className="input" type="file" accept=".pem,.crt,.cer,application/x-pem-file" onChange={chooseCa} />
        <span className="field__help">
          {ca ? t("addAccount.caChosen", { file: ca.fileName }) : t("addAccount.caHelp")}
        </span>
      </label>
      <label className="field">
        <span className="field__label">{t("addAccount.invite")}</span>
        <input
          className="input mono"
          value={invite}
          onChange={(event) => setInvite(event.target.value)}
          spellCheck={false}
          autoComplete="off"
          placeholder="isthmus-invite-…"
        />
        <span className="field__help">{t("addAccount.inviteHelp")}</span>
      </label>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <button className="button button--primary" type="submit" disabled={busy}>
        {busy ? t("addAccount.adding") : t("addAccount.add")}
      </button>
    </form>
  );
}

export function AddAccountScreen({ onAdded }: { onAdded: (account: AccountInfo) => void }) {
  const { t } = useTranslation();
  return (
    <main className="start">
      <div className="start__card">
        <h1 className="start__title">{t("addAccount.title")}</h1>
        <p className="start__lead">{t("addAccount.lead")}</p>
        <AddAccountForm onAdded={onAdded} first />
      </div>
    </main>
  );
}
