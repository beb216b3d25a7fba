// Start a chat by address; asks before the first message to another network.
import { useState, type FormEvent } from "react";
import type { AccountInfo, Conversation } from "../bindings";
import { asUserError } from "../backend/backend";
import { parseAddress } from "../logic/address";
import { describeError } from "../logic/errors";
import { FirstContactDialog } from "./ConsentDialogs";
import { useBackend } from "./context";
import { Dialog } from "./Dialog";

export function NewChatDialog({
  accounts,
  onClose,
  onOpened,
}: {
  accounts: AccountInfo[];
  onClose: () => void;
  onOpened: (conversation: Conversation) => void;
}) {
  const backend = useBackend();
  const [account, setAccount] = useState(accounts[0]?.address ?? "");
  const [peer, setPeer] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const parsed = parseAddress(peer);
    if (!parsed) return setError("Addresses look like name@network, for example heron@harbor.example.");
    const text = `${parsed.name}@${parsed.network}`;
    try {
      onOpened(await backend.startConversation(account, text));
    } catch (caught) {
      const userError = asUserError(caught);
      if (userError.code === "first_contact_required") setConfirming(text);
      else setError(describeError(userError));
    }
  };

  return (
    <Dialog title="New chat" onClose={onClose}>
      <form className="stack" onSubmit={submit} noValidate>
        <label className="field">
          <span className="field__label">From account</span>
          <select className="input" value={account} onChange={(event) => setAccount(event.target.value)}>
            {accounts.map((info) => (
              <option key={info.address} value={info.address}>
                {info.address}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field__label">Their address</span>
          <input
            className="input"
            value={peer}
            onChange={(event) => setPeer(event.target.value)}
            placeholder="name@network"
            autoFocus
            spellCheck={false}
          />
        </label>
        {error && (
          <p className="notice notice--error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary">
            Start chat
          </button>
        </div>
      </form>
      {confirming && (
        <FirstContactDialog
          account={account}
          peer={confirming}
          onClose={() => setConfirming(null)}
          onConfirm={() => {
            const target = confirming;
            setConfirming(null);
            void backend
              .confirmFirstContact(account, target)
              .then(onOpened, (caught) => setError(describeError(asUserError(caught))));
          }}
        />
      )}
    </Dialog>
  );
}
