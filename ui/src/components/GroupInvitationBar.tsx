// The bar over a group invitation (an add the account's "who can add me" setting did not allow):
// who invited which account to what, what holds until then, and the answers.
import { Trans, useTranslation } from "react-i18next";
import type { Conversation, Group } from "../bindings";
import { addressText, parseAddress } from "../logic/address";
import { memberNetworks } from "../logic/groups";
import { NetworkMark } from "./Marks";

type Props = {
  conversation: Conversation;
  group: Group | null;
  onAccept: () => void;
  onDecline: () => void;
  onBlock: () => void;
  /** Report the person who invited the account. */
  onReport: (inviter: string) => void;
};

/** " (2 other members, on [marks])": who else is in the group, and on which networks. */
function InvitationDetails({ group, others }: { group: Group | null; others: number }) {
  if (!group) return null;
  return (
    <>
      {" "}
      <Trans
        i18nKey="invitation.details"
        count={others}
        components={{
          networks: (
            <>
              {memberNetworks(group.members).map((network) => (
                <NetworkMark key={network} network={network} />
              ))}
            </>
          ),
        }}
      />
    </>
  );
}

export function GroupInvitationBar({ conversation, group, onAccept, onDecline, onBlock, onReport }: Props) {
  const { t } = useTranslation();
  const account = addressText(conversation.account);
  const inviter = group?.membership.state === "invited" ? group.membership.by : null;
  const inviterNetwork = inviter ? parseAddress(inviter)?.network : undefined;
  const others = group ? group.members.filter((member) => member.address !== account) : [];
  return (
    <div className="request-bar" role="region" aria-label={t("invitation.label")}>
      <p>
        <Trans
          i18nKey={inviter ? "invitation.invitedBy" : "invitation.invited"}
          values={{ inviter, account, group: conversation.title ?? t("invitation.unnamedGroup") }}
          components={{
            strong: <strong />,
            inviterNetwork: inviterNetwork ? <NetworkMark network={inviterNetwork} /> : <></>,
            details: <InvitationDetails group={group} others={others.length} />,
          }}
        />
      </p>
      <div className="request-bar__actions">
        <button type="button" className="button button--primary" onClick={onAccept}>
          {t("invitation.join")}
        </button>
        <button type="button" className="button" onClick={onDecline}>
          {t("action.decline")}
        </button>
        {inviter && (
          <button type="button" className="button" onClick={onBlock}>
            {t("block.named", { peer: inviter })}
          </button>
        )}
        {inviter && (
          <button type="button" className="button" onClick={() => onReport(inviter)}>
            {t("report.title", { peer: inviter })}
          </button>
        )}
      </div>
    </div>
  );
}
