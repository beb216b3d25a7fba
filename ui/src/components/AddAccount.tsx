// Add an account on a network: the relay's address, the name to register, for a private
// deployment the CA certificate its server's certificate comes from, and for a network that
// registers by invitation the operator's token. The file is read here and
// its text crosses to the engine: the page never names a path on disk.
import { useState, type ChangeEvent, type FormEvent } from "react";
import type { AccountInfo } from "../bindings";
import { asUserError } from "../backend/backend";
import { describeError } from "../logic/errors";
import { useBackend } from "./context";

export function AddAccountForm({ onAdded, first }: { onAdded: (account: AccountInfo) => void; first?: boolean }) {
  const backend = useBackend();
  const [relayUrl, setRelayUrl] = useState("https://meadow.example");
  const [name, setName] = useState("");
  const [ca, setCa] = useState<{ fileName: string; pem: string } | null>(null);
  const [invite, setInvite] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (name.trim() === "") return setError("Choose a name.");
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
    <form className="stack" onSubmit={submit} noValidate aria-label="Add an account">
      <label className="field">
        <span className="field__label">Network server (relay) address</span>
        <input
          className="input"
          type="url"
          value={relayUrl}
          onChange={(event) => setRelayUrl(event.target.value)}
          autoFocus={first}
        />
      </label>
      <label className="field">
        <span className="field__label">Your name on that network</span>
        <input
          className="input"
          value={name}
          onChange={(event) => setName(event.target.value)}
          autoComplete="username"
          spellCheck={false}
        />
        <span className="field__help">
          Lowercase letters, digits, dot, dash, underscore. Others reach you at name@network.
        </span>
      </label>
      <label className="field">
        <span className="field__label">CA certificate (only for a private network)</span>
        <input className="input" type="file" accept=".pem,.crt,.cer,application/x-pem-file" onChange={chooseCa} />
        <span className="field__help">
          {ca
            ? `This account will also trust servers certified by ${ca.fileName}.`
            : "Leave empty unless the network's operator gave you one. Public networks need none."}
        </span>
      </label>
      <label className="field">
        <span className="field__label">Invitation (only if the network asked for one)</span>
        <input
          className="input mono"
          value={invite}
          onChange={(event) => setInvite(event.target.value)}
          spellCheck={false}
          autoComplete="off"
          placeholder="isthmus-invite-…"
        />
        <span className="field__help">
          Some networks take new accounts by invitation only; their operator gives you one.
        </span>
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
