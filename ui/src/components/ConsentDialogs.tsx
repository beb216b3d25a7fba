// The consent prompts. Each states the facts plainly and records nothing until the user chooses.
import type { ParseKeys } from "i18next";
import { type ReactNode, useCallback, useEffect, useId, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import type { AccountInfo, Disclosure, InboxLayout, Message, MessageId, ReportReason } from "../bindings";
import { asUserError } from "../backend/backend";
import { describeError } from "../i18n/errors";
import { useBackend } from "./context";
import { Dialog } from "./Dialog";
import { NetworkMark } from "./Marks";

export function Facts({ disclosure, id }: { disclosure: Disclosure; id?: string }) {
  return (
    <ul className="facts" id={id}>
      {disclosure.facts.map((fact) => (
        <li key={fact}>{fact}</li>
      ))}
    </ul>
  );
}

/** Every disclosure prompt has this shape: what it is about, the facts, and one button that
 * records the decision under the version shown (`decide`). Nothing is recorded until then. */
export function DisclosurePrompt<T>({
  load,
  fallbackTitle,
  intro,
  allowLabel,
  decide,
  onClose,
  onDone,
}: {
  load: () => Promise<Disclosure>;
  fallbackTitle: string;
  intro: ReactNode;
  allowLabel: string;
  decide: (version: string) => Promise<T>;
  onClose: () => void;
  onDone: (result: T) => void;
}) {
  const { t } = useTranslation();
  const factsId = useId();
  const [disclosure, setDisclosure] = useState<Disclosure | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void load().then(setDisclosure, (caught) => setError(describeError(asUserError(caught))));
  }, [load]);
  const allow = async () => {
    if (!disclosure) return;
    try {
      onDone(await decide(disclosure.version));
    } catch (caught) {
      setError(describeError(asUserError(caught)));
    }
  };
  return (
    <Dialog title={disclosure?.title ?? fallbackTitle} onClose={onClose} describedBy={factsId}>
      <p>{intro}</p>
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
          {allowLabel}
        </button>
      </div>
    </Dialog>
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
  const { t } = useTranslation();
  const load = useCallback(() => backend.disclosure(network), [backend, network]);
  return (
    <DisclosurePrompt
      load={load}
      fallbackTitle={t("disclosure.title", { network })}
      intro={
        <Trans
          i18nKey={review ? "disclosure.review" : "disclosure.forAccount"}
          values={{ account, network }}
          components={{ strong: <strong /> }}
        />
      }
      allowLabel={t("disclosure.allow", { network })}
      decide={(version) => backend.enableInterop(account, network, version)}
      onClose={onClose}
      onDone={onDone}
    />
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
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const revoke = async () => {
    try {
      onDone(await backend.disableInterop(account, network));
    } catch (caught) {
      setError(describeError(asUserError(caught)));
    }
  };
  return (
    <Dialog title={t("revoke.title", { network })} onClose={onClose}>
      <ul className="facts">
        <li>{t("revoke.noReach", { network, account })}</li>
        <li>{t("revoke.readOnly", { network })}</li>
        <li>{t("revoke.again")}</li>
      </ul>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          {t("revoke.keepOn")}
        </button>
        <button type="button" className="button button--danger" onClick={revoke}>
          {t("revoke.turnOff")}
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
  const { t } = useTranslation();
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
    <Dialog title={t("onboarding.title")} onClose={onClose} wide>
      {step === "intro" && (
        <>
          <p>
            <Trans
              i18nKey="onboarding.intro"
              values={{ account: account.address, examples: others.join(", ") || t("onboarding.peeredNetworks") }}
              components={{ strong: <strong />, network: <NetworkMark network={account.network} /> }}
            />
          </p>
          <ul className="facts">
            <li>{t("onboarding.offUntil")}</li>
            <li>{t("onboarding.encrypted")}</li>
            <li>{t("onboarding.turnOffLater")}</li>
          </ul>
          <div className="dialog__actions">
            <button type="button" className="button" onClick={onClose}>
              {t("action.notNow")}
            </button>
            <button
              type="button"
              className="button button--primary"
              onClick={() => setStep("disclosure")}
              disabled={others.length === 0}
            >
              {t("action.continue")}
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
                {t("onboarding.letReach", { network: disclosure.network })}
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
              {t("action.notNow")}
            </button>
            <button type="button" className="button button--primary" onClick={confirm}>
              {chosen.length > 0 ? t("onboarding.allow", { networks: chosen.join(", ") }) : t("onboarding.keepOff")}
            </button>
          </div>
        </>
      )}
      {step === "layout" && (
        <>
          <fieldset className="stack">
            <legend>{t("onboarding.layoutQuestion")}</legend>
            <label className="check">
              <input
                type="radio"
                name="layout"
                checked={layout === "combined"}
                onChange={() => setLayout("combined")}
              />
              {t("onboarding.combined")}
            </label>
            <label className="check">
              <input
                type="radio"
                name="layout"
                checked={layout === "separate"}
                onChange={() => setLayout("separate")}
              />
              {t("onboarding.separate")}
            </label>
          </fieldset>
          <div className="dialog__actions">
            <button type="button" className="button button--primary" onClick={finish}>
              {t("action.done")}
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
  const { t } = useTranslation();
  const network = peer.slice(peer.lastIndexOf("@") + 1);
  return (
    <Dialog title={t("firstContact.title", { peer })} onClose={onClose}>
      <ul className="facts">
        <li>
          <Trans
            i18nKey="firstContact.otherNetwork"
            values={{ peer }}
            components={{ network: <NetworkMark network={network} /> }}
          />
        </li>
        <li>{t("firstContact.policies", { network })}</li>
        <li>{t("firstContact.metadata", { network, account })}</li>
        <li>{t("firstContact.address", { account })}</li>
      </ul>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          {t("action.cancel")}
        </button>
        <button type="button" className="button button--primary" onClick={onConfirm}>
          {t("firstContact.confirm", { peer })}
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
  const { t } = useTranslation();
  return (
    <Dialog title={t("keyChange.title", { peer })} onClose={onClose} role="alertdialog">
      <ul className="facts">
        <li>{t("keyChange.usually")}</li>
        <li>{t("keyChange.between")}</li>
        <li>{t("keyChange.held")}</li>
      </ul>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onVerify}>
          {t("keyChange.compare")}
        </button>
        <button type="button" className="button button--primary" onClick={onAcknowledge}>
          {t("keyChange.acknowledge")}
        </button>
      </div>
    </Dialog>
  );
}

export function LinkDialog({ url, onClose, onOpen }: { url: string; onClose: () => void; onOpen: () => void }) {
  const { t } = useTranslation();
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    /* shown as given */
  }
  return (
    <Dialog title={t("link.title")} onClose={onClose}>
      <p>{t("link.outside")}</p>
      <p className="link-preview">
        <strong>{host}</strong>
        <br />
        <span className="mono">{url}</span>
      </p>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          {t("action.cancel")}
        </button>
        <button type="button" className="button button--primary" onClick={onOpen}>
          {t("link.open")}
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
  const { t } = useTranslation();
  return (
    <Dialog title={title} onClose={onClose}>
      <ul className="facts">
        {facts.map((fact) => (
          <li key={fact}>{fact}</li>
        ))}
      </ul>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          {t("action.cancel")}
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
export const REPORT_REASON_KEYS: Record<ReportReason, ParseKeys> = {
  spam: "report.reason.spam",
  fraud: "report.reason.fraud",
  harassment: "report.reason.harassment",
  other: "report.reason.other",
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
  const { t } = useTranslation();
  const [reason, setReason] = useState<ReportReason>("spam");
  const [note, setNote] = useState("");
  const [andBlock, setAndBlock] = useState(true);
  const [chosen, setChosen] = useState<MessageId[]>(() => (choices ?? []).map((message) => message.id));
  const toggle = (id: MessageId, on: boolean) =>
    setChosen((current) => (on ? [...current, id] : current.filter((one) => one !== id)));
  return (
    <Dialog title={t("report.title", { peer })} onClose={onClose}>
      <ul className="facts">
        <li>{choices ? t("report.groupContents", { peer }) : t("report.chatContents", { peer })}</li>
        <li>{choices ? t("report.groupNotTold", { peer }) : t("report.notTold", { peer })}</li>
      </ul>
      <label className="field">
        <span className="field__label">{t("report.reasonLabel")}</span>
        <select className="input" value={reason} onChange={(event) => setReason(event.target.value as typeof reason)}>
          {(Object.keys(REPORT_REASON_KEYS) as ReportReason[]).map((value) => (
            <option key={value} value={value}>
              {t(REPORT_REASON_KEYS[value])}
            </option>
          ))}
        </select>
      </label>
      {choices && (
        <fieldset className="report-choices">
          <legend>{t("report.theirMessages")}</legend>
          {choices.length === 0 ? (
            <p className="field__help">{t("report.nothingOfTheirs")}</p>
          ) : (
            choices.map((message) => (
              <label key={message.id} className="check check--small">
                <input
                  type="checkbox"
                  checked={chosen.includes(message.id)}
                  onChange={(event) => toggle(message.id, event.target.checked)}
                />
                <span className="report-choices__text">
                  {message.deleted ? t("report.deleted") : message.body || t("report.attachment")}
                </span>
              </label>
            ))
          )}
        </fieldset>
      )}
      <label className="field">
        <span className="field__label">{t("report.note")}</span>
        <textarea className="input" rows={2} value={note} onChange={(event) => setNote(event.target.value)} />
      </label>
      <label className="check">
        <input type="checkbox" checked={andBlock} onChange={(event) => setAndBlock(event.target.checked)} />
        {t("report.alsoBlock", { peer })}
      </label>
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          {t("action.cancel")}
        </button>
        <button
          type="button"
          className="button button--danger"
          onClick={() => onReport(reason, note, andBlock, chosen)}
        >
          {t("action.report")}
        </button>
      </div>
    </Dialog>
  );
}
