// The bar over a message request: who wants to write, what they cannot do yet, and the four
// answers (accept, block, report, delete).
import type { Conversation } from "../bindings";
import { addressText } from "../logic/address";
import { NetworkMark } from "./Marks";

type Props = {
  conversation: Conversation;
  onAccept: () => void;
  onBlock: () => void;
  onReport: () => void;
  onDelete: () => void;
};

export function RequestBar({ conversation, onAccept, onBlock, onReport, onDelete }: Props) {
  const account = addressText(conversation.account);
  const peer = addressText(conversation.peer);
  return (
    <div className="request-bar" role="region" aria-label="Message request">
      <p>
        <strong>{peer}</strong> on <NetworkMark network={conversation.peer.network} /> wants to message {account}. They
        don't know you saw this. Until you accept, they get no read receipts or typing, files are not downloaded and
        links can't be opened.
      </p>
      <div className="request-bar__actions">
        <button type="button" className="button button--primary" onClick={onAccept}>
          Accept
        </button>
        <button type="button" className="button" onClick={onBlock}>
          Block
        </button>
        <button type="button" className="button" onClick={onReport}>
          Report
        </button>
        <button type="button" className="button" onClick={onDelete}>
          Delete
        </button>
      </div>
    </div>
  );
}
