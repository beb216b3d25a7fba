// Demo Matrix: one signed-in Matrix account (@ulla:matrix.example, turned on under the Matrix
// disclosure), an encrypted direct chat, a chat in a room that is not encrypted, and a stranger's
// invitation waiting in Requests. Written by hand (no random stream), so adding them leaves every
// other fixture as it was.
import type { Contact, Conversation, LedgerEntry, MatrixAccountInfo, Message } from "../bindings";
import { address, contactKey, newContact } from "./fixtures";
import { incomingMessage } from "../backend/demoMessages";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The Matrix disclosure the demo account was turned on under (consent/disclosure.rs). */
export const DEMO_MATRIX_DISCLOSURE_VERSION = "matrix-disclosure-v1";

/** The ids the stories and tests name the demo's Matrix things by. */
export const DEMO_MATRIX = {
  account: "@ulla:matrix.example",
  /** The encrypted direct chat. */
  direct: { conversation: "x1", peer: "@maren:example.org" },
  /** The chat in a room that is not end-to-end encrypted. */
  unencrypted: { conversation: "x2", peer: "@rune:oldserver.example" },
  /** A stranger's invitation: a request. */
  invitation: { conversation: "x3", peer: "@hedda:freehold.example" },
} as const;

type Line = { mine: boolean; text: string; minutesAgo: number };

type ChatSpec = {
  conversation: string;
  peer: string;
  room: string;
  encrypted: boolean;
  request: boolean;
  unread: number;
  lines: Line[];
};

const SPECS: ChatSpec[] = [
  {
    conversation: DEMO_MATRIX.direct.conversation,
    peer: DEMO_MATRIX.direct.peer,
    room: "!hXbQzKeRtVwLpNaM:matrix.example",
    encrypted: true,
    request: false,
    unread: 2,
    lines: [
      { mine: false, text: "Ulla! Are you on Isthmus now?", minutesAgo: (3 * DAY) / MINUTE },
      { mine: true, text: "I am, and my Matrix chats are in the same inbox 🙂", minutesAgo: (3 * DAY) / MINUTE - 4 },
      { mine: false, text: "Nice. Does the ferry still leave at nine on Saturdays?", minutesAgo: 26 * 60 },
      { mine: true, text: "Nine sharp. I'll bring the thermos.", minutesAgo: 25 * 60 },
      { mine: false, text: "Perfect. Marit is coming too.", minutesAgo: 47 },
      { mine: false, text: "She asks if you still have her map of the islands?", minutesAgo: 46 },
    ],
  },
  {
    conversation: DEMO_MATRIX.unencrypted.conversation,
    peer: DEMO_MATRIX.unencrypted.peer,
    room: "!oldRoomUnencrypted:oldserver.example",
    encrypted: false,
    request: false,
    unread: 0,
    lines: [
      {
        mine: false,
        text: "This room is from before our server had encryption, sorry.",
        minutesAgo: (9 * DAY) / MINUTE,
      },
      {
        mine: true,
        text: "No problem, nothing secret here. Minutes are attached to the wiki.",
        minutesAgo: (9 * DAY) / MINUTE - 30,
      },
      { mine: false, text: "Thanks, found them.", minutesAgo: (8 * DAY) / MINUTE },
    ],
  },
  {
    conversation: DEMO_MATRIX.invitation.conversation,
    peer: DEMO_MATRIX.invitation.peer,
    room: "!inviteReadingGroup:freehold.example",
    encrypted: true,
    request: true,
    unread: 1,
    lines: [
      {
        mine: false,
        text: "Hi Ulla, I run a reading group on Matrix and a friend gave me your id. Would you like to join us?",
        minutesAgo: 140,
      },
    ],
  },
];

/** A Matrix id written as the address its chats carry (`@vic:example.org` → `vic@example.org`). */
function addressOf(userId: string): string {
  const colon = userId.indexOf(":");
  return `${userId.slice(1, colon)}@${userId.slice(colon + 1)}`;
}

export type DemoMatrixWorld = {
  accounts: MatrixAccountInfo[];
  conversations: Conversation[];
  messages: Map<string, Message[]>;
  contacts: Map<string, Contact>;
  /** The decision that turned the account on (without its `seq`: the world numbers it). */
  decisions: Omit<LedgerEntry, "seq">[];
};

/** The demo's Matrix account, its chats and its consent decision, against the clock `now`. */
export function demoMatrixWorld(now: number, withChats: boolean): DemoMatrixWorld {
  const me = DEMO_MATRIX.account;
  const account: MatrixAccountInfo = {
    user_id: me,
    address: addressOf(me),
    homeserver: "https://matrix.example/",
    device_id: "ISTHMUSDMO",
    enabled: true,
  };
  const conversations: Conversation[] = [];
  const messages = new Map<string, Message[]>();
  const contacts = new Map<string, Contact>();
  for (const spec of withChats ? SPECS : []) {
    const peer = addressOf(spec.peer);
    const list = spec.lines.map((line, index): Message => {
      const at = now - line.minutesAgo * MINUTE;
      return {
        ...incomingMessage(line.mine ? account.address : peer, line.text),
        id: `${spec.conversation}-m${index + 1}`,
        conversation: spec.conversation,
        seq: index + 1,
        direction: line.mine ? "outgoing" : "incoming",
        sent_at: at,
        stored_at: at + 500,
        status: line.mine ? "read" : "received",
      };
    });
    const last = list[list.length - 1];
    conversations.push({
      id: spec.conversation,
      account: address(account.address),
      peer: address(peer),
      created_at: list[0]?.sent_at ?? now,
      last_activity: last?.sent_at ?? now,
      last_preview: last?.body ?? "",
      last_status: last && last.direction === "outgoing" ? last.status : null,
      unread: spec.unread,
      next_seq: list.length + 1,
      request: spec.request,
      read_only: false,
      send_refusal: null,
      group: null,
      title: null,
      matrix: { room: spec.room, account: me, peer: spec.peer, encrypted: spec.encrypted },
    });
    messages.set(spec.conversation, list);
    contacts.set(contactKey(account.address, peer), { ...newContact(), first_contact_confirmed: true });
  }
  const decisions: Omit<LedgerEntry, "seq">[] = [
    {
      at: now - 10 * DAY,
      account: account.address,
      counterpart: "matrix",
      decision: "interop_enabled",
      disclosure_version: DEMO_MATRIX_DISCLOSURE_VERSION,
    },
  ];
  return { accounts: [account], conversations, messages, contacts, decisions };
}
