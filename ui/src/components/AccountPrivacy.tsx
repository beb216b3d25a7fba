// Per account, in Settings: who may find it (the relay answers everyone else as if it did not
// exist), who may add it to groups (anyone else's add arrives as an invitation), the senders whose first contacts could not be opened, to block, and the reports its
// relay could not take yet.
import { useEffect, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import type { Discoverability, GroupAdds, UnopenedSender, UnsentReport } from "../bindings";
import { asUserError } from "../backend/backend";
import { describeError } from "../i18n/errors";
import { REPORT_REASON_KEYS } from "./ConsentDialogs";
import { useBackend } from "./context";

export function AccountPrivacy({ account }: { account: string }) {
  const backend = useBackend();
  const { t } = useTranslation();
  const [discoverableBy, setDiscoverableBy] = useState<Discoverability | null>(null);
  const [groupAdds, setGroupAdds] = useState<GroupAdds | null>(null);
  const [unopened, setUnopened] = useState<UnopenedSender[]>([]);
  const [unsent, setUnsent] = useState<UnsentReport[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    backend.discoverability(account).then(
      (value) => live && setDiscoverableBy(value),
      (caught) => live && setError(describeError(asUserError(caught))),
    );
    backend.groupAdds(account).then(
      (value) => live && setGroupAdds(value),
      (caught) => live && setError(describeError(asUserError(caught))),
    );
    backend.unopenedFirstContacts(account).then(
      (senders) => live && setUnopened(senders),
      () => live && setUnopened([]),
    );
    backend.unsentReports(account).then(
      (reports) => live && setUnsent(reports),
      () => live && setUnsent([]),
    );
    return () => {
      live = false;
    };
  }, [backend, account]);

  const choose = async (value: Discoverability) => {
    setError(null);
    try {
      await backend.setDiscoverability(account, value);
      setDiscoverableBy(value);
    } catch (caught) {
      setError(describeError(asUserError(caught)));
    }
  };

  const chooseGroupAdds = async (value: GroupAdds) => {
    setError(null);
    try {
      await backend.setGroupAdds(account, value);
      setGroupAdds(value);
    } catch (caught) {
      setError(describeError(asUserError(caught)));
    }
  };

  const block = async (sender: string) => {
    setError(null);
    try {
      await backend.block(account, sender);
      setUnopened((senders) => senders.filter((known) => known.address !== sender));
    } catch (caught) {
      setError(describeError(asUserError(caught)));
    }
  };

  return (
    <div className="stack">
      <label className="field">
        <span className="field__label">{t("privacy.whoCanFind", { account })}</span>
        <select
          className="input"
          value={discoverableBy ?? "everyone"}
          disabled={discoverableBy === null}
          onChange={(event) => void choose(event.target.value as Discoverability)}
        >
          <option value="everyone">{t("privacy.findEveryone")}</option>
          <option value="contacts">{t("privacy.onlyContacts")}</option>
        </select>
        <span className="field__help">{t("privacy.findHelp")}</span>
      </label>
      <label className="field">
        <span className="field__label">{t("privacy.whoCanAdd", { account })}</span>
        <select
          className="input"
          value={groupAdds ?? "networks"}
          disabled={groupAdds === null}
          onChange={(event) => void chooseGroupAdds(event.target.value as GroupAdds)}
        >
          <option value="networks">{t("privacy.addNetworks")}</option>
          <option value="contacts">{t("privacy.onlyContacts")}</option>
          <option value="nobody">{t("privacy.addNobody")}</option>
        </select>
        <span className="field__help">{t("privacy.addHelp")}</span>
      </label>
      {unopened.length > 0 && (
        <ul className="unopened-list" aria-label={t("privacy.unopenedLabel", { account })}>
          {unopened.map((sender) => (
            <li key={sender.address} className="interop-row">
              <span>
                <Trans
                  i18nKey="privacy.unopened"
                  count={sender.count}
                  values={{ address: sender.address }}
                  components={{ mono: <span className="mono" /> }}
                />
              </span>
              <button
                type="button"
                className="button button--small"
                aria-label={t("block.named", { peer: sender.address })}
                onClick={() => void block(sender.address)}
              >
                {t("action.block")}
              </button>
            </li>
          ))}
        </ul>
      )}
      {unsent.length > 0 && (
        <ul className="unopened-list" aria-label={t("privacy.unsentLabel", { account })}>
          {unsent.map((report) => (
            <li key={`${report.address} ${report.queued_at_ms}`} className="interop-row">
              <span>
                <Trans
                  i18nKey="privacy.unsent"
                  values={{ address: report.address, reason: t(REPORT_REASON_KEYS[report.reason]) }}
                  components={{ mono: <span className="mono" /> }}
                />
              </span>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
