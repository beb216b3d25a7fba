// A group's members: each with their network and whether they are an admin; an admin may make
// others admins or remove them, and anyone may report another member.
import { useTranslation } from "react-i18next";
import type { Group } from "../bindings";
import { parseAddress } from "../logic/address";
import { isAdmin } from "../logic/groups";
import { Avatar, NetworkMark } from "./Marks";

type Props = {
  group: Group;
  own: string;
  onMakeAdmin: (member: string) => void;
  onRemove: (member: string) => void;
  /** Report a member (any member but the account itself, whatever its role). */
  onReport: (member: string) => void;
};

export function GroupMembers({ group, own, onMakeAdmin, onRemove, onReport }: Props) {
  const { t } = useTranslation();
  const admin = group.membership.state === "member" && isAdmin(group, own);
  return (
    <ul className="group-members" aria-label={t("members.label")}>
      {group.members.map((member) => {
        const parsed = parseAddress(member.address);
        const me = member.address === own;
        return (
          <li key={member.address} className="group-member">
            <Avatar name={parsed?.name ?? member.address} />
            <span className="group-member__who">
              <span className="group-member__name">
                {parsed?.name ?? member.address}
                {me && <span className="muted"> {t("members.you")}</span>}
              </span>
              <span className="group-member__address mono">{member.address}</span>
            </span>
            {parsed && <NetworkMark network={parsed.network} />}
            {member.admin && <span className="admin-mark">{t("members.admin")}</span>}
            {!me && (
              <span className="group-member__actions">
                {admin && !member.admin && (
                  <button
                    type="button"
                    className="button button--tiny"
                    aria-label={t("members.makeAdminLabel", { member: member.address })}
                    onClick={() => onMakeAdmin(member.address)}
                  >
                    {t("members.makeAdmin")}
                  </button>
                )}
                {admin && (
                  <button
                    type="button"
                    className="button button--tiny"
                    aria-label={t("members.removeLabel", { member: member.address })}
                    onClick={() => onRemove(member.address)}
                  >
                    {t("action.remove")}
                  </button>
                )}
                <button
                  type="button"
                  className="button button--tiny"
                  aria-label={t("report.title", { peer: member.address })}
                  onClick={() => onReport(member.address)}
                >
                  {t("action.report")}
                </button>
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
