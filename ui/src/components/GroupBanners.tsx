// The notes over a group chat: members on other networks, and read-only when the account left,
// was removed, or turned off the group's home network.
import type { Conversation, Group } from "../bindings";
import { addressText } from "../logic/address";
import { groupBlockedReason, memberNetworks } from "../logic/groups";

export function GroupBanners({ conversation, group }: { conversation: Conversation; group: Group | null }) {
  const own = conversation.account.network;
  const others = group ? memberNetworks(group.members).filter((network) => network !== own) : [];
  const readOnly = conversation.read_only && !conversation.request;
  return (
    <>
      {others.length > 0 && !readOnly && !conversation.request && (
        <p className="banner banner--info" role="note">
          Some members use {others.join(", ")}, {others.length === 1 ? "another network" : "other networks"}. Its
          policies apply to their side of this group. Messages are end-to-end encrypted, for every member.
        </p>
      )}
      {readOnly && (
        <p className="banner banner--warning" role="note">
          Read-only: {groupBlockedReason(conversation, group) ?? "this group cannot be written to."}{" "}
          {group?.membership.state === "left" || group?.membership.state === "removed"
            ? `Messages sent to the group no longer reach ${addressText(conversation.account)}.`
            : ""}
        </p>
      )}
    </>
  );
}
