// Demo groups: people on meadow and harbor in one chat, a group where the user is no admin, an
// invitation waiting in the requests folder, and a group the user was removed from. Written by
// hand (no random stream), so adding them leaves every other fixture as it was.
import type { Conversation, Group, GroupChangeKind, GroupMember, Membership, Message } from "../bindings";
import { address, HARBOR, MEADOW } from "./fixtures";

const MINUTE = 60_000;

/** One line of a demo group's timeline: a message (`text`) or a change (`notice`). */
type Line =
  | { from: string; text: string; minutesAgo: number }
  | { from: string; notice: GroupChangeKind; targets?: string[]; name?: string; minutesAgo: number };

type GroupSpec = {
  id: string;
  conversation: string;
  account: string;
  name: string;
  creator: string;
  members: GroupMember[];
  membership: Membership;
  unread: number;
  lines: Line[];
};

const m = (name: string, network: string) => `${name}@${network}`;
const member = (addressText: string, admin = false): GroupMember => ({ address: addressText, admin });

/** The ids the stories and tests name the demo groups by. */
export const DEMO_GROUPS = {
  bridge: { id: "6b1f0c2a9d4e4f7a8c3b5d6e7f801234", name: "Bridge builders" },
  walks: { id: "a3c94e1b7f2d4c6e9a8b0d1c2e3f4a56", name: "Harbor walks" },
  invitation: { id: "5e7d2a9c1b3f4e6d8a0c2b4d6f8e0a12", name: "Book club" },
  removed: { id: "c0ffee11d4e54a6b9c8d7e6f5a4b3c21", name: "Old flatmates" },
} as const;

/** Built when asked: fixtures.ts and this module import each other, so nothing here runs at load. */
function specs(): GroupSpec[] {
  const ADA = m("ada", MEADOW);
  return [
    {
      id: DEMO_GROUPS.bridge.id,
      conversation: "g1",
      account: ADA,
      name: DEMO_GROUPS.bridge.name,
      creator: ADA,
      members: [
        member(ADA, true),
        member(m("bea", MEADOW), true),
        member(m("heron", HARBOR)),
        member(m("priya", HARBOR)),
        member(m("cedric", MEADOW)),
      ],
      membership: { state: "member" },
      unread: 2,
      lines: [
        { from: ADA, notice: "created", name: "Bridge crew", minutesAgo: 2 * 24 * 60 },
        {
          from: ADA,
          notice: "added",
          targets: [m("bea", MEADOW), m("heron", HARBOR), m("priya", HARBOR)],
          name: "Bridge crew",
          minutesAgo: 2 * 24 * 60 - 1,
        },
        {
          from: m("bea", MEADOW),
          text: "Welcome all! Meadow and harbor in one chat, finally.",
          minutesAgo: 2 * 24 * 60 - 5,
        },
        { from: m("heron", HARBOR), text: "Hello from the harbor side 👋", minutesAgo: 2 * 24 * 60 - 9 },
        { from: ADA, text: "Shall we walk the new bridge on Saturday?", minutesAgo: 26 * 60 },
        { from: m("priya", HARBOR), text: "Saturday works for me.", minutesAgo: 25 * 60 },
        { from: ADA, notice: "made_admin", targets: [m("bea", MEADOW)], name: "Bridge crew", minutesAgo: 24 * 60 },
        { from: m("bea", MEADOW), notice: "renamed", name: "Bridge builders", minutesAgo: 23 * 60 },
        { from: ADA, notice: "added", targets: [m("cedric", MEADOW)], name: "Bridge builders", minutesAgo: 60 },
        { from: m("cedric", MEADOW), text: "Thanks for adding me! I'll bring coffee ☕", minutesAgo: 20 },
        { from: m("heron", HARBOR), text: "See you at ten by the north end.", minutesAgo: 8 },
      ],
    },
    {
      id: DEMO_GROUPS.walks.id,
      conversation: "g2",
      account: ADA,
      name: DEMO_GROUPS.walks.name,
      creator: m("noor", HARBOR),
      members: [member(m("noor", HARBOR), true), member(m("oskar", HARBOR)), member(m("elif", MEADOW)), member(ADA)],
      membership: { state: "member" },
      unread: 0,
      lines: [
        { from: m("noor", HARBOR), notice: "added_you", targets: [ADA], name: "Harbor walks", minutesAgo: 9 * 24 * 60 },
        { from: m("noor", HARBOR), text: "Sunday walk along the piers, who's in?", minutesAgo: 9 * 24 * 60 - 3 },
        { from: m("elif", MEADOW), text: "Me! Can I bring my dog?", minutesAgo: 9 * 24 * 60 - 10 },
        { from: m("oskar", HARBOR), text: "Dogs welcome 🐕", minutesAgo: 9 * 24 * 60 - 12 },
        { from: ADA, text: "Count me in too.", minutesAgo: 200 },
      ],
    },
    {
      id: DEMO_GROUPS.invitation.id,
      conversation: "g3",
      account: ADA,
      name: DEMO_GROUPS.invitation.name,
      creator: m("tove", HARBOR),
      members: [member(m("tove", HARBOR), true), member(m("ulla", HARBOR)), member(m("pia", MEADOW)), member(ADA)],
      membership: { state: "invited", by: m("tove", HARBOR) },
      unread: 1,
      lines: [{ from: m("tove", HARBOR), notice: "invited_you", targets: [ADA], name: "Book club", minutesAgo: 35 }],
    },
    {
      id: DEMO_GROUPS.removed.id,
      conversation: "g4",
      account: ADA,
      name: DEMO_GROUPS.removed.name,
      creator: m("jon", MEADOW),
      members: [member(m("jon", MEADOW), true), member(m("sana", MEADOW)), member(m("oskar", HARBOR))],
      membership: { state: "removed" },
      unread: 0,
      lines: [
        {
          from: m("jon", MEADOW),
          notice: "added_you",
          targets: [ADA],
          name: "Old flatmates",
          minutesAgo: 60 * 24 * 60,
        },
        { from: m("sana", MEADOW), text: "Who still has the spare key?", minutesAgo: 50 * 24 * 60 },
        { from: ADA, text: "Not me, I gave it back.", minutesAgo: 50 * 24 * 60 - 4 },
        { from: m("jon", MEADOW), notice: "removed", targets: [ADA], name: "Old flatmates", minutesAgo: 6 * 24 * 60 },
      ],
    },
  ];
}

