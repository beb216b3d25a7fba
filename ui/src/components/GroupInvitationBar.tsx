// The bar over a group invitation (an add the account's "who can add me" setting did not allow):
// who invited which account to what, what holds until then, and the answers.
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

export function GroupInvitationBar({ conversation, group, onAccept, onDecline, onBlock, onReport }: Props) {
  const account = addressText(conversation.account);
  const inviter = group?.membership.state === "invited" ? group.membership.by : null;
  const inviterNetwork = inviter ? parseAddress(inviter)?.network : undefined;
  const others = group ? group.members.filter((member) => member.address !== account) : [];
  return (
    <div className="request-bar" role="region" aria-label="Group invitation">
      <p>
        {inviter ? (
          <>
            <strong>{inviter}</strong> {inviterNetwork && <NetworkMark network={inviterNetwork} />} invited {account}{" "}
            to{" "}
          </>
        ) : (
          <>{account} is invited to </>
        )}
        <strong>{conversation.title ?? "a group"}</strong>
        {group && (
          <>
            {" "}
            ({others.length === 1 ? "1 other member" : `${others.length} other members`}, on{" "}
            {memberNetworks(group.members).map((network) => (
              <NetworkMark key={network} network={network} />
            ))}
            )
          </>
        )}
        . Your settings let only some people add you to groups, so this is an invitation. Until you accept, nothing of
        the group reaches you and nobody in it learns that you saw it.
      </p>
      <div className="request-bar__actions">
        <button type="button" className="button button--primary" onClick={onAccept}>
          Join group
        </button>
        <button type="button" className="button" onClick={onDecline}>
          Decline
        </button>
        {inviter && (
          <button type="button" className="button" onClick={onBlock}>
            Block {inviter}
          </button>
        )}
        {inviter && (
          <button type="button" className="button" onClick={() => onReport(inviter)}>
            Report {inviter}
          </button>
        )}
      </div>
    </div>
  );
}
