// A group's members: each with their network and whether they are an admin; an admin may make
// others admins or remove them, and anyone may report another member.
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
  const admin = group.membership.state === "member" && isAdmin(group, own);
  return (
    <ul className="group-members" aria-label="Members">
      {group.members.map((member) => {
        const parsed = parseAddress(member.address);
        const me = member.address === own;
        return (
          <li key={member.address} className="group-member">
            <Avatar name={parsed?.name ?? member.address} />
            <span className="group-member__who">
              <span className="group-member__name">
                {parsed?.name ?? member.address}
                {me && <span className="muted"> (you)</span>}
              </span>
              <span className="group-member__address mono">{member.address}</span>
            </span>
            {parsed && <NetworkMark network={parsed.network} />}
            {member.admin && <span className="admin-mark">Admin</span>}
            {!me && (
              <span className="group-member__actions">
                {admin && !member.admin && (
                  <button
                    type="button"
                    className="button button--tiny"
                    aria-label={`Make ${member.address} an admin`}
                    onClick={() => onMakeAdmin(member.address)}
                  >
                    Make admin
                  </button>
                )}
                {admin && (
                  <button
                    type="button"
                    className="button button--tiny"
                    aria-label={`Remove ${member.address}`}
                    onClick={() => onRemove(member.address)}
                  >
                    Remove
                  </button>
                )}
                <button
                  type="button"
                  className="button button--tiny"
                  aria-label={`Report ${member.address}`}
                  onClick={() => onReport(member.address)}
                >
                  Report
                </button>
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
