// The questions a group invitation asks before it is answered: decline it, or decline it and
// block the person who invited; and reporting the inviter. Each says what will happen, and what the group learns (nothing).
import { useTranslation } from "react-i18next";
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
  const { t } = useTranslation();
  const account = addressText(conversation.account);
  const name = conversation.title;
  const inviter = group?.membership.state === "invited" ? group.membership.by : null;
  const decline = () => backend.declineGroupInvitation(account, groupId);
  return (
    <>
      {dialog?.kind === "decline-invitation" && (
        <ConfirmDialog
          title={name ? t("invitation.declineTitle", { name }) : t("invitation.declineTitleUnnamed")}
          facts={[t("invitation.chatRemoved"), t("invitation.nobodyTold"), t("invitation.inviteAgain")]}
          confirmLabel={t("action.decline")}
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
          title={t("block.title", { peer: inviter })}
          facts={[
            t("block.noReach", { peer: inviter }),
            t("block.notTold"),
            name ? t("invitation.declined", { name }) : t("invitation.declinedUnnamed"),
          ]}
          confirmLabel={t("invitation.declineAndBlock")}
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
