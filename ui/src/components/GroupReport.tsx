// Reporting a member of a group (or the person who invited the account to it) from the group: the
// report dialog with their messages in the group's chat to choose from, then `reportGroupMember`.
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Conversation, GroupId, Message } from "../bindings";
import { addressText } from "../logic/address";
import { useBackend } from "./context";
import { ReportDialog } from "./ConsentDialogs";

/** How far back the choice reaches: the newest messages of the chat, theirs among them. */
const LOOKBACK = 500;

type Props = {
  conversation: Conversation;
  groupId: GroupId;
  member: string;
  onClose: () => void;
  /** Runs the report, showing its error where the dialog was opened; resolves to whether it succeeded. */
  run: (action: () => Promise<unknown>) => Promise<boolean>;
  /** The report went (and the block, if chosen): what to tell the person. */
  onReported: (notice: string, blocked: boolean) => void;
};

/** Their own messages in the group's chat, newest first (notices are no one's messages). */
export function memberMessages(messages: Message[], member: string): Message[] {
  return messages.filter(
    (message) => message.direction === "incoming" && message.author === member && message.notice === null,
  );
}

export function GroupReportDialog({ conversation, groupId, member, onClose, run, onReported }: Props) {
  const backend = useBackend();
  const { t } = useTranslation();
  const [choices, setChoices] = useState<Message[] | null>(null);
  useEffect(() => {
    let live = true;
    backend.messages(conversation.id, null, LOOKBACK).then(
      (page) => live && setChoices(memberMessages(page.items, member)),
      () => live && setChoices([]),
    );
    return () => {
      live = false;
    };
  }, [backend, conversation.id, member]);
  if (choices === null) return null;
  const account = addressText(conversation.account);
  return (
    <ReportDialog
      peer={member}
      choices={choices}
      onClose={onClose}
      onReport={(reason, note, andBlock, chosen) => {
        onClose();
        void run(() => backend.reportGroupMember(account, groupId, member, chosen, reason, note, andBlock)).then(
          (ok) =>
            ok &&
            onReported(
              andBlock ? t("report.doneAndBlocked", { peer: member }) : t("report.done", { peer: member }),
              andBlock,
            ),
        );
      }}
    />
  );
}
