// Groups as the UI words them: notices in the timeline, a chat's name, why a group chat cannot
// send, and the list of people a new group is made of. Worded from the notice's fields (kind, by,
// targets, name), never from the English `body` the engine adds for plain front ends.
import type { Conversation, Group, GroupMember, GroupNotice, Membership } from "../bindings";
import { addressText, parseAddress } from "./address";

/** `name@network` as a person reads it in a line: "you" for the account itself. */
function who(address: string, me: string, capital: boolean): string {
  if (address === me) return capital ? "You" : "you";
  return address;
}

function list(addresses: string[], me: string): string {
  const names = addresses.map((address) => who(address, me, false));
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** The line a group change shows in the timeline, from the point of view of `me`. */
export function noticeText(notice: GroupNotice, me: string): string {
  const by = who(notice.by, me, true);
  const targets = list(notice.targets, me);
  switch (notice.kind) {
    case "created":
      return `${by} created the group “${notice.name}”`;
    case "added_you":
      return `${by} added you to “${notice.name}”`;
    case "invited_you":
      return `${by} invited you to “${notice.name}”`;
    case "added":
      return `${by} added ${targets}`;
    case "removed":
      return notice.targets.includes(me) ? `${by} removed you from the group` : `${by} removed ${targets}`;
    case "left":
      return `${by} left the group`;
    case "renamed":
      return `${by} renamed the group to “${notice.name}”`;
    case "made_admin":
      return notice.targets.length === 1 && notice.targets[0] === me
        ? `${by} made you an admin`
        : `${by} made ${targets} ${notice.targets.length > 1 ? "admins" : "an admin"}`;
  }
}

export function isGroupChat(conversation: Conversation): boolean {
  return conversation.group !== null;
}

/** What a chat is called: a group's name, else the person's name. */
export function chatName(conversation: Conversation): string {
  return conversation.title ?? conversation.peer.name;
}

/** The networks a group's members are on, sorted, each once. */
export function memberNetworks(members: GroupMember[]): string[] {
  return [...new Set(members.map((member) => parseAddress(member.address)?.network ?? "unknown"))].sort();
}

export function isAdmin(group: Group, address: string): boolean {
  return group.members.some((member) => member.address === address && member.admin);
}

/** The account's own standing in a group, as a reader would say it. */
export function membershipText(membership: Membership): string {
  switch (membership.state) {
    case "member":
      return "You are a member.";
    case "invited":
      return `${membership.by} invited you. Nothing of the group reaches you until you accept.`;
    case "left":
      return "You left this group. The chat stays, read-only.";
    case "removed":
      return "An admin removed you from this group. The chat stays, read-only.";
  }
}

/** Why a group chat cannot send, in words (null: it can). `group` words it more exactly once loaded. */
export function groupBlockedReason(conversation: Conversation, group: Group | null): string | null {
  const refusal = conversation.send_refusal;
  if (refusal === null) return null;
  if (refusal === "not_group_member") {
    if (conversation.request || group?.membership.state === "invited")
      return "Accept the invitation to write in this group.";
    if (group?.membership.state === "left") return "You left this group. Its chat is read-only.";
    if (group?.membership.state === "removed") return "You were removed from this group. Its chat is read-only.";
    return "You are not a member of this group any more. Its chat is read-only.";
  }
  if (refusal === "interop_off") {
    const home = group ? parseAddress(group.creator)?.network : undefined;
    return `This group is read-only: its home network${home ? `, ${home},` : ""} is one you turned off for ${addressText(conversation.account)}.`;
  }
  return "This group cannot be written to right now.";
}

export type MemberDraft = { members: string[]; invalid: string[] };

/** The people typed or picked for a group: each address once, without the account itself. */
export function memberDraft(entries: string[], account: string): MemberDraft {
  const members: string[] = [];
  const invalid: string[] = [];
  for (const entry of entries.flatMap((text) => text.split(/[\s,;]+/u))) {
    if (entry.trim() === "") continue;
    const parsed = parseAddress(entry);
    if (!parsed) {
      invalid.push(entry.trim());
      continue;
    }
    const text = addressText(parsed);
    if (text !== account && !members.includes(text)) members.push(text);
  }
  return { members, invalid };
}

export type Candidate = { address: string; network: string; name: string };

/** People `account` chats with one to one (accepted chats), to pick for a group: each once, by name. */
export function groupCandidates(conversations: Conversation[], account: string, exclude: string[] = []): Candidate[] {
  const seen = new Map<string, Candidate>();
  for (const conversation of conversations) {
    if (conversation.group !== null || conversation.request || addressText(conversation.account) !== account) continue;
    const address = addressText(conversation.peer);
    if (exclude.includes(address) || seen.has(address)) continue;
    seen.set(address, { address, network: conversation.peer.network, name: conversation.peer.name });
  }
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name) || a.address.localeCompare(b.address));
}
