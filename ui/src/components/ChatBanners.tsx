// The notes over an open chat: another network's policies, read-only, a held key change, a
// block; each with what the person can do about it.
import { useTranslation } from "react-i18next";
import type { Contact, Conversation } from "../bindings";
import { addressText, isOtherNetwork } from "../logic/address";

type Props = {
  conversation: Conversation;
  contact: Contact | null;
  onReviewKeyChange: () => void;
  onUnblock: () => void;
};

export function ChatBanners({ conversation, contact, onReviewKeyChange, onUnblock }: Props) {
  const account = addressText(conversation.account);
  const peer = addressText(conversation.peer);
  const other = isOtherNetwork(conversation);
  const { t } = useTranslation();
  return (
    <>
      {other && (
        <p className="banner banner--info" role="note">
          {t("chatBanner.otherNetwork", { name: conversation.peer.name, network: conversation.peer.network })}
        </p>
      )}
      {conversation.read_only && (
        <p className="banner banner--warning" role="note">
          {t("chatBanner.readOnly", { network: conversation.peer.network, account })}
        </p>
      )}
      {contact?.key_change_held && (
        <div className="banner banner--danger" role="alert">
          <span>{t("chatBanner.keyChanged", { peer })}</span>
          <button type="button" className="button button--small" onClick={onReviewKeyChange}>
            {t("action.review")}
          </button>
        </div>
      )}
      {contact?.blocked && !conversation.request && (
        <div className="banner banner--warning" role="note">
          <span>{t("chatBanner.blocked", { peer })}</span>
          <button type="button" className="button button--small" onClick={onUnblock}>
            {t("action.unblock")}
          </button>
        </div>
      )}
    </>
  );
}
