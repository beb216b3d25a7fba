// Group info, from a group chat's header: the name (admins rename it), the members with their
// networks and admin marks (admins add, remove and make admins), where the account stands, and
// leaving; any member can be reported. Every change shows in the chat's timeline for every member.
import { useEffect, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { Conversation, Group } from "../bindings";
import { asUserError } from "../backend/backend";
import { addressText } from "../logic/address";
import { describeError } from "../i18n/errors";
import { isAdmin, membershipText } from "../logic/groups";
import { ConfirmDialog } from "./ConsentDialogs";
import { useBackend } from "./context";
import { Dialog } from "./Dialog";
import { GroupMembers } from "./GroupMembers";
import { GroupReportDialog } from "./GroupReport";
import { MemberPicker } from "./MemberPicker";
import { useGroup } from "./useGroup";

type Props = {
  conversation: Conversation;
  /** Every chat, to pick people to add from. */
  conversations: Conversation[];
  onClose: () => void;
};

type Asking = { kind: "remove"; member: string } | { kind: "report"; member: string } | { kind: "leave" } | null;

export function GroupInfo({ conversation, conversations, onClose }: Props) {
  const backend = useBackend();
  const { t } = useTranslation();
  const loaded = useGroup(conversation);
  const [group, setGroup] = useState<Group | null>(null);
  const [name, setName] = useState("");
  const [adding, setAdding] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState<Asking>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const own = addressText(conversation.account);

  useEffect(() => {
    setGroup(loaded);
    if (loaded) setName(loaded.name);
  }, [loaded]);

  const change = async (action: () => Promise<Group>) => {
    setError(null);
    try {
      const next = await action();
      setGroup(next);
      setName(next.name);
      return true;
    } catch (caught) {
      setError(describeError(asUserError(caught)));
      return false;
    }
  };

  if (!group) {
    return (
      <Dialog title={conversation.title ?? t("group.fallbackTitle")} onClose={onClose} wide>
        <p role="status">{t("groupInfo.loading")}</p>
      </Dialog>
    );
  }
  const id = group.id;
  const member = group.membership.state === "member";
  const admin = member && isAdmin(group, own);

  const rename = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() !== group.name) void change(() => backend.renameGroup(own, id, name.trim()));
  };

  return (
    <Dialog title={group.name} onClose={onClose} wide>
      <div className="stack">
        <p className="muted">
          {membershipText(group.membership)}{" "}
          {group.creator === own
            ? t("groupInfo.createdByYou", { account: own })
            : t("groupInfo.createdBy", { creator: group.creator, account: own })}
        </p>
        {admin && (
          <form className="inline-form" onSubmit={rename}>
            <label className="field">
              <span className="field__label">{t("group.name")}</span>
              <input className="input" value={name} maxLength={100} onChange={(event) => setName(event.target.value)} />
            </label>
            <button type="submit" className="button button--small" disabled={name.trim() === group.name}>
              {t("groupInfo.rename")}
            </button>
          </form>
        )}
        <h3 className="section-title">{t("groupInfo.members", { count: group.members.length })}</h3>
        <GroupMembers
          group={group}
          own={own}
          onMakeAdmin={(address) => void change(() => backend.makeGroupAdmin(own, id, address))}
          onRemove={(address) => setAsking({ kind: "remove", member: address })}
          onReport={(address) => setAsking({ kind: "report", member: address })}
        />
        {admin && (
          <section className="stack" aria-label={t("groupInfo.addPeople")}>
            <MemberPicker
              account={own}
              conversations={conversations}
              selected={adding}
              onChange={setAdding}
              exclude={group.members.map((one) => one.address)}
              legend={t("groupInfo.addPeople")}
            />
            <div>
              <button
                type="button"
                className="button button--small"
                disabled={adding.length === 0}
                onClick={() =>
                  void change(() => backend.addGroupMembers(own, id, adding)).then((ok) => ok && setAdding([]))
                }
              >
                {t("groupInfo.addToGroup")}
              </button>
            </div>
          </section>
        )}
        {!admin && member && <p className="field__help">{t("groupInfo.onlyAdmins")}</p>}
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        {error && (
          <p className="notice notice--error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          {member && (
            <button type="button" className="button button--danger" onClick={() => setAsking({ kind: "leave" })}>
              {t("groupInfo.leave")}
            </button>
          )}
          <button type="button" className="button" onClick={onClose}>
            {t("action.close")}
          </button>
        </div>
      </div>
      {asking?.kind === "remove" && (
        <ConfirmDialog
          title={t("groupInfo.removeTitle", { member: asking.member })}
          facts={[t("groupInfo.removeSeen"), t("groupInfo.removeKeeps")]}
          confirmLabel={t("action.remove")}
          danger
          onClose={() => setAsking(null)}
          onConfirm={() => {
            const target = asking.member;
            setAsking(null);
            void change(() => backend.removeGroupMember(own, id, target));
          }}
        />
      )}
      {asking?.kind === "report" && (
        <GroupReportDialog
          conversation={conversation}
          groupId={id}
          member={asking.member}
          onClose={() => setAsking(null)}
          run={async (action) => {
            setError(null);
            setNotice(null);
            try {
              await action();
              return true;
            } catch (caught) {
              setError(describeError(asUserError(caught)));
              return false;
            }
          }}
          onReported={setNotice}
        />
      )}
      {asking?.kind === "leave" && (
        <ConfirmDialog
          title={t("groupInfo.leaveTitle", { name: group.name })}
          facts={[t("groupInfo.leaveTold"), t("groupInfo.leaveStays"), t("groupInfo.leaveReadd")]}
          confirmLabel={t("groupInfo.leave")}
          danger
          onClose={() => setAsking(null)}
          onConfirm={() => {
            setAsking(null);
            void change(() => backend.leaveGroup(own, id));
          }}
        />
      )}
    </Dialog>
  );
}
