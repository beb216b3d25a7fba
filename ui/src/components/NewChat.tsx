// Start a chat by address; asks before the first message to another network. Where the account
// has that network turned off, it offers to turn it on there and then (the same consent dialog
// as in Settings) and starts the chat once it is on. From a Matrix account, a chat starts with a
// Matrix id (`openMatrixChat`), and Matrix turned off is offered to be turned on the same way.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { AccountInfo, Conversation, MatrixAccountInfo } from "../bindings";
import { asUserError } from "../backend/backend";
import { parseAddress } from "../logic/address";
import { looksLikeMatrixId, parseMatrixId } from "../logic/matrix";
import { describeError } from "../logic/errors";
import { DisclosureDialog, FirstContactDialog } from "./ConsentDialogs";
import { useBackend } from "./context";
import { Dialog } from "./Dialog";
import { MatrixDisclosureDialog } from "./MatrixDialogs";

/** Why the chat did not start, and the network (or Matrix account) to turn on when that is the reason. */
type Refusal = { text: string; networkOff?: string; matrixOff?: string };

/** Why the chat did not start; where a network or Matrix is off, the button that turns it on. */
function RefusalNotice({
  refusal,
  onAllow,
  onAllowMatrix,
}: {
  refusal: Refusal;
  onAllow: (network: string) => void;
  onAllowMatrix: (userId: string) => void;
}) {
  const { t } = useTranslation();
  const network = refusal.networkOff;
  const matrix = refusal.matrixOff;
  return (
    <div className="notice notice--error stack" role="alert">
      <span>{refusal.text}</span>
      {network && (
        <span>
          <button type="button" className="button button--small" onClick={() => onAllow(network)}>
            {t("newChat.turnOn", { network })}
          </button>
        </span>
      )}
      {matrix && (
        <span>
          <button type="button" className="button button--small" onClick={() => onAllowMatrix(matrix)}>
            {t("newChat.turnOnMatrix")}
          </button>
        </span>
      )}
    </div>
  );
}

