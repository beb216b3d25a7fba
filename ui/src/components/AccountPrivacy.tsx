// Per account, in Settings: who may find it (the relay answers everyone else as if it did not
// exist), who may add it to groups (anyone else's add arrives as an invitation), the senders whose first contacts could not be opened, to block, and the reports its
// relay could not take yet.
import { useEffect, useState } from "react";
import type { Discoverability, GroupAdds, UnopenedSender, UnsentReport } from "../bindings";
import { asUserError } from "../backend/backend";
import { describeError } from "../logic/errors";
import { useBackend } from "./context";

export function AccountPrivacy({ account }: { account: string }) {
  const backend = useBackend();
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
        <span className="field__label">Who can find {account}</span>
        <select
          className="input"
          value={discoverableBy ?? "everyone"}
          disabled={discoverableBy === null}
          onChange={(event) => void choose(event.target.value as Discoverability)}
        >
          <option value="everyone">Everyone on networks this account allows</option>
          <option value="contacts">Only people I wrote to or accepted</option>
        </select>
        <span className="field__help">Anyone else finds no such account, on this network and every other.</span>
      </label>
      <label className="field">
        <span className="field__label">Who can add {account} to groups</span>
        <select
          className="input"
          value={groupAdds ?? "networks"}
          disabled={groupAdds === null}
          onChange={(event) => void chooseGroupAdds(event.target.value as GroupAdds)}
        >
          <option value="networks">People on networks this account allows</option>
          <option value="contacts">Only people I wrote to or accepted</option>
          <option value="nobody">Nobody</option>
        </select>
        <span className="field__help">
          When someone else adds you, you get an invitation in Requests instead: nothing of the group reaches you until
          you accept, and declining tells the group nothing.
        </span>
      </label>
      {unopened.length > 0 && (
        <ul className="unopened-list" aria-label={`Messages that could not be opened for ${account}`}>
          {unopened.map((sender) => (
            <li key={sender.address} className="interop-row">
              <span>
                {sender.count === 1 ? "1 message" : `${sender.count} messages`} from{" "}
                <span className="mono">{sender.address}</span> could not be opened.
              </span>
              <button
                type="button"
                className="button button--small"
                aria-label={`Block ${sender.address}`}
                onClick={() => void block(sender.address)}
              >
                Block
              </button>
            </li>
          ))}
        </ul>
      )}
      {unsent.length > 0 && (
        <ul className="unopened-list" aria-label={`Reports not sent yet from ${account}`}>
          {unsent.map((report) => (
            <li key={`${report.address} ${report.queued_at_ms}`} className="interop-row">
              <span>
                Your report of <span className="mono">{report.address}</span> ({report.reason}) is not sent yet: it goes
                out when the relay answers again.
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