/** The English wording the engine puts in a notice's `body` (groups/timeline.rs, `describe`). */
export function noticeBody(kind: GroupChangeKind, by: string, targets: string[], name: string, me: string): string {
  const who = (addressText: string) => (addressText === me ? "you" : addressText);
  const actor = by === me ? "You" : by;
  const list = targets.map(who).join(", ");
  switch (kind) {
    case "created":
      return `${actor} created the group “${name}”`;
    case "added_you":
      return `${actor} added you to “${name}”`;
    case "invited_you":
      return `${actor} invited you to “${name}”`;
    case "added":
      return `${actor} added ${list}`;
    case "removed":
      return `${actor} removed ${list}`;
    case "left":
      return `${actor} left`;
    case "renamed":
      return `${actor} renamed the group to “${name}”`;
    case "made_admin":
      return `${actor} made ${list} an admin`;
  }
}

function lineMessage(spec: GroupSpec, line: Line, seq: number, now: number): Message {
  const at = now - line.minutesAgo * MINUTE;
  const own = line.from === spec.account;
  const notice = "notice" in line;
  return {
    id: `${spec.conversation}-m${seq}`,
    conversation: spec.conversation,
    seq,
    // Notices are lines of the group's own, incoming whoever made the change (as the engine stores them).
    direction: own && !notice ? "outgoing" : "incoming",
    author: line.from,
    body: notice
      ? noticeBody(line.notice, line.from, line.targets ?? [], line.name ?? spec.name, spec.account)
      : line.text,
    sent_at: at,
    stored_at: at + 500,
    status: own && !notice ? "read" : "received",
    failure: null,
    quote: null,
    reactions: [],
    edited: false,
    notice: notice
      ? { kind: line.notice, by: line.from, targets: line.targets ?? [], name: line.name ?? spec.name }
      : null,
    deleted: false,
    attachments: [],
  };
}

export type DemoGroupWorld = {
  groups: Map<string, Group>;
  conversations: Conversation[];
  messages: Map<string, Message[]>;
};

/** The demo groups of the main account (`ada@meadow.example`), against the clock `now`. */
export function demoGroupWorld(now: number): DemoGroupWorld {
  const groups = new Map<string, Group>();
  const conversations: Conversation[] = [];
  const messages = new Map<string, Message[]>();
  for (const spec of specs()) {
    const list = spec.lines.map((line, index) => lineMessage(spec, line, index + 1, now));
    const last = list[list.length - 1];
    groups.set(spec.id, {
      id: spec.id,
      account: address(spec.account),
      name: spec.name,
      creator: spec.creator,
      revision: spec.lines.filter((line) => "notice" in line).length,
      members: spec.members.map((one) => ({ ...one })),
      membership: { ...spec.membership },
      conversation: spec.conversation,
    });
    conversations.push({
      id: spec.conversation,
      account: address(spec.account),
      peer: address(spec.account),
      created_at: list[0]?.sent_at ?? now,
      last_activity: last?.sent_at ?? now,
      last_preview: last?.body ?? "",
      last_status: last && last.direction === "outgoing" ? last.status : null,
      unread: spec.unread,
      next_seq: list.length + 1,
      request: spec.membership.state === "invited",
      read_only: false,
      send_refusal: null,
      group: spec.id,
      title: spec.name,
      matrix: null,
    });
    messages.set(spec.conversation, list);
  }
  return { groups, conversations, messages };
}
