// The consent prompts. Each states the facts plainly and records nothing until the user chooses.
import { useEffect, useId, useState } from "react";
import type { AccountInfo, Disclosure, InboxLayout, Message, MessageId, ReportReason } from "../bindings";
import { asUserError } from "../backend/backend";
import { describeError } from "../logic/errors";
import { useBackend } from "./context";
import { Dialog } from "./Dialog";
import { NetworkMark } from "./Marks";

function Facts({ disclosure, id }: { disclosure: Disclosure; id?: string }) {
  return (
    <ul className="facts" id={id}>
      {disclosure.facts.map((fact) => (
        <li key={fact}>{fact}</li>
      ))}
    </ul>
  );
}

/** Turning interop on for one network, from settings; or, with `review`, allowing again under the
 * current disclosure a network the account allowed before it said what groups do. */
export function DisclosureDialog({
  account,
  network,
  review = false,
  onClose,
  onDone,
}: {
  account: string;
  network: string;
  review?: boolean;
  onClose: () => void;
  onDone: (info: AccountInfo) => void;
}) {
  const backend = useBackend();
  const factsId = useId();
  const [disclosure, setDisclosure] = useState<Disclosure | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void backend.disclosure(network).then(setDisclosure);
  }, [backend, network]);
  const allow = async () => {
    if (!disclosure) return;
    try {
      onDone(await backend.enableInterop(account, network, disclosure.version));
    } catch (caught) {
      setError(describeError(asUserError(caught)));
    }
  };
  return (
    <Dialog title={disclosure?.title ?? `Chats with ${network}`} onClose={onClose} describedBy={factsId}>
      {review ? (
        <p>
          Your account <strong>{account}</strong> allowed {network} before group chats worked across networks. People
          there can still write to you, but they cannot add you to groups until you allow {network} again under what it
          means now:
        </p>
      ) : (
        <p>
          For your account <strong>{account}</strong>:
        </p>
      )}
      {disclosure && <Facts disclosure={disclosure} id={factsId} />}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          Not now
        </button>
        <button type="button" className="button button--primary" onClick={allow} disabled={!disclosure}>
          Allow {network}
        </button>
      </div>
    </Dialog>
  );
}

/** Turning interop off: existing chats become read-only. */
export function RevokeDialog({
  account,
  network,
  onClose,
  onDone,
}: {
  account: string;
  network: string;
  onClose: () => void;
  onDone: (info: AccountInfo) => void;
}) {
  const backend = useBackend();
  const [error, setError] = useState<string | null>(null);
  const revoke = async () => {
    try {
      onDone(await backend.disableInterop(account, network));
    } catch (caught) {
      setError(describeError(asUserError(caught)));
    }
  };
  return (
    <Dialog title={`Turn off chats with ${network}?`} onClose={onClose}>
      <ul className="facts">
        <li>
          People on {network} can no longer reach {account}. Your network refuses their messages from now on.
        </li>
        <li>Your existing chats with people on {network} stay, but become read-only: you can read them, not write.</li>
        <li>You can turn this on again later; you will see the disclosure again.</li>
      </ul>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          Keep on
        </button>
        <button type="button" className="button button--danger" onClick={revoke}>
          Turn off
        </button>
      </div>
    </Dialog>
  );
}

/** The onboarding after the first account: what interop is, the disclosure, networks, layout. */
export type OnboardingStep = "intro" | "disclosure" | "layout";

