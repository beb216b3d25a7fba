// The dialogs an open chat asks its questions in: open a link, delete a message, block, delete a
// request, report, review a key change. Each says what will happen before it happens.
import { useTranslation } from "react-i18next";
import type { Conversation, Message, Outgoing } from "../bindings";
import { addressText } from "../logic/address";
import { peerShown } from "../logic/matrix";
import { ConfirmDialog, KeyChangeDialog, LinkDialog, ReportDialog } from "./ConsentDialogs";
import { useBackend } from "./context";

export type Pending =
  | { kind: "link"; url: string }
  | { kind: "delete"; message: Message }
  | { kind: "report" }
  | { kind: "block" }
  | { kind: "delete-request" }
  | { kind: "key-change" }
  // A group invitation's answers, and reports from a group (GroupDialogs.tsx).
  | { kind: "decline-invitation" }
  | { kind: "block-inviter" }
  | { kind: "report-member"; member: string };

type Props = {
  dialog: Pending | null;
  onClose: () => void;
  conversation: Conversation;
  /** The loaded messages: a report includes the other side's. */
  messages: Message[];
  /** Runs an action, showing its error in the chat; resolves to whether it succeeded. */
  run: (action: () => Promise<unknown>) => Promise<boolean>;
  onNotice: (notice: string) => void;
  onContactChanged: () => void;
  onContactDetails: () => void;
  /** The chat is gone (a request blocked or deleted). */
  onClosed: () => void;
  /** Sends a change to the chat (to its person, or to the group). */
  deliver: (outgoing: Outgoing) => Promise<unknown>;
};

export function ChatDialogs({
  dialog,
  onClose,
  conversation,
  messages,
  run,
  onNotice,
  onContactChanged,
  onContactDetails,
  onClosed,
  deliver,
}: Props) {
  const backend = useBackend();
  const { t } = useTranslation();
  const account = addressText(conversation.account);
  const peer = addressText(conversation.peer);
  // Who they are to the person reading: their Matrix id in a Matrix chat.
  const who = peerShown(conversation);
  return (
    <>
      {dialog?.kind === "link" && (
        <LinkDialog
          url={dialog.url}
          onClose={() => onClose()}
          onOpen={() => {
            void backend.openLink(dialog.url);
            onClose();
          }}
        />
      )}
      {dialog?.kind === "delete" && (
        <ConfirmDialog
          title={t("deleteMessage.title")}
          facts={[conversation.group !== null ? t("deleteMessage.inGroup") : t("deleteMessage.inChat", { peer: who })]}
          confirmLabel={t("deleteMessage.confirm")}
          danger
          onClose={() => onClose()}
          onConfirm={() => {
            void run(() => deliver({ kind: "delete", target: dialog.message.id }));
            onClose();
          }}
        />
      )}
      {dialog?.kind === "block" && (
        <ConfirmDialog
          title={t("block.title", { peer: who })}
          facts={[
            t("block.noReach", { peer: who }),
            t("block.notTold"),
            conversation.request ? t("block.requestRemoved") : t("block.chatStays"),
          ]}
          confirmLabel={t("action.block")}
          danger
          onClose={() => onClose()}
          onConfirm={() => {
            onClose();
            void run(() => backend.block(account, peer)).then((ok) => {
              onContactChanged();
              if (ok && conversation.request) onClosed();
            });
          }}
        />
      )}
      {dialog?.kind === "delete-request" && (
        <ConfirmDialog
          title={t("deleteRequest.title")}
          facts={[t("deleteRequest.removed", { peer: who }), t("deleteRequest.notTold")]}
          confirmLabel={t("deleteRequest.confirm")}
          danger
          onClose={() => onClose()}
          onConfirm={() => {
            onClose();
            void run(() => backend.deleteRequest(conversation.id)).then((ok) => ok && onClosed());
          }}
        />
      )}
      {dialog?.kind === "report" && (
        <ReportDialog
          peer={who}
          onClose={() => onClose()}
          onReport={(reason, note, andBlock) => {
            onClose();
            const theirs = messages.filter((message) => message.direction === "incoming").map((message) => message.id);
            void run(() => backend.report(conversation.id, theirs, reason, note, andBlock)).then((ok) => {
              onContactChanged();
              if (ok) onNotice(andBlock ? t("report.doneAndBlocked", { peer: who }) : t("report.done", { peer: who }));
              if (ok && andBlock && conversation.request) onClosed();
            });
          }}
        />
      )}
      {dialog?.kind === "key-change" && (
        <KeyChangeDialog
          peer={peer}
          onClose={() => onClose()}
          onVerify={() => {
            onClose();
            onContactDetails();
          }}
          onAcknowledge={() => {
            onClose();
            void run(() => backend.acknowledgeKeyChange(account, peer)).then(onContactChanged);
          }}
        />
      )}
    </>
  );
}
