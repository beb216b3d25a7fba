// The demo backend's groups: records, the engine's rules (only admins change a group; an invited,
// departed or removed account cannot write; members on networks the account does not allow are
// refused), notices in the timeline, and members who answer. DemoBackend delegates its group
// methods here and lends what it owns (the world, the timeline, timers) through `GroupHost`.
import type {
  AccountInfo,
  Contact,
  Conversation,
  ErrorCode,
  Event,
  Group,
  GroupAdds,
  GroupChangeKind,
  GroupId,
  MemberReceipt,
  Message,
  UserError,
} from "../bindings";
import { address, type DemoWorld } from "../demo/fixtures";
import { noticeBody } from "../demo/groupFixtures";
import type { Random } from "../demo/random";
import type { AddressText } from "./backend";
import { incomingMessage, type NewMessage } from "./demoMessages";

/** The most members a group may have, the user included (records.rs, MAX_MEMBERS). */
export const MAX_GROUP_MEMBERS = 256;
/** The longest group name, in characters (records.rs, MAX_NAME_CHARS). */
export const MAX_GROUP_NAME = 100;

const WELCOMES = ["Welcome! 👋", "Glad you could join.", "Hi, nice to have you here!"];
const ANSWERS = ["Sounds good to me.", "Agreed 👍", "Ha, yes!", "I'll be there.", "Good idea.", "Noted, thanks!"];

export type GroupHost = {
  world: () => DemoWorld;
  random: Random;
  offline: boolean;
  account: (addressText: AddressText) => AccountInfo;
  contactOf: (account: AddressText, peer: AddressText) => Contact;
  /** Appends to a chat's timeline; `countUnread` says whether it adds to the chat's unread count. */
  append: (conversation: Conversation, partial: NewMessage, countUnread: boolean) => Message;
  update: (conversation: Conversation, message: Message) => void;
  changed: (conversation: Conversation) => void;
  remove: (conversation: Conversation) => void;
  later: (ms: number, action: () => void) => void;
  emit: (event: Event) => void;
  nextId: () => number;
};

function fail(code: ErrorCode, message: string): UserError {
  return { code, message };
}

function text(value: { name: string; network: string }): string {
  return `${value.name}@${value.network}`;
}

export class DemoGroups {
  private adds = new Map<AddressText, GroupAdds>();
  /** Each member's state of the user's messages sent in this session, by message id (receipts.rs). */
  private memberReceipts = new Map<string, MemberReceipt[]>();

  constructor(private readonly host: GroupHost) {}

  private get groups(): Map<string, Group> {
    return this.host.world().groups;
  }

  /** Who may add `account` to groups. ada@meadow.example starts at contacts only (so the demo's
   * invitation from tove, no contact of hers, is what her relay would have made of the add). */
  groupAdds(account: AddressText): GroupAdds {
    this.host.account(account);
    return this.adds.get(account) ?? (account === "ada@meadow.example" ? "contacts" : "networks");
  }

  setGroupAdds(account: AddressText, whoCanAdd: GroupAdds): void {
    this.host.account(account);
    this.adds.set(account, whoCanAdd);
  }

  list(account: AddressText): Group[] {
    this.host.account(account);
    return [...this.groups.values()]
      .filter((group) => text(group.account) === account)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(copy);
  }

  get(account: AddressText, id: GroupId): Group | null {
    const group = this.groups.get(id);
    return group && text(group.account) === account ? copy(group) : null;
  }

  private existing(account: AddressText, id: GroupId): Group {
    const group = this.groups.get(id);
    if (!group || text(group.account) !== account) throw fail("unknown_group", "There is no such group.");
    return group;
  }

  private chat(group: Group): Conversation {
    const conversation = this.host.world().conversations.get(group.conversation);
    if (!conversation) throw fail("unknown_conversation", "The group's chat is gone.");
    return conversation;
  }

  /** The group's chat, for a report from it (any membership: an invitation's inviter too). */
  chatOf(account: AddressText, id: GroupId): Conversation {
    return this.chat(this.existing(account, id));
  }

