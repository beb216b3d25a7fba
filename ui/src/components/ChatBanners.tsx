// The notes over an open chat: another network's policies, read-only, a held key change, a
// block; each with what the person can do about it.
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
  return (
    <>
      {other && (
        <p className="banner banner--info" role="note">
          {conversation.peer.name} uses {conversation.peer.network}, another network. Its policies apply to their side
          of this chat. Messages are end-to-end encrypted.
        </p>
      )}
      {conversation.read_only && (
        <p className="banner banner--warning" role="note">
          Read-only: you turned off chats with {conversation.peer.network} for {account}. Turn them on in Settings to
          write again.
        </p>
      )}
      {contact?.key_change_held && (
        <div className="banner banner--danger" role="alert">
          <span>{peer}'s safety number changed. Messages to them wait until you acknowledge it.</span>
          <button type="button" className="button button--small" onClick={onReviewKeyChange}>
            Review
          </button>
        </div>
      )}
      {contact?.blocked && !conversation.request && (
        <div className="banner banner--warning" role="note">
          <span>You blocked {peer}. Nothing they send reaches you.</span>
          <button type="button" className="button button--small" onClick={onUnblock}>
            Unblock
          </button>
        </div>
      )}
    </>
  );
}
