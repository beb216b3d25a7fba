// Contact details: address, network, safety number (digits and QR), verify, block, report. A Matrix
// chat's person has their Matrix id, and no safety number: Matrix checks devices its own way.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Contact, Conversation, SafetyNumber } from "../bindings";
import { asUserError } from "../backend/backend";
import { addressText } from "../logic/address";
import { describeError } from "../i18n/errors";
import { safetyGroups } from "../logic/format";
import { useBackend } from "./context";
import { Dialog } from "./Dialog";
import { ReportDialog } from "./ConsentDialogs";
import { accountShown, peerShown } from "../logic/matrix";
import { MatrixMark, NetworkMark, UnencryptedMark } from "./Marks";
import { QrCode } from "./QrCode";

export function ContactDetails({
  conversation,
  onClose,
  onChanged,
}: {
  conversation: Conversation;
  onClose: () => void;
  onChanged: () => void;
}) {
  const backend = useBackend();
  const { t } = useTranslation();
  const account = addressText(conversation.account);
  const peer = addressText(conversation.peer);
  const [contact, setContact] = useState<Contact | null>(null);
  const [safety, setSafety] = useState<SafetyNumber | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reporting, setReporting] = useState(false);
  const matrix = conversation.matrix;

  const reload = () => {
    void backend.contact(account, peer).then(setContact);
    onChanged();
  };
  useEffect(() => {
    void backend.contact(account, peer).then(setContact);
    if (matrix !== null) return;
    void backend.safetyNumber(account, peer).then(setSafety, (caught) => setError(describeError(asUserError(caught))));
  }, [backend, account, peer, matrix]);

  const run = (action: () => Promise<void>) =>
    void action().then(reload, (caught) => setError(describeError(asUserError(caught))));

  return (
    <Dialog title={conversation.peer.name} onClose={onClose} wide>
      <dl className="details">
        <dt>{matrix !== null ? t("matrix.id") : t("contact.address")}</dt>
        <dd className="mono">{peerShown(conversation)}</dd>
        <dt>{t("contact.network")}</dt>
        {matrix !== null ? (
          <dd>
            <MatrixMark /> {matrix.encrypted ? t("contact.matrixEncrypted") : <UnencryptedMark />}
          </dd>
        ) : (
          <dd>
            <NetworkMark network={conversation.peer.network} /> {conversation.peer.network}
          </dd>
        )}
        <dt>{t("contact.account")}</dt>
        <dd className="mono">{accountShown(conversation)}</dd>
        <dt>{t("contact.status")}</dt>
        <dd>
          {contact?.verified ? t("contact.verified") : t("contact.notVerified")}
          {contact?.blocked ? ` · ${t("contact.blocked")}` : ""}
          {contact?.key_change_held ? ` · ${t("contact.keyChanged")}` : ""}
        </dd>
      </dl>
      <h3 className="section-title">{t("contact.safetyNumber")}</h3>
      {matrix !== null ? (
        <p className="muted">{t("contact.matrixNoSafetyNumber")}</p>
      ) : (
        <p className="muted">{t("contact.compare", { name: conversation.peer.name })}</p>
      )}
      {matrix !== null ? null : safety ? (
        <div className="safety">
          <p
            className="safety__digits mono"
            aria-label={t("contact.safetyDigits", { digits: safetyGroups(safety.digits).join(" ") })}
          >
            {safetyGroups(safety.digits).map((group, index) => (
              <span key={index} className="safety__group">
                {group}
              </span>
            ))}
          </p>
          <QrCode value={safety.scannable} label={t("contact.qr", { peer })} />
        </div>
      ) : (
        <p role="status">{error ?? t("common.loading")}</p>
      )}
      {error && (safety || matrix !== null) && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__actions">
        {contact && matrix === null && (
          <button
            type="button"
            className="button"
            onClick={() => run(() => backend.setVerified(account, peer, !contact.verified))}
          >
            {contact.verified ? t("contact.clearVerification") : t("contact.markVerified")}
          </button>
        )}
        {contact && (
          <button
            type="button"
            className="button"
            onClick={() => run(() => (contact.blocked ? backend.unblock(account, peer) : backend.block(account, peer)))}
          >
            {contact.blocked ? t("action.unblock") : t("action.block")}
          </button>
        )}
        <button type="button" className="button" onClick={() => setReporting(true)}>
          {t("action.report")}
        </button>
      </div>
      {reporting && (
        <ReportDialog
          peer={peerShown(conversation)}
          onClose={() => setReporting(false)}
          onReport={(reason, note, andBlock) => {
            setReporting(false);
            run(() => backend.report(conversation.id, [], reason, note, andBlock));
          }}
        />
      )}
    </Dialog>
  );
}
