// Small visual pieces: avatar, network mark, delivery status.
import type { MessageStatus } from "../bindings";
import { avatarHue, initials, networkColorToken, networkLabel } from "../logic/address";
import { statusLabel, statusMark } from "../logic/format";

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

/** Marks a chat as a group's (people on any networks), beside or instead of a network mark. */
export function GroupMark() {
  return (
    <span className="group-mark" title="Group chat">
      <span aria-hidden="true">👥</span> Group
    </span>
  );
}

export function StatusMark({ status }: { status: MessageStatus }) {
  if (status === "received") return null;
  return (
    <span
      className={`status status--${status}`}
      role="img"
      aria-label={statusLabel(status)}
      title={statusLabel(status)}
    >
      {statusMark(status)}
    </span>
  );
}
