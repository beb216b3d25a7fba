// Small visual pieces: avatar, network mark, delivery status.
import { useTranslation } from "react-i18next";
import { Check, CheckCheck, CircleAlert, Clock, LockOpen, Users, type LucideIcon } from "lucide-react";
import type { Conversation, MessageStatus } from "../bindings";
import { avatarHue, initials, networkColorToken, networkLabel } from "../logic/address";
import { statusLabel } from "../logic/format";
import { Icon } from "./Icon";

export function Avatar({ name, size }: { name: string; size?: "small" }) {
  return (
    <span
      className={size === "small" ? "avatar avatar--small" : "avatar"}
      style={{ backgroundColor: `hsl(${avatarHue(name)} var(--avatar-saturation) var(--avatar-lightness))` }}
      aria-hidden="true"
    >
      {initials(name)}
    </span>
  );
}

export function NetworkMark({ network }: { network: string }) {
  return (
    <span
      className="network-mark"
      style={{ ["--mark" as string]: `var(${networkColorToken(network)})` }}
      title={network}
    >
      <span className="network-mark__dot" aria-hidden="true" />
      {networkLabel(network)}
    </span>
  );
}

/** Marks a chat as a Matrix one (where an Isthmus chat shows its network's mark). */
export function MatrixMark() {
  const { t } = useTranslation();
  return (
    <span
      className="network-mark"
      style={{ ["--mark" as string]: "var(--network-matrix)" }}
      title={t("matrix.markTitle")}
    >
      <span className="network-mark__dot" aria-hidden="true" />
      {t("matrix.mark")}
    </span>
  );
}

/** Marks a Matrix chat whose room is not end-to-end encrypted: its servers can read it. `compact`
 * (a chat list's row, where the width is the address's) shows the icon alone, named. */
export function UnencryptedMark({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  if (compact) {
    return (
      <span className="unencrypted-mark" title={t("matrix.unencryptedTitle")}>
        <Icon icon={LockOpen} label={t("matrix.unencrypted")} />
      </span>
    );
  }
  return (
    <span className="unencrypted-mark" title={t("matrix.unencryptedTitle")}>
      <Icon icon={LockOpen} /> {t("matrix.unencrypted")}
    </span>
  );
}

/** Where a one-to-one chat's person is: their network's mark, or Matrix's (and whether its room
 * is not encrypted; `compact` in a chat list's row). */
export function PeerMarks({ conversation, compact = false }: { conversation: Conversation; compact?: boolean }) {
  if (conversation.matrix === null) return <NetworkMark network={conversation.peer.network} />;
  return (
    <>
      <MatrixMark />
      {!conversation.matrix.encrypted && (
        <>
          {" "}
          <UnencryptedMark compact={compact} />
        </>
      )}
    </>
  );
}

/** Marks a chat as a group's (people on any networks), beside or instead of a network mark. */
export function GroupMark() {
  const { t } = useTranslation();
  return (
    <span className="group-mark" title={t("group.markTitle")}>
      <Icon icon={Users} /> {t("group.mark")}
    </span>
  );
}

/** Each delivery status's icon (a received message shows none). */
const STATUS_ICONS: Record<Exclude<MessageStatus, "received">, LucideIcon> = {
  pending: Clock,
  sent: Check,
  delivered: CheckCheck,
  read: CheckCheck,
  failed: CircleAlert,
};

export function StatusMark({ status }: { status: MessageStatus }) {
  // Worded by logic (statusLabel); the hook renders it again when the language changes.
  useTranslation();
  if (status === "received") return null;
  return (
    <span
      className={`status status--${status}`}
      role="img"
      aria-label={statusLabel(status)}
      title={statusLabel(status)}
    >
      <Icon icon={STATUS_ICONS[status]} />
    </span>
  );
}
