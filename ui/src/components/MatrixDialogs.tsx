// The Matrix consent prompts: turning Matrix on for an account (the engine's Matrix disclosure, in
// the same kind of dialog as the interop disclosure), turning it off, and signing out. Each states
// what will happen and records nothing until the user chooses.
import { useEffect, useId, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import type { Disclosure, MatrixAccountInfo } from "../bindings";
import { asUserError } from "../backend/backend";
import { describeError } from "../i18n/errors";
import { Facts } from "./ConsentDialogs";
import { useBackend } from "./context";
import { Dialog } from "./Dialog";

/** Turning Matrix on for `userId`: the disclosure, then `matrixSetEnabled` with its version. */
export function MatrixDisclosureDialog({
  userId,
  onClose,
  onDone,
}: {
  userId: string;
  onClose: () => void;
  onDone: (info: MatrixAccountInfo) => void;
}) {
  const backend = useBackend();
  const { t } = useTranslation();
  const factsId = useId();
  const [disclosure, setDisclosure] = useState<Disclosure | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void backend.matrixDisclosure().then(setDisclosure, (caught) => setError(describeError(asUserError(caught))));
  }, [backend]);
  const allow = async () => {
    if (!disclosure) return;
    try {
      onDone(await backend.matrixSetEnabled(userId, true, disclosure.version));
    } catch (caught) {
      setError(describeError(asUserError(caught)));
    }
  };
  return (
    <Dialog title={disclosure?.title ?? t("matrix.disclosureTitle")} onClose={onClose} describedBy={factsId}>
      <p>
        <Trans i18nKey="disclosure.forAccount" values={{ account: userId }} components={{ strong: <strong /> }} />
      </p>
      {disclosure && <Facts disclosure={disclosure} id={factsId} />}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          {t("action.notNow")}
        </button>
        <button type="button" className="button button--primary" onClick={allow} disabled={!disclosure}>
          {t("matrix.turnOnConfirm")}
        </button>
      </div>
    </Dialog>
  );
}

/** Turning Matrix off for `userId`, or signing it out (`signOut`): what becomes of its chats. */
export function MatrixOffDialog({
  userId,
  signOut = false,
  onClose,
  onDone,
}: {
  userId: string;
  signOut?: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const backend = useBackend();
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    try {
      if (signOut) await backend.matrixSignOut(userId);
      else await backend.matrixSetEnabled(userId, false, null);
      onDone();
    } catch (caught) {
      setError(describeError(asUserError(caught)));
    }
  };
  return (
    <Dialog
      title={signOut ? t("matrix.signOutTitle", { account: userId }) : t("matrix.turnOffTitle", { account: userId })}
      onClose={onClose}
    >
      <ul className="facts">
        {signOut ? (
          <>
            <li>{t("matrix.signOutDevice", { account: userId })}</li>
            <li>{t("matrix.signOutChats")}</li>
            <li>{t("matrix.signOutAgain")}</li>
          </>
        ) : (
          <>
            <li>{t("matrix.turnOffNothing", { account: userId })}</li>
            <li>{t("matrix.turnOffReadOnly")}</li>
            <li>{t("revoke.again")}</li>
          </>
        )}
      </ul>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          {signOut ? t("action.cancel") : t("revoke.keepOn")}
        </button>
        <button type="button" className="button button--danger" onClick={confirm}>
          {signOut ? t("matrix.signOut") : t("revoke.turnOff")}
        </button>
      </div>
    </Dialog>
  );
}