export function InteropOnboarding({
  account,
  networks,
  onClose,
  initialStep = "intro",
}: {
  account: AccountInfo;
  networks: string[];
  onClose: () => void;
  initialStep?: OnboardingStep;
}) {
  const backend = useBackend();
  const others = networks.filter((network) => network !== account.network);
  const [step, setStep] = useState<OnboardingStep>(initialStep);
  const [disclosures, setDisclosures] = useState<Disclosure[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [layout, setLayout] = useState<InboxLayout>("combined");
  const [error, setError] = useState<string | null>(null);

  // The peered networks arrive from the relay after the dialog opens: load their disclosures
  // whenever the list changes.
  const othersKey = others.join(",");
  useEffect(() => {
    let cancelled = false;
    void Promise.all(
      othersKey
        .split(",")
        .filter(Boolean)
        .map((network) => backend.disclosure(network)),
    ).then((loaded) => {
      if (!cancelled) setDisclosures(loaded);
    });
    return () => {
      cancelled = true;
    };
  }, [backend, othersKey]);

  const confirm = async () => {
    setError(null);
    try {
      for (const disclosure of disclosures) {
        if (chosen.includes(disclosure.network))
          await backend.enableInterop(account.address, disclosure.network, disclosure.version);
      }
      if (chosen.length > 0) setStep("layout");
      else onClose();
    } catch (caught) {
      setError(describeError(asUserError(caught)));
    }
  };

  const finish = async () => {
    await backend.setInboxLayout(layout);
    onClose();
  };

  return (
    <Dialog title="Chats with other networks" onClose={onClose} wide>
      {step === "intro" && (
        <>
          <p>
            Your account <strong>{account.address}</strong> is on <NetworkMark network={account.network} />. Isthmus can
            also let people on other networks write to you, for example{" "}
            {others.join(", ") || "networks your server has an agreement with"}.
          </p>
          <ul className="facts">
            <li>This is off until you turn it on, one network at a time.</li>
            <li>Messages stay end-to-end encrypted across networks.</li>
            <li>You can turn it off again at any time in Settings.</li>
          </ul>
          <div className="dialog__actions">
            <button type="button" className="button" onClick={onClose}>
              Not now
            </button>
            <button
              type="button"
              className="button button--primary"
              onClick={() => setStep("disclosure")}
              disabled={others.length === 0}
            >
              Continue
            </button>
          </div>
        </>
      )}
      {step === "disclosure" && (
        <>
          {disclosures.map((disclosure) => (
            <fieldset key={disclosure.network} className="disclosure">
              <legend className="disclosure__title">{disclosure.title}</legend>
              <Facts disclosure={disclosure} />
              <label className="check">
                <input
                  type="checkbox"
                  checked={chosen.includes(disclosure.network)}
                  onChange={(event) =>
                    setChosen((current) =>
                      event.target.checked
                        ? [...current, disclosure.network]
                        : current.filter((network) => network !== disclosure.network),
                    )
                  }
                />
                Let people on {disclosure.network} reach me
              </label>
            </fieldset>
          ))}
          {error && (
            <p className="notice notice--error" role="alert">
              {error}
            </p>
          )}
          <div className="dialog__actions">
            <button type="button" className="button" onClick={onClose}>
              Not now
            </button>
            <button type="button" className="button button--primary" onClick={confirm}>
              {chosen.length > 0 ? `Allow ${chosen.join(", ")}` : "Keep everything off"}
            </button>
          </div>
        </>
      )}
      {step === "layout" && (
        <>
          <fieldset className="stack">
            <legend>How should chats with other networks appear?</legend>
            <label className="check">
              <input
                type="radio"
                name="layout"
                checked={layout === "combined"}
                onChange={() => setLayout("combined")}
              />
              In one inbox with everything else, each marked with its network
            </label>
            <label className="check">
              <input
                type="radio"
                name="layout"
                checked={layout === "separate"}
                onChange={() => setLayout("separate")}
              />
              In a separate “Other networks” folder
            </label>
          </fieldset>
          <div className="dialog__actions">
            <button type="button" className="button button--primary" onClick={finish}>
              Done
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}

/** Before the first message to someone on another network. */
export function FirstContactDialog({
  account,
  peer,
  onClose,
  onConfirm,
}: {
  account: string;
  peer: string;
  onClose: () => void;
  onConfirm: () => void;
}) {
  const network = peer.slice(peer.lastIndexOf("@") + 1);
  return (
    <Dialog title={`Write to ${peer}?`} onClose={onClose}>
      <ul className="facts">
        <li>
          {peer} uses <NetworkMark network={network} />, another network than yours.
        </li>
        <li>{network}'s own policies apply to their side of the chat.</li>
        <li>
          Your messages are end-to-end encrypted; {network} sees that {account} writes to them, and when.
        </li>
        <li>They see your address, {account}.</li>
      </ul>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button button--primary" onClick={onConfirm}>
          Write to {peer}
        </button>
      </div>
    </Dialog>
  );
}

export function KeyChangeDialog({
  peer,
  onClose,
  onAcknowledge,
  onVerify,
}: {
  peer: string;
  onClose: () => void;
  onAcknowledge: () => void;
  onVerify: () => void;
}) {
  return (
    <Dialog title={`${peer}'s safety number changed`} onClose={onClose} role="alertdialog">
      <ul className="facts">
        <li>This usually means they reinstalled Isthmus or moved to a new computer.</li>
        <li>
          It can also mean someone is trying to come between you. If that matters, compare safety numbers with them in
          person or on a call.
        </li>
        <li>
          Messages to them are held until you acknowledge the change. Their earlier verification no longer applies.
        </li>
      </ul>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onVerify}>
          Compare safety numbers
        </button>
        <button type="button" className="button button--primary" onClick={onAcknowledge}>
          Acknowledge and continue
        </button>
      </div>
    </Dialog>
  );
}

export function LinkDialog({ url, onClose, onOpen }: { url: string; onClose: () => void; onOpen: () => void }) {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    /* shown as given */
  }
  return (
    <Dialog title="Open this link?" onClose={onClose}>
      <p>It opens in your web browser, outside Isthmus. The site sees your IP address.</p>
      <p className="link-preview">
        <strong>{host}</strong>
        <br />
        <span className="mono">{url}</span>
      </p>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button button--primary" onClick={onOpen}>
          Open link
        </button>
      </div>
    </Dialog>
  );
}

export function ConfirmDialog({
  title,
  facts,
  confirmLabel,
  danger,
  onClose,
  onConfirm,
}: {
  title: string;
  facts: string[];
  confirmLabel: string;
  danger?: boolean;
  onClose: () => void;
  onConfirm: () => void;
}) {
  return (
    <Dialog title={title} onClose={onClose}>
      <ul className="facts">
        {facts.map((fact) => (
          <li key={fact}>{fact}</li>
        ))}
      </ul>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className={danger ? "button button--danger" : "button button--primary"}
          onClick={onConfirm}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

/** What the menu says for each reason. A `Record` over the generated type: a reason added in
 * Rust fails the type check here until it has a label, so the menu offers exactly the relay's list. */
export const REPORT_REASON_LABELS: Record<ReportReason, string> = {
  spam: "Spam",
  fraud: "Scam or fraud",
  harassment: "Harassment or abuse",
  other: "Something else",
};

export function ReportDialog({
  peer,
  choices,
  onClose,
  onReport,
}: {
  peer: string;
  /** In a group: their messages in its chat, for the person to choose which go in (all at first). */
  choices?: Message[];
  onClose: () => void;
  onReport: (reason: ReportReason, note: string, andBlock: boolean, chosen: MessageId[]) => void;
}) {
  const [reason, setReason] = useState<ReportReason>("spam");
  const [note, setNote] = useState("");
  const [andBlock, setAndBlock] = useState(true);
  const [chosen, setChosen] = useState<MessageId[]>(() => (choices ?? []).map((message) => message.id));
  const toggle = (id: MessageId, on: boolean) =>
    setChosen((current) => (on ? [...current, id] : current.filter((one) => one !== id)));
  return (
    <Dialog title={`Report ${peer}`} onClose={onClose}>
      <ul className="facts">
        <li>
          {choices
            ? `The report goes to your own network, with the messages ${peer} wrote in this group that you choose below. Nothing you or anyone else wrote is included.`
            : `The report goes to your own network, with the messages ${peer} sent you in this chat. Nothing you wrote is included.`}
        </li>
        <li>{choices ? `${peer} and the group are not told.` : `${peer} is not told.`}</li>
      </ul>
      <label className="field">
        <span className="field__label">Reason</span>
        <select className="input" value={reason} onChange={(event) => setReason(event.target.value as typeof reason)}>
          {(Object.keys(REPORT_REASON_LABELS) as ReportReason[]).map((value) => (
            <option key={value} value={value}>
              {REPORT_REASON_LABELS[value]}
            </option>
          ))}
        </select>
      </label>
      {choices && (
        <fieldset className="report-choices">
          <legend>Their messages to include</legend>
          {choices.length === 0 ? (
            <p className="field__help">
              There is nothing of theirs in this group on this computer: the report goes without messages.
            </p>
          ) : (
            choices.map((message) => (
              <label key={message.id} className="check check--small">
                <input
                  type="checkbox"
                  checked={chosen.includes(message.id)}
                  onChange={(event) => toggle(message.id, event.target.checked)}
                />
                <span className="report-choices__text">
                  {message.deleted ? "(deleted)" : message.body || "(attachment)"}
                </span>
              </label>
            ))
          )}
        </fieldset>
      )}
      <label className="field">
        <span className="field__label">Note (optional)</span>
        <textarea className="input" rows={2} value={note} onChange={(event) => setNote(event.target.value)} />
      </label>
      <label className="check">
        <input type="checkbox" checked={andBlock} onChange={(event) => setAndBlock(event.target.checked)} />
        Also block {peer}
      </label>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button button--danger"
          onClick={() => onReport(reason, note, andBlock, chosen)}
        >
          Report
        </button>
      </div>
    </Dialog>
  );
}
