// The notes over a group chat: members on other networks, and read-only when the account left,
// was removed, or turned off the group's home network.
import { useTranslation } from "react-i18next";
import type { Conversation, Group } from "../bindings";
import { addressText } from "../logic/address";
import { groupBlockedReason, memberNetworks } from "../logic/groups";

export function GroupBanners({ conversation, group }: { conversation: Conversation; group: Group | null }) {
  const own = conversation.account.network;
  const others = group ? memberNetworks(group.members).filter((network) => network !== own) : [];
  const readOnly = conversation.read_only && !conversation.request;
  const { t } = useTranslation();
  return (
    <>
      {others.length > 0 && !readOnly && !conversation.request && (
        <p className="banner banner--info" role="note">
          {t("groupBanner.otherNetworks", { count: others.length, networks: others.join(", ") })}
        </p>
      )}
      {readOnly && (
        <p className="banner banner--warning" role="note">
          {t("groupBanner.readOnly", {
            reason: groupBlockedReason(conversation, group) ?? t("groupBanner.cannotWrite"),
          })}{" "}
          {group?.membership.state === "left" || group?.membership.state === "removed"
            ? t("groupBanner.noLongerReaches", { account: addressText(conversation.account) })
            : ""}
        </p>
      )}
    </>
  );
}
