// An open chat's header: who it is with (and on which network, through which account), and
// the chat's own tools.
import { BadgeCheck } from "lucide-react";
import type { ParseKeys } from "i18next";
import { Trans, useTranslation } from "react-i18next";
import type { Contact, Conversation, Group } from "../bindings";
import { addressText } from "../logic/address";
import { useState } from "react";
import { chatName, memberNetworks } from "../logic/groups";
import { accountShown, peerShown } from "../logic/matrix";
import { MUTE_CHOICES, muteChoiceText, muteText, type Mute } from "../logic/mute";
import { Icon } from "./Icon";
import { Avatar, GroupMark, NetworkMark, PeerMarks } from "./Marks";

type Flag = "pinned" | "archived";

/** The chat's on/off flags, in the order their buttons show, with what each button says. */
const FLAGS: { flag: Flag; set: ParseKeys; unset: ParseKeys }[] = [
  { flag: "pinned", set: "chatHeader.pin", unset: "chatHeader.unpin" },
  { flag: "archived", set: "chatHeader.archive", unset: "chatHeader.unarchive" },
];

type Props = {
  conversation: Conversation;
  contact: Contact | null;
  /** The group record, for a group chat (null while loading, and for one-to-one chats). */
  group?: Group | null;
  flags: Record<Flag, boolean>;
  onToggleFlag: (flag: Flag) => void;
  /** The chat's mute now (an expired one is null). */
  mute: Mute;
  /** Mutes the chat for `ms` (null: always), or unmutes it (`false`). */
  onMute: (ms: number | null | false) => void;
  onMarkUnread: () => void;
  onContactDetails: () => void;
};

/** Mute offers how long; a muted chat says until when and offers Unmute. */
function MuteTool({ mute, onMute }: { mute: Mute; onMute: Props["onMute"] }) {
  const { t } = useTranslation();
  const [choosing, setChoosing] = useState(false);
  if (mute !== null) {
    return (
      <>
        <span className="conversation__muted">{muteText(mute, Date.now())}</span>
        <button type="button" className="button button--ghost button--small" onClick={() => onMute(false)}>
          {t("mute.unmute")}
        </button>
      </>
    );
  }
  return (
    <>
      <button
        type="button"
        className="button button--ghost button--small"
        aria-expanded={choosing}
        onClick={() => setChoosing(!choosing)}
      >
        {t("mute.mute")}
      </button>
      {choosing && (
        <span role="group" aria-label={t("mute.for")} className="conversation__mute-choices">
          {MUTE_CHOICES.map(({ ms }) => (
            <button
              key={ms ?? "always"}
              type="button"
              className="button button--ghost button--small"
              onClick={() => {
                setChoosing(false);
                onMute(ms);
              }}
            >
              {muteChoiceText(ms)}
            </button>
          ))}
        </span>
      )}
    </>
  );
}

function GroupWho({ conversation, group }: { conversation: Conversation; group: Group | null }) {
  const { t } = useTranslation();
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
            <Trans
              i18nKey="chatHeader.members"
              count={count}
              components={{
                networks: (
                  <>
                    {memberNetworks(group.members).map((network) => (
                      <NetworkMark key={network} network={network} />
                    ))}
                  </>
                ),
              }}
            />{" "}
          </>
        )}
        <span className="muted">{t("common.via", { account })}</span>
      </p>
    </div>
  );
}

export function ConversationHeader({
  conversation,
  contact,
  group,
  flags,
  onToggleFlag,
  mute,
  onMute,
  onMarkUnread,
  onContactDetails,
}: Props) {
  const { t } = useTranslation();
  const account = accountShown(conversation);
  const peer = peerShown(conversation);
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
              <span className="verified" title={t("contact.verified")}>
                {" "}
                <Icon icon={BadgeCheck} /> <span className="visually-hidden">{t("chatHeader.verified")}</span>
              </span>
            )}
          </h2>
          <p className="conversation__address">
            {peer} <PeerMarks conversation={conversation} />{" "}
            <span className="muted">{t("common.via", { account })}</span>
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
              {t(flags[flag] ? unset : set)}
            </button>
          ))}
        {!conversation.request && <MuteTool mute={mute} onMute={onMute} />}
        {!conversation.request && conversation.unread === 0 && (
          <button type="button" className="button button--ghost button--small" onClick={onMarkUnread}>
            {t("chatHeader.markUnread")}
          </button>
        )}
        <button type="button" className="button button--small" onClick={onContactDetails}>
          {t(isGroup ? "chatHeader.groupInfo" : "chatHeader.contactDetails")}
        </button>
      </div>
    </header>
  );
}