export function NewChatDialog({
  accounts,
  initial = null,
  onAccountsChanged,
  onClose,
  onOpened,
}: {
  accounts: AccountInfo[];
  /** Start at once with this person from this account (a person picked in the quick switcher). */
  initial?: { account: string; peer: string } | null;
  /** A network was turned on for an account here. */
  onAccountsChanged?: () => void;
  onClose: () => void;
  onOpened: (conversation: Conversation) => void;
}) {
  const backend = useBackend();
  const { t } = useTranslation();
  const [account, setAccount] = useState(initial?.account ?? accounts[0]?.address ?? "");
  const [peer, setPeer] = useState(initial?.peer ?? "");
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [allowing, setAllowing] = useState<string | null>(null);
  const [allowingMatrix, setAllowingMatrix] = useState<string | null>(null);
  // The profile's Matrix accounts: a chat from one of them starts with a Matrix id.
  const [matrixAccounts, setMatrixAccounts] = useState<MatrixAccountInfo[]>([]);
  useEffect(() => {
    let live = true;
    void backend.matrixAccounts().then(
      (list) => live && setMatrixAccounts(list),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [backend]);
  // Without an Isthmus account, the first Matrix account is the one chosen.
  useEffect(() => {
    if (account === "" && matrixAccounts[0]) setAccount(matrixAccounts[0].user_id);
  }, [account, matrixAccounts]);
  const matrix = matrixAccounts.find((candidate) => candidate.user_id === account) ?? null;

  const startMatrix = async (userId: string) => {
    const id = peer.trim();
    if (!parseMatrixId(id)) return setRefusal({ text: t("error.invalid_matrix_id") });
    try {
      onOpened(await backend.openMatrixChat(userId, id));
    } catch (caught) {
      const userError = asUserError(caught);
      if (userError.code === "interop_off")
        setRefusal({ text: t("newChat.matrixOff", { account: userId }), matrixOff: userId });
      else setRefusal({ text: describeError(userError) });
    }
  };

  const start = async () => {
    setRefusal(null);
    if (matrix) return startMatrix(matrix.user_id);
    if (looksLikeMatrixId(peer))
      return setRefusal({
        text: matrixAccounts.length > 0 ? t("newChat.matrixIdChooseAccount") : t("newChat.matrixIdSignIn"),
      });
    const parsed = parseAddress(peer);
    if (!parsed) return setRefusal({ text: t("memberPicker.notAnAddress") });
    const text = `${parsed.name}@${parsed.network}`;
    try {
      onOpened(await backend.startConversation(account, text));
    } catch (caught) {
      const userError = asUserError(caught);
      if (userError.code === "first_contact_required") setConfirming(text);
      else if (userError.code === "interop_off")
        setRefusal({ text: t("newChat.networkOff", { network: parsed.network, account }), networkOff: parsed.network });
      else setRefusal({ text: describeError(userError) });
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void start();
  };

  // A person picked elsewhere: start at once, with the same questions a typed address gets.
  const startedAtOnce = useRef(false);
  useEffect(() => {
    if (!initial || startedAtOnce.current) return;
    startedAtOnce.current = true;
    void start();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <Dialog title={t("newChat.title")} onClose={onClose}>
      <form className="stack" onSubmit={submit} noValidate>
        <label className="field">
          <span className="field__label">{t("newChat.fromAccount")}</span>
          <select
            className="input"
            value={account}
            onChange={(event) => {
              setAccount(event.target.value);
              setRefusal(null);
            }}
          >
            {matrixAccounts.length === 0 ? (
              accounts.map((info) => (
                <option key={info.address} value={info.address}>
                  {info.address}
                </option>
              ))
            ) : (
              <>
                {accounts.length > 0 && (
                  <optgroup label={t("newChat.isthmusAccounts")}>
                    {accounts.map((info) => (
                      <option key={info.address} value={info.address}>
                        {info.address}
                      </option>
                    ))}
                  </optgroup>
                )}
                <optgroup label={t("matrix.accounts")}>
                  {matrixAccounts.map((info) => (
                    <option key={info.user_id} value={info.user_id}>
                      {info.user_id}
                    </option>
                  ))}
                </optgroup>
              </>
            )}
          </select>
        </label>
        <label className="field">
          <span className="field__label">{matrix ? t("newChat.theirMatrixId") : t("newChat.theirAddress")}</span>
          <input
            className="input"
            value={peer}
            onChange={(event) => setPeer(event.target.value)}
            placeholder={matrix ? t("matrix.idPlaceholder") : t("memberPicker.addressPlaceholder")}
            autoFocus
            spellCheck={false}
          />
        </label>
        {refusal && <RefusalNotice refusal={refusal} onAllow={setAllowing} onAllowMatrix={setAllowingMatrix} />}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            {t("action.cancel")}
          </button>
          <button type="submit" className="button button--primary">
            {t("newChat.start")}
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
              .then(onOpened, (caught) => setRefusal({ text: describeError(asUserError(caught)) }));
          }}
        />
      )}
      {allowingMatrix && (
        <MatrixDisclosureDialog
          userId={allowingMatrix}
          onClose={() => setAllowingMatrix(null)}
          onDone={(info) => {
            setAllowingMatrix(null);
            setMatrixAccounts((list) => list.map((one) => (one.user_id === info.user_id ? info : one)));
            // Matrix is on: the chat the person asked for starts now.
            void startMatrix(info.user_id);
          }}
        />
      )}
      {allowing && (
        <DisclosureDialog
          account={account}
          network={allowing}
          onClose={() => setAllowing(null)}
          onDone={() => {
            setAllowing(null);
            onAccountsChanged?.();
            // The network is on: the chat the person asked for starts now.
            void start();
          }}
        />
      )}
    </Dialog>
  );
}
