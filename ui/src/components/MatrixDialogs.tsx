// The Matrix consent prompts: turning Matrix on for an account (the engine's Matrix disclosure, in
// the same kind of dialog as the interop disclosure), turning it off, and signing out. Each states
// what will happen and records nothing until the user chooses.
import { useCallback, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import type { MatrixAccountInfo } from "../bindings";
import { asUserError } from "../backend/backend";
import { describeError } from "../i18n/errors";
import { DisclosurePrompt } from "./ConsentDialogs";
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
  const load = useCallback(() => backend.matrixDisclosure(), [backend]);
  return (
    <DisclosurePrompt
      load={load}
      fallbackTitle={t("matrix.disclosureTitle")}
      intro={<Trans i18nKey="disclosure.forAccount" values={{ account: userId }} components={{ strong: <strong /> }} />}
      allowLabel={t("matrix.turnOnConfirm")}
      decide={(version) => backend.matrixSetEnabled(userId, true, version)}
      onClose={onClose}
      onDone={onDone}
    />
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
