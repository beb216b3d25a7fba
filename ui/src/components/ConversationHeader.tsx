// An open chat's header: who it is with (and on which network, through which account), and
// the chat's own tools.
import type { Contact, Conversation, Group } from "../bindings";
import { addressText } from "../logic/address";
import { chatName, memberNetworks } from "../logic/groups";
import { Avatar, GroupMark, NetworkMark } from "./Marks";

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
  /** The group record, for a group chat (null while loading, and for one-to-one chats). */
  group?: Group | null;
  flags: Record<Flag, boolean>;
  onToggleFlag: (flag: Flag) => void;
  onContactDetails: () => void;
};

function GroupWho({ conversation, group }: { conversation: Conversation; group: Group | null }) {
  const account = addressText(conversation.account);
  const count = group?.members.length ?? 0;
  return (
    <div className="conversation__who">
      <h2 id="conversation-title" className="conversation__name">
        {chatName(conversation)}
      </h2>
      <p className="conversation__address">
        <GroupMark />{" "}
        {group && (
          <>
            {count === 1 ? "1 member" : `${count} members`} on{" "}
            {memberNetworks(group.members).map((network) => (
              <NetworkMark key={network} network={network} />
            ))}{" "}
          </>
        )}
        <span className="muted">via {account}</span>
      </p>
    </div>
  );
}

export function ConversationHeader({ conversation, contact, group, flags, onToggleFlag, onContactDetails }: Props) {
  const account = addressText(conversation.account);
  const peer = addressText(conversation.peer);
  const isGroup = conversation.group !== null;
  return (
    <header className="conversation__header">
      <Avatar name={chatName(conversation)} />
      {isGroup ? (
        <GroupWho conversation={conversation} group={group ?? null} />
      ) : (
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
      )}
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
          {isGroup ? "Group info" : "Contact details"}
        </button>
      </div>
    </header>
  );
}
