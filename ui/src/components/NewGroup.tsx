// Start a group: a name, the account it belongs to, and the people in it (on any network the
// account allows). Each person's own network decides whether they join at once or are invited.
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { AccountInfo, Conversation } from "../bindings";
import { asUserError } from "../backend/backend";
import { describeError } from "../i18n/errors";
import { useBackend } from "./context";
import { Dialog } from "./Dialog";
import { MemberPicker } from "./MemberPicker";

type Props = {
  accounts: AccountInfo[];
  conversations: Conversation[];
  onClose: () => void;
  onOpened: (conversation: Conversation) => void;
};

export function NewGroupDialog({ accounts, conversations, onClose, onOpened }: Props) {
  const backend = useBackend();
  const { t } = useTranslation();
  const [account, setAccount] = useState(accounts[0]?.address ?? "");
  const [name, setName] = useState("");
  const [members, setMembers] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (name.trim() === "") return setError(t("newGroup.needName"));
    if (members.length === 0) return setError(t("newGroup.needMember"));
    setBusy(true);
    try {
      const group = await backend.createGroup(account, name.trim(), members);
      const conversation = await backend.conversation(group.conversation);
      if (conversation) onOpened(conversation);
      else onClose();
    } catch (caught) {
      setError(describeError(asUserError(caught)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t("newGroup.title")} onClose={onClose} wide>
      <form className="stack" onSubmit={submit} noValidate>
        <label className="field">
          <span className="field__label">{t("group.name")}</span>
          <input
            className="input"
            value={name}
            maxLength={100}
            onChange={(event) => setName(event.target.value)}
            placeholder={t("newGroup.namePlaceholder")}
            autoFocus
          />
        </label>
        <label className="field">
          <span className="field__label">{t("newGroup.fromAccount")}</span>
          <select
            className="input"
            value={account}
            onChange={(event) => {
              setAccount(event.target.value);
              setMembers([]);
            }}
          >
            {accounts.map((info) => (
              <option key={info.address} value={info.address}>
                {info.address}
              </option>
            ))}
          </select>
        </label>
        <MemberPicker account={account} conversations={conversations} selected={members} onChange={setMembers} />
        <p className="field__help">{t("newGroup.help")}</p>
        {error && (
          <p className="notice notice--error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            {t("action.cancel")}
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {t("newGroup.create")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