  /**
   * Each member's state of one of the user's messages (receipts.rs, `load`). Messages sent in
   * this session have the receipts the simulated members sent; the fixtures' older messages
   * answer as their status says, for every other member.
   */
  receipts(account: AddressText, id: GroupId, messageId: string): MemberReceipt[] {
    const group = this.existing(account, id);
    const recorded = this.memberReceipts.get(messageId);
    if (recorded) return recorded.map((receipt) => ({ ...receipt }));
    const message = this.host
      .world()
      .messages.get(group.conversation)
      ?.find((one) => one.id === messageId);
    if (!message) throw fail("unknown_message", "That message is gone.");
    if (message.direction !== "outgoing" || (message.status !== "delivered" && message.status !== "read")) return [];
    return group.members
      .filter((member) => member.address !== account)
      .map((member) => ({ member: member.address, status: message.status }));
  }

  /** A member's receipt; the message's own status moves on once every other member is that far. */
  private receive(group: Group, conversation: Conversation, message: Message, member: AddressText, read: boolean) {
    if (message.deleted) return;
    const list = this.memberReceipts.get(message.id) ?? [];
    const found = list.find((receipt) => receipt.member === member);
    const status = read ? "read" : "delivered";
    if (found) found.status = found.status === "read" ? "read" : status;
    else list.push({ member, status });
    this.memberReceipts.set(message.id, list);
    const others = group.members.filter((one) => one.address !== text(group.account)).map((one) => one.address);
    const atLeast = (wanted: "delivered" | "read") =>
      others.every((other) =>
        list.some((receipt) => receipt.member === other && (receipt.status === wanted || receipt.status === "read")),
      );
    const everyone = atLeast("read") ? "read" : atLeast("delivered") ? "delivered" : null;
    if (everyone && message.status !== everyone && message.status !== "read") {
      message.status = everyone;
      this.host.update(conversation, message);
    }
  }

  /** Why the account may not write in the group's chat now (reach.rs, `refusal`). */
  refusal(conversation: Conversation): ErrorCode | null {
    const group = conversation.group ? this.groups.get(conversation.group) : undefined;
    if (!group) return "unknown_group";
    if (group.membership.state !== "member") return "not_group_member";
    return this.allows(text(group.account), address(group.creator).network) ? null : "interop_off";
  }

  private allows(account: AddressText, network: string): boolean {
    const info = this.host.account(account);
    return network === info.network || info.interop.includes(network);
  }

  /** People to add, as the engine checks them (`checked_new_members`). */
  private checkedNew(account: AddressText, members: AddressText[], already: number): AddressText[] {
    const checked: AddressText[] = [];
    for (const raw of members) {
      const parsed = address(raw.trim());
      if (!parsed.name || !parsed.network) throw fail("invalid_address", `${raw} is not an address.`);
      const member = text(parsed);
      if (member === account || checked.includes(member)) continue;
      if (!this.allows(account, parsed.network))
        throw fail("interop_off", `${parsed.network} is not among the networks this account allows.`);
      if (this.host.contactOf(account, member).blocked) throw fail("blocked", `You blocked ${member}.`);
      checked.push(member);
    }
    if (already + checked.length > MAX_GROUP_MEMBERS)
      throw fail("invalid_group", `a group has at most ${MAX_GROUP_MEMBERS} members`);
    return checked;
  }

  private checkedName(name: string): string {
    const trimmed = name.trim();
    if (trimmed === "") throw fail("invalid_group", "a group needs a name");
    if ([...trimmed].length > MAX_GROUP_NAME)
      throw fail("invalid_group", `a group's name has at most ${MAX_GROUP_NAME} characters`);
    return trimmed;
  }

