// Addresses and networks as the UI shows them.
import type { Address, Conversation } from "../bindings";

export function addressText(address: Address): string {
  return `${address.name}@${address.network}`;
}

/** Parses `name@network`; null when it is not one. */
export function parseAddress(text: string): Address | null {
  const trimmed = text.trim();
  const at = trimmed.lastIndexOf("@");
  if (at <= 0 || at === trimmed.length - 1) return null;
  const name = trimmed.slice(0, at);
  const network = trimmed.slice(at + 1).toLowerCase();
  if (/\s/.test(name) || !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(network)) return null;
  return { name, network, device: 1 };
}

/** The chat is with someone on another network than the account's own. A Matrix chat always
 * is, whatever the servers' names (the engine's rule, matrix_link/rules.rs). */
export function isOtherNetwork(conversation: Conversation): boolean {
  return conversation.matrix !== null || conversation.peer.network !== conversation.account.network;
}

/** Up to two letters for an avatar. */
export function initials(name: string): string {
  const parts = name.split(/[\s._-]+/u).filter((part) => part.length > 0);
  const letters = parts.slice(0, 2).map((part) => Array.from(part)[0] ?? "");
  return letters.join("").toUpperCase() || "?";
}

const KNOWN_NETWORKS: Record<string, string> = {
  meadow: "--network-meadow",
  harbor: "--network-harbor",
  lagoon: "--network-lagoon",
};

/** The token naming a network's mark color. */
export function networkColorToken(network: string): string {
  const label = network.split(".")[0] ?? network;
  return KNOWN_NETWORKS[label] ?? "--network-other";
}

/** A short display name for a network: its first label, capitalised ("Harbor"). */
export function networkLabel(network: string): string {
  const label = network.split(".")[0] ?? network;
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** A stable hue (0-359) for an avatar background. */
export function avatarHue(text: string): number {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hash % 360;
}
