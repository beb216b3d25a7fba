// The notes over an open chat: another network's policies (or Matrix's, and a room that is not
// encrypted), read-only, a held key change, a block; each with what the person can do about it.
import { useTranslation } from "react-i18next";
import type { Contact, Conversation } from "../bindings";
import { isOtherNetwork } from "../logic/address";
import { accountShown, peerShown } from "../logic/matrix";

type Props = {
  conversation: Conversation;
  contact: Contact | null;
  onReviewKeyChange: () => void;
  onUnblock: () => void;
};

export function ChatBanners({ conversation, contact, onReviewKeyChange, onUnblock }: Props) {
  const account = accountShown(conversation);
  const peer = peerShown(conversation);
  const matrix = conversation.matrix;
  const other = isOtherNetwork(conversation);
  const { t } = useTranslation();
  return (
    <>
      {matrix !== null ? (
        <p className="banner banner--info" role="note">
          {t("chatBanner.matrix", { name: conversation.peer.name, peer })}
        </p>
      ) : (
        other && (
          <p className="banner banner--info" role="note">
            {t("chatBanner.otherNetwork", { name: conversation.peer.name, network: conversation.peer.network })}
          </p>
        )
      )}
      {matrix !== null && !matrix.encrypted && (
        <p className="banner banner--warning" role="note">
          {t("matrix.unencryptedTitle")}
        </p>
      )}
      {conversation.read_only && (
        <p className="banner banner--warning" role="note">
          {matrix !== null
            ? t("chatBanner.matrixReadOnly", { account })
            : t("chatBanner.readOnly", { network: conversation.peer.network, account })}
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