  /** Appends a change to the group's chat as the engine notes it (timeline.rs, `note`). */
  private note(group: Group, kind: GroupChangeKind, by: AddressText, targets: AddressText[]): void {
    const conversation = this.chat(group);
    const me = text(group.account);
    conversation.title = group.name;
    this.host.append(
      conversation,
      {
        direction: "incoming",
        author: by,
        body: noticeBody(kind, by, targets, group.name, me),
        sent_at: Date.now(),
        status: "received",
        failure: null,
        quote: null,
        reactions: [],
        edited: false,
        notice: { kind, by, targets, name: group.name },
        deleted: false,
        attachments: [],
      },
      by !== me,
    );
  }

  create(account: AddressText, name: string, members: AddressText[]): Group {
    const checkedName = this.checkedName(name);
    const added = this.checkedNew(account, members, 1);
    const id = this.newId();
    const conversationId = `g-new${this.host.nextId()}`;
    const group: Group = {
      id,
      account: address(account),
      name: checkedName,
      creator: account,
      revision: 1,
      members: [{ address: account, admin: true }, ...added.map((member) => ({ address: member, admin: false }))],
      membership: { state: "member" },
      conversation: conversationId,
    };
    this.groups.set(id, group);
    const now = Date.now();
    this.host.world().conversations.set(conversationId, {
      id: conversationId,
      account: address(account),
      peer: address(account),
      created_at: now,
      last_activity: now,
      last_preview: "",
      last_status: null,
      unread: 0,
      next_seq: 1,
      request: false,
      read_only: false,
      send_refusal: null,
      group: id,
      title: checkedName,
      matrix: null,
    });
    this.note(group, "created", account, []);
    if (added.length > 0 && !this.host.offline) {
      const greeter = added[this.host.random.int(added.length)];
      if (greeter) this.later(group, 2200, () => this.say(group, greeter, this.host.random.pick(WELCOMES)));
    }
    return copy(group);
  }

  /** An admin's change, checked as the engine checks it (changes.rs, `change`). */
  private adminChange(account: AddressText, id: GroupId): Group {
    const group = this.existing(account, id);
    if (group.membership.state !== "member")
      throw fail("not_group_member", "You are not a member of this group: its chat is read-only.");
    if (!group.members.some((member) => member.address === account && member.admin))
      throw fail("not_group_admin", "Only the group's admins can do that.");
    return group;
  }

  private changed(group: Group): Group {
    group.revision += 1;
    this.host.changed(this.chat(group));
    return copy(group);
  }

  addMembers(account: AddressText, id: GroupId, members: AddressText[]): Group {
    const group = this.adminChange(account, id);
    const fresh = this.checkedNew(account, members, group.members.length).filter(
      (member) => !group.members.some((known) => known.address === member),
    );
    if (fresh.length === 0) throw fail("invalid_group", "everyone named is in the group already");
    group.members.push(...fresh.map((member) => ({ address: member, admin: false })));
    this.note(group, "added", account, fresh);
    const greeter = fresh[0];
    if (greeter && !this.host.offline) this.later(group, 2000, () => this.say(group, greeter, "Thanks for adding me!"));
    return this.changed(group);
  }

  removeMember(account: AddressText, id: GroupId, member: AddressText): Group {
    const group = this.adminChange(account, id);
    if (member === account || !group.members.some((known) => known.address === member))
      throw fail("invalid_group", `${member} is not another member of the group`);
    dropMember(group, member);
    this.note(group, "removed", account, [member]);
    return this.changed(group);
  }

  rename(account: AddressText, id: GroupId, name: string): Group {
    const group = this.adminChange(account, id);
    group.name = this.checkedName(name);
    this.note(group, "renamed", account, []);
    return this.changed(group);
  }

  makeAdmin(account: AddressText, id: GroupId, member: AddressText): Group {
    const group = this.adminChange(account, id);
    const found = group.members.find((known) => known.address === member);
    if (!found) throw fail("invalid_group", `${member} is not a member of the group`);
    found.admin = true;
    this.note(group, "made_admin", account, [member]);
    return this.changed(group);
  }

