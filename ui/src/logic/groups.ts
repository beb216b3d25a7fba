// Groups as the UI words them: notices in the timeline, a chat's name, why a group chat cannot
// send, and the list of people a new group is made of. Worded from the notice's fields (kind, by,
// targets, name) in the language shown, never from the English `body` the engine adds for plain
// front ends.
import type { Conversation, Group, GroupMember, GroupNotice, Membership } from "../bindings";
import { i18n } from "../i18n";
import { addressText, parseAddress } from "./address";

/** `name@network` as a person reads it in a list: "you" (as an object: German "dich") for the account itself. */
function who(address: string, me: string): string {
  return address === me ? i18n.t("groupNotice.you") : address;
}

/** "a", "a and b", "a, b and c", in the language shown. */
export function listText(names: string[]): string {
  const last = names[names.length - 1];
  if (last === undefined || names.length === 1) return names.join("");
  return i18n.t("common.and", { rest: names.slice(0, -1).join(", "), last });
}

/** The line a group change shows in the timeline, from the point of view of `me`. Each change has
 * its own sentence for "you did it" (the verb agrees with its subject in other languages). */
export function noticeText(notice: GroupNotice, me: string): string {
  const mine = notice.by === me;
  const by = notice.by;
  const name = notice.name;
  const targets = listText(notice.targets.map((address) => who(address, me)));
  const count = notice.targets.length;
  switch (notice.kind) {
    case "created":
      return mine ? i18n.t("groupNotice.youCreated", { name }) : i18n.t("groupNotice.created", { by, name });
    case "added_you":
      return i18n.t("groupNotice.addedYou", { by, name });
    case "invited_you":
      return i18n.t("groupNotice.invitedYou", { by, name });
    case "added":
      return mine ? i18n.t("groupNotice.youAdded", { targets }) : i18n.t("groupNotice.added", { by, targets });
    case "removed":
      if (notice.targets.includes(me)) return i18n.t("groupNotice.removedYou", { by });
      return mine ? i18n.t("groupNotice.youRemoved", { targets }) : i18n.t("groupNotice.removed", { by, targets });
    case "left":
      return mine ? i18n.t("groupNotice.youLeft") : i18n.t("groupNotice.left", { by });
    case "renamed":
      return mine ? i18n.t("groupNotice.youRenamed", { name }) : i18n.t("groupNotice.renamed", { by, name });
    case "made_admin":
      if (count === 1 && notice.targets[0] === me) return i18n.t("groupNotice.madeYouAdmin", { by });
      return mine
        ? i18n.t("groupNotice.youMadeAdmin", { targets, count })
        : i18n.t("groupNotice.madeAdmin", { by, targets, count });
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
      return i18n.t("membership.member");
    case "invited":
      return i18n.t("membership.invited", { by: membership.by });
    case "left":
      return i18n.t("membership.left");
    case "removed":
      return i18n.t("membership.removed");
  }
}

/** Why a group chat cannot send, in words (null: it can). `group` words it more exactly once loaded. */
export function groupBlockedReason(conversation: Conversation, group: Group | null): string | null {
  const refusal = conversation.send_refusal;
  if (refusal === null) return null;
  if (refusal === "not_group_member") {
    if (conversation.request || group?.membership.state === "invited") return i18n.t("sendRefusal.groupInvitation");
    if (group?.membership.state === "left") return i18n.t("sendRefusal.groupLeft");
    if (group?.membership.state === "removed") return i18n.t("sendRefusal.groupRemoved");
    return i18n.t("sendRefusal.groupNotMember");
  }
  if (refusal === "interop_off") {
    const account = addressText(conversation.account);
    const network = group ? parseAddress(group.creator)?.network : undefined;
    return network
      ? i18n.t("sendRefusal.groupHomeOff", { network, account })
      : i18n.t("sendRefusal.groupHomeOffUnnamed", { account });
  }
  return i18n.t("sendRefusal.groupOther");
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
