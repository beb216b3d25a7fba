// Contact details: address, network, safety number (digits and QR), verify, block, report.
import { useEffect, useState } from "react";
import type { Contact, Conversation, SafetyNumber } from "../bindings";
import { asUserError } from "../backend/backend";
import { addressText } from "../logic/address";
import { describeError } from "../logic/errors";
import { safetyGroups } from "../logic/format";
import { useBackend } from "./context";
import { Dialog } from "./Dialog";
import { ReportDialog } from "./ConsentDialogs";
import { NetworkMark } from "./Marks";
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
  const account = addressText(conversation.account);
  const peer = addressText(conversation.peer);
  const [contact, setContact] = useState<Contact | null>(null);
  const [safety, setSafety] = useState<SafetyNumber | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reporting, setReporting] = useState(false);

  const reload = () => {
    void backend.contact(account, peer).then(setContact);
    onChanged();
  };
  useEffect(() => {
    void backend.contact(account, peer).then(setContact);
    void backend.safetyNumber(account, peer).then(setSafety, (caught) => setError(describeError(asUserError(caught))));
  }, [backend, account, peer]);

  const run = (action: () => Promise<void>) =>
    void action().then(reload, (caught) => setError(describeError(asUserError(caught))));

  return (
    <Dialog title={conversation.peer.name} onClose={onClose} wide>
      <dl className="details">
        <dt>Address</dt>
        <dd className="mono">{peer}</dd>
        <dt>Network</dt>
        <dd>
          <NetworkMark network={conversation.peer.network} /> {conversation.peer.network}
        </dd>
        <dt>Your account</dt>
        <dd className="mono">{account}</dd>
        <dt>Status</dt>
        <dd>
          {contact?.verified ? "Verified" : "Not verified"}
          {contact?.blocked ? " · Blocked" : ""}
          {contact?.key_change_held ? " · Safety number changed" : ""}
        </dd>
      </dl>
      <h3 className="section-title">Safety number</h3>
      <p className="muted">
        Compare these digits with {conversation.peer.name}, in person or on a call, or scan the code. If they match,
        your chat is end-to-end encrypted with them and no one else.
      </p>
      {safety ? (
        <div className="safety">
          <p className="safety__digits mono" aria-label={`Safety number ${safetyGroups(safety.digits).join(" ")}`}>
            {safetyGroups(safety.digits).map((group, index) => (
              <span key={index} className="safety__group">
                {group}
              </span>
            ))}
          </p>
          <QrCode value={safety.scannable} label={`QR code of the safety number with ${peer}`} />
        </div>
      ) : (
        <p role="status">{error ?? "Loading…"}</p>
      )}
      {error && safety && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__actions">
        {contact && (
          <button
            type="button"
            className="button"
            onClick={() => run(() => backend.setVerified(account, peer, !contact.verified))}
          >
            {contact.verified ? "Clear verification" : "Mark as verified"}
          </button>
        )}
        {contact && (
          <button
            type="button"
            className="button"
            onClick={() => run(() => (contact.blocked ? backend.unblock(account, peer) : backend.block(account, peer)))}
          >
            {contact.blocked ? "Unblock" : "Block"}
          </button>
        )}
        <button type="button" className="button" onClick={() => setReporting(true)}>
          Report
        </button>
      </div>
      {reporting && (
        <ReportDialog
          peer={peer}
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
