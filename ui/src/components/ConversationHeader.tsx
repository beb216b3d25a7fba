// An open chat's header: who it is with (and on which network, through which account), and
// the chat's own tools.
import type { Contact, Conversation } from "../bindings";
import { addressText } from "../logic/address";
import { Avatar, NetworkMark } from "./Marks";

type Flag = "pinned" | "muted" | "archived";

/** The chat's flags, in the order their buttons show, with what each button says. */
const FLAGS: { flag: Flag; set: string; unset: string }[] = [
  { flag: "pinned", set: "Pin", unset: "Unpin" },
  { flag: "muted", set: "Mute", unset: "Unmute" },
  { flag: "archived", set: "Archive", unset: "Unarchive" },
];

type Props = {
  conversation: Conversation;
  contact: Contact | null;
  flags: Record<Flag, boolean>;
  onToggleFlag: (flag: Flag) => void;
  onContactDetails: () => void;
};

export function ConversationHeader({ conversation, contact, flags, onToggleFlag, onContactDetails }: Props) {
  const account = addressText(conversation.account);
  const peer = addressText(conversation.peer);
  return (
    <header className="conversation__header">
      <Avatar name={conversation.peer.name} />
      <div className="conversation__who">
        <h2 id="conversation-title" className="conversation__name">
          {conversation.peer.name}
          {contact?.verified && (
            <span className="verified" title="Verified">
              {" "}
              ✔ <span className="visually-hidden">verified</span>
            </span>
          )}
        </h2>
        <p className="conversation__address">
          {peer} <NetworkMark network={conversation.peer.network} /> <span className="muted">via {account}</span>
        </p>
      </div>
      <div className="conversation__tools">
        {!conversation.request &&
          FLAGS.map(({ flag, set, unset }) => (
            <button
              key={flag}
              type="button"
              className="button button--ghost button--small"
              aria-pressed={flags[flag]}
              onClick={() => onToggleFlag(flag)}
            >
              {flags[flag] ? unset : set}
            </button>
          ))}
        <button type="button" className="button button--small" onClick={onContactDetails}>
          Contact details
        </button>
      </div>
    </header>
  );
}
