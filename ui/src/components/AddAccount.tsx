// Add an account on a network: the relay's address and the name to register.
import { useState, type FormEvent } from "react";
import type { AccountInfo } from "../bindings";
import { asUserError } from "../backend/backend";
import { describeError } from "../logic/errors";
import { useBackend } from "./context";

export function AddAccountForm({ onAdded, first }: { onAdded: (account: AccountInfo) => void; first?: boolean }) {
  const backend = useBackend();
  const [relayUrl, setRelayUrl] = useState("https://meadow.example");
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (name.trim() === "") return setError("Choose a name.");
    setBusy(true);
    try {
      onAdded(await backend.addAccount(relayUrl.trim(), name.trim()));
    } catch (caught) {
      setError(describeError(asUserError(caught)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Add an account">
      <label className="field">
        <span className="field__label">Network server (relay) address</span>
        <input className="input" type="url" value={relayUrl} onChange={(event) => setRelayUrl(event.target.value)} autoFocus={first} />
      </label>
      <label className="field">
        <span className="field__label">Your name on that network</span>
        <input className="input" value={name} onChange={(event) => setName(event.target.value)} autoComplete="username" spellCheck={false} />
        <span className="field__help">Lowercase letters, digits, dot, dash, underscore. Others reach you at name@network.</span>
      </label>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <button className="button button--primary" type="submit" disabled={busy}>
        {busy ? "Adding…" : "Add account"}
      </button>
    </form>
  );
}

export function AddAccountScreen({ onAdded }: { onAdded: (account: AccountInfo) => void }) {
  return (
    <main className="start">
      <div className="start__card">
        <h1 className="start__title">Add an account</h1>
        <p className="start__lead">
          An account lives on one network. You can add accounts on other networks later; the inbox shows them all.
        </p>
        <AddAccountForm onAdded={onAdded} first />
      </div>
    </main>
  );
}