  leave(account: AddressText, id: GroupId): Group {
    const group = this.existing(account, id);
    if (group.membership.state !== "member") throw fail("not_group_member", "You are not a member of this group.");
    dropMember(group, account);
    group.membership = { state: "left" };
    this.note(group, "left", account, [account]);
    return this.changed(group);
  }

  invitations(account: AddressText): Group[] {
    return this.list(account).filter((group) => group.membership.state === "invited");
  }

  accept(account: AddressText, id: GroupId): Group {
    const group = this.existing(account, id);
    if (group.membership.state !== "invited") throw fail("invalid_group", "there is no invitation to this group");
    const inviter = group.membership.by;
    group.membership = { state: "member" };
    const conversation = this.chat(group);
    conversation.request = false;
    this.host.changed(conversation);
    if (!this.host.offline) this.later(group, 2000, () => this.say(group, inviter, this.host.random.pick(WELCOMES)));
    return copy(group);
  }

  decline(account: AddressText, id: GroupId): void {
    const group = this.existing(account, id);
    if (group.membership.state !== "invited") throw fail("invalid_group", "there is no invitation to this group");
    this.groups.delete(id);
    this.host.remove(this.chat(group));
  }

  /** The group chat a send goes to, if the account may write there (else the engine's refusal). */
  writable(account: AddressText, id: GroupId): Conversation {
    const conversation = this.chat(this.existing(account, id));
    const refusal = this.refusal(conversation);
    if (refusal === "not_group_member")
      throw fail(refusal, "You are not a member of this group (invited, left or removed): its chat is read-only.");
    if (refusal) throw fail(refusal, "This group cannot be written to from this account now.");
    return conversation;
  }

  /** The members receive what the user sent; one of them types and answers. */
  simulateMembers(conversation: Conversation, message: Message): void {
    const group = conversation.group ? this.groups.get(conversation.group) : undefined;
    if (!group || this.host.offline) return;
    const step = (ms: number, status: Message["status"]) =>
      this.later(group, ms, () => {
        if (message.deleted) return;
        message.status = status;
        this.host.update(conversation, message);
      });
    step(300, "sent");
    const me = text(group.account);
    const others = group.members.filter((member) => member.address !== me).map((member) => member.address);
    // Each member's app receives it in turn; one in two reads it soon after (the rest later, or never).
    others.forEach((member, index) => {
      this.later(group, 600 + index * 250, () => this.receive(group, conversation, message, member, false));
      if (index % 2 === 0)
        this.later(group, 1800 + index * 300, () => this.receive(group, conversation, message, member, true));
    });
    const speaker = others.length > 0 ? this.host.random.pick(others) : undefined;
    if (!speaker || this.host.contactOf(me, speaker).blocked) return;
    this.later(group, 1500, () =>
      this.host.emit({ type: "typing", conversation: conversation.id, author: speaker, started: true }),
    );
    this.later(group, 2800, () => {
      this.host.emit({ type: "typing", conversation: conversation.id, author: speaker, started: false });
      this.say(group, speaker, this.host.random.pick(ANSWERS));
    });
  }

  /** Runs `action` later if the account is still a member then (a departed account hears nothing). */
  private later(group: Group, ms: number, action: () => void): void {
    this.host.later(ms, () => {
      if (this.groups.get(group.id) === group && group.membership.state === "member") action();
    });
  }

  /** A member writes in the group. */
  private say(group: Group, author: AddressText, body: string): void {
    if (!group.members.some((member) => member.address === author)) return;
    this.host.append(this.chat(group), incomingMessage(author, body), true);
  }

  private newId(): GroupId {
    let id = "";
    for (let i = 0; i < 32; i++) id += this.host.random.int(16).toString(16);
    return id;
  }
}

/** Takes a member out; a group is never left without an admin (records.rs, `drop_member`). */
function dropMember(group: Group, member: AddressText): void {
  group.members = group.members.filter((known) => known.address !== member);
  const first = group.members[0];
  if (first && !group.members.some((known) => known.admin)) first.admin = true;
}

function copy(group: Group): Group {
  return structuredClone(group);
}
