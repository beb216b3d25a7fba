// The bar over a message request: who wants to write, what they cannot do yet, and the four
// answers (accept, block, report, delete).
import { Trans, useTranslation } from "react-i18next";
import type { Conversation } from "../bindings";
import { accountShown, peerShown } from "../logic/matrix";
import { PeerMarks } from "./Marks";

type Props = {
  conversation: Conversation;
  onAccept: () => void;
  onBlock: () => void;
  onReport: () => void;
  onDelete: () => void;
};

export function RequestBar({ conversation, onAccept, onBlock, onReport, onDelete }: Props) {
  const account = accountShown(conversation);
  const peer = peerShown(conversation);
  const { t } = useTranslation();
  return (
    <div className="request-bar" role="region" aria-label={t("request.label")}>
      <p>
        <Trans
          i18nKey="request.text"
          values={{ peer, account }}
          components={{ strong: <strong />, network: <PeerMarks conversation={conversation} /> }}
        />
      </p>
      <div className="request-bar__actions">
        <button type="button" className="button button--primary" onClick={onAccept}>
          {t("action.accept")}
        </button>
        <button type="button" className="button" onClick={onBlock}>
          {t("action.block")}
        </button>
        <button type="button" className="button" onClick={onReport}>
          {t("action.report")}
        </button>
        <button type="button" className="button" onClick={onDelete}>
          {t("action.delete")}
        </button>
      </div>
    </div>
  );
}
