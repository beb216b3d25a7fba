// The questions a group invitation asks before it is answered: decline it, or decline it and
// block the person who invited; and reporting the inviter. Each says what will happen, and what the group learns (nothing).
import type { Conversation, Group, GroupId } from "../bindings";
import { addressText } from "../logic/address";
import type { Pending } from "./ChatDialogs";
import { ConfirmDialog } from "./ConsentDialogs";
import { useBackend } from "./context";
import { GroupReportDialog } from "./GroupReport";

type Props = {
  dialog: Pending | null;
  onClose: () => void;
  conversation: Conversation;
  groupId: GroupId;
  group: Group | null;
  run: (action: () => Promise<unknown>) => Promise<boolean>;
  onNotice: (notice: string) => void;
  onContactChanged: () => void;
  /** The chat is gone (the invitation was declined). */
  onClosed: () => void;
};

export function GroupDialogs({
  dialog,
  onClose,
  conversation,
  groupId,
  group,
  run,
  onNotice,
  onContactChanged,
  onClosed,
}: Props) {
  const backend = useBackend();
  const account = addressText(conversation.account);
  const name = conversation.title ?? "this group";
  const inviter = group?.membership.state === "invited" ? group.membership.by : null;
  const decline = () => backend.declineGroupInvitation(account, groupId);
  return (
    <>
      {dialog?.kind === "decline-invitation" && (
        <ConfirmDialog
          title={`Decline the invitation to ${name}?`}
          facts={[
            "The group's chat is removed from this computer.",
            "Nobody in the group is told: to them, you simply never joined.",
            "They can invite you again later.",
          ]}
          confirmLabel="Decline"
          danger
          onClose={onClose}
          onConfirm={() => {
            onClose();
            void run(decline).then((ok) => ok && onClosed());
          }}
        />
      )}
      {dialog?.kind === "block-inviter" && inviter && (
        <ConfirmDialog
          title={`Block ${inviter}?`}
          facts={[
            `${inviter} can no longer reach you, from any network.`,
            "They are not told.",
            `The invitation to ${name} is declined; nobody in the group is told.`,
          ]}
          confirmLabel="Decline and block"
          danger
          onClose={onClose}
          onConfirm={() => {
            onClose();
            void run(async () => {
              await decline();
              await backend.block(account, inviter);
            }).then((ok) => {
              onContactChanged();
              if (ok) onClosed();
            });
          }}
        />
      )}
      {dialog?.kind === "report-member" && (
        <GroupReportDialog
          conversation={conversation}
          groupId={groupId}
          member={dialog.member}
          onClose={onClose}
          run={run}
          onReported={(notice) => {
            onContactChanged();
            onNotice(notice);
          }}
        />
      )}
    </>
  );
}
