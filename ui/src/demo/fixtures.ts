// Demo data: accounts, chats, messages, contacts and consent decisions, built from a seed.
// The same seed and `now` give the same world (thumbnails aside, which need a canvas).
import type {
  AccountInfo,
  Address,
  Attachment,
  Contact,
  Conversation,
  Group,
  LedgerEntry,
  MatrixAccountInfo,
  Message,
  MessageStatus,
} from "../bindings";
import { demoGroupWorld } from "./groupFixtures";
import { demoMatrixWorld } from "./matrixFixtures";
import { seededRandom, type Random } from "./random";
import { makeThumbnail } from "./thumbnails";

export const DEMO_PASSPHRASE = "correct horse battery";

export type DemoWorld = {
  accounts: AccountInfo[];
  conversations: Map<string, Conversation>;
  messages: Map<string, Message[]>;
  /** Chats whose messages are built on first read (generated and big chats): id → builder. */
  lazyMessages: Map<string, () => Message[]>;
  contacts: Map<string, Contact>;
  ledger: LedgerEntry[];
  /** Groups by id (their chats are in `conversations`, with `group` set). */
  groups: Map<string, Group>;
  /** Matrix accounts, oldest first (their chats are in `conversations`, with `matrix` set). */
  matrixAccounts: MatrixAccountInfo[];
};

/** A world with nothing in it (no profile yet). */
export function emptyWorld(): DemoWorld {
  return {
    accounts: [],
    conversations: new Map(),
    messages: new Map(),
    lazyMessages: new Map(),
    contacts: new Map(),
    ledger: [],
    groups: new Map(),
    matrixAccounts: [],
  };
}

/** Takes a chat's messages, building them first if they are lazy. */
export function messagesOf(world: DemoWorld, id: string): Message[] {
  let list = world.messages.get(id);
  if (!list) {
    const build = world.lazyMessages.get(id);
    world.lazyMessages.delete(id);
    list = build ? build() : [];
    world.messages.set(id, list);
  }
  return list;
}

export const MEADOW = "meadow.example";
export const HARBOR = "harbor.example";

export function address(text: string): Address {
  const at = text.lastIndexOf("@");
  return { name: text.slice(0, at), network: text.slice(at + 1), device: 1 };
}

export function contactKey(account: string, peer: string): string {
  return `${account}|${peer}`;
}

export function newContact(): Contact {
  return { verified: false, blocked: false, key_change_held: false, first_contact_confirmed: false };
}

const MEADOW_PEOPLE = [
  "bea",
  "cedric",
  "dana.okafor",
  "elif",
  "farid",
  "hiro",
  "ines",
  "jon",
  "kamala",
  "leo",
  "mina",
  "nils",
  "olu",
  "pia",
  "gwendolyn.featherstonehaugh-montgomery-smythe",
  "rafael",
  "sana",
  "teo",
];
const HARBOR_PEOPLE = ["heron", "marta", "noor", "oskar", "priya", "quentin", "rosa", "sami", "tove", "ulla"];

const LINES = [
  "Are we still on for Thursday?",
  "I pushed the draft, have a look when you can.",
  "Ha, that's brilliant 😄",
  "Running ten minutes late, sorry!",
  "مرحبا، كيف حالك اليوم؟ هل وصلت الرسالة؟",
  "שלום! נתראה מחר בבוקר ליד התחנה.",
  "🎉",
  "👍👍",
  "😂🙈",
  "Can you send me the photos from Saturday?",
  "The train is delayed again. Typical.",
  "Here's the article I mentioned: https://example.org/articles/bridges?ref=isthmus",
  "Sure, sounds good.",
  "I think the second option is better, but let's discuss it with the others before we decide anything final. There are a few trade-offs I'd like to write down first so nobody is surprised later on: cost, time, and who maintains it.",
  "Thanks!",
  "Did you see the sunset yesterday? Unreal colours.",
  "Ok 👌",
  "Where did you park?",
  "Happy birthday!! 🎂🎈",
  "Let me check and get back to you.",
];

const REPLIES = [
  "Got it, thanks!",
  "Haha yes",
  "On my way 🚲",
  "Let me think about it.",
  "Sounds good to me.",
  "👍",
  "Perfect, see you then.",
  "Interesting — tell me more?",
];

function attachmentFor(random: Random, origin: string, downloaded: boolean): Attachment {
  const image = random.chance(0.75);
  if (!image) {
    return {
      origin_network: origin,
      size: 20_000 + random.int(3_000_000),
      content_type: "application/pdf",
      file_name: random.pick(["minutes-2026-03.pdf", "invoice_4711.pdf", "boarding-pass.pdf"]),
      width: 0,
      height: 0,
      thumbnail: null,
      downloaded,
      note: null,
    };
  }
  return {
    origin_network: origin,
    size: 80_000 + random.int(2_000_000),
    content_type: "image/jpeg",
    file_name: `IMG_${1000 + random.int(9000)}.jpg`,
    width: 1600,
    height: 1200,
    thumbnail: makeThumbnail(random.int(360)),
    downloaded,
    note: null,
  };
}

type ChatSpec = {
  account: string;
  peer: string;
  count: number;
  request?: boolean;
  lines?: string[];
  unread?: number;
  ageMinutes: number;
  /** Messages are built on first read, each from its own seed (big and generated chats). */
  lazy?: boolean;
};

export type FixtureOptions = {
  seed?: number;
  /** The clock the fixtures are built against (ms since the epoch). */
  now?: number;
  /**
   * How many chats the inbox holds. Fewer than the hand-written ones keeps the first N of them
   * (0: an empty inbox); more adds generated chats up to N. Unset: the hand-written ones.
   */
  chats?: number;
  /** How many messages archive.bot's chat holds (default 1,500). */
  bigChatMessages?: number;
  /** Account addresses; unset gives the three demo accounts and their consent history. */
  accounts?: string[];
};

export const FIXTURE_NOW = Date.UTC(2026, 2, 10, 11, 30);
export const BIG_CHAT_PEER = `archive.bot@${MEADOW}`;
/** What archive.bot's oldest message says. */
export const BIG_CHAT_FIRST_LINE = "First entry: a quokka crossed the bridge at dawn.";
const DEFAULT_BIG_CHAT = 1500;

/** The demo world for a seed: the fixtures the demo backend, stories and benchmarks share. */
export function makeFixtures(options: FixtureOptions = {}): DemoWorld {
  return buildWorld(options.seed ?? 1, options.now ?? FIXTURE_NOW, options.accounts, options);
}

const GIVEN = [
  "amara",
  "bo",
  "chen",
  "dario",
  "esme",
  "femi",
  "greta",
  "hana",
  "ilya",
  "jun",
  "kofi",
  "lena",
  "mateo",
  "nadia",
  "omar",
  "paula",
  "ravi",
  "sofia",
  "tariq",
  "vera",
  "wei",
  "xenia",
  "yara",
  "zeno",
];
const FAMILY = [
  "adeyemi",
  "berg",
  "costa",
  "dubois",
  "eriksen",
  "fischer",
  "garcia",
  "haddad",
  "ito",
  "jensen",
  "kowalski",
  "lind",
  "moreau",
  "novak",
  "ortiz",
  "petrov",
  "quinn",
  "rossi",
  "silva",
  "tanaka",
];

/** Mixes a seed with a number into a new seed (so a chat's or message's content needs no stream). */
function mix(seed: number, value: number): number {
  let result = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(value + 0x27d4eb2f, 0xc2b2ae35);
  result = Math.imul(result ^ (result >>> 15), 0x2c1b3c6d);
  return (result ^ (result >>> 12)) >>> 0;
}

/** One message of a lazy chat: depends only on the chat's seed and the message's place. */
function lazyMessage(chatSeed: number, id: string, spec: ChatSpec, seq: number, last: number, span: number): Message {
  const random = seededRandom(mix(chatSeed, seq));
  const incoming = spec.request ? true : random.chance(0.5);
  const at = Math.round(last - span + (span * seq) / spec.count);
  const line = random.pick(LINES);
  const body = spec.lines?.[seq - 1] ?? (spec.count > 100 ? `Daily digest #${seq}: ${line}` : line);
  const status: MessageStatus = incoming
    ? "received"
    : seq < spec.count - 1
      ? "read"
      : random.pick(["sent", "delivered", "read"] as const);
  return {
    id: `${id}-m${seq}`,
    conversation: id,
    seq,
    direction: incoming ? "incoming" : "outgoing",
    author: incoming ? spec.peer : spec.account,
    body,
    sent_at: at,
    stored_at: at + 500,
    status,
    failure: null,
    quote: null,
    reactions: random.chance(0.05)
      ? [{ author: incoming ? spec.account : spec.peer, emoji: random.pick(["❤️", "👍", "😂"]) }]
      : [],
    edited: random.chance(0.03),
    notice: null,
    deleted: false,
    attachments: [],
  };
}

/** Chats beyond the hand-written ones: names, networks and ages from the seed. */
function generatedSpecs(seed: number, accounts: AccountInfo[], count: number, startAgeMinutes: number): ChatSpec[] {
  const random = seededRandom(mix(seed, 0x5eed));
  const specs: ChatSpec[] = [];
  for (let i = 0; i < count; i++) {
    const account = accounts[i % 7 === 6 && accounts.length > 1 ? 1 + (i % (accounts.length - 1)) : 0] ?? accounts[0];
    if (!account) break;
    const networks = [account.network, ...account.interop];
    const network = networks[random.int(networks.length)] ?? account.network;
    const name = `${random.pick(GIVEN)}.${random.pick(FAMILY)}${i}`;
    specs.push({
      account: account.address,
      peer: `${name}@${network}`,
      count: 3 + random.int(40),
      ageMinutes: startAgeMinutes + i * 11 + random.int(10),
      unread: random.chance(0.05) ? 1 + random.int(4) : 0,
      lazy: true,
    });
  }
  return specs;
}

export function buildWorld(
  seed: number,
  now: number,
  accountAddresses?: string[],
  scale: FixtureOptions = {},
): DemoWorld {
  const random = seededRandom(seed);
  const ledger: LedgerEntry[] = [];
  const record = (entry: Omit<LedgerEntry, "seq">) => ledger.push({ ...entry, seq: ledger.length + 1 });
  const day = 86_400_000;

  const addresses = accountAddresses ?? [`ada@${MEADOW}`, `adalovelace@${HARBOR}`, `ada.lab@${MEADOW}`];
  const full = accountAddresses === undefined;
  const accounts: AccountInfo[] = addresses.map((text) => {
    const { network } = address(text);
    return { address: text, network, relay_url: `https://${network}`, interop: [], private_ca: false };
  });
  const main = accounts[0];
  if (!main) throw new Error("a demo world needs an account");
  if (full) {
    // The lab account allowed harbor before the disclosure said what groups do across networks:
    // it is asked again (the inbox's review banner) before people on harbor can add it to groups.
    const lab = accounts[2];
    if (lab) {
      lab.interop = [HARBOR];
      record({
        at: now - 60 * day,
        account: lab.address,
        counterpart: HARBOR,
        decision: "interop_enabled",
        disclosure_version: "interop-disclosure-v1",
      });
    }
    // The main account opted into harbor; the harbor account opted into meadow and later
    // withdrew it (its chat with bea is read-only now).
    main.interop = [HARBOR];
    record({
      at: now - 40 * day,
      account: main.address,
      counterpart: HARBOR,
      decision: "interop_enabled",
      disclosure_version: "interop-disclosure-v2",
    });
    const harborAccount = accounts[1];
    if (harborAccount) {
      record({
        at: now - 39 * day,
        account: harborAccount.address,
        counterpart: MEADOW,
        decision: "interop_enabled",
        disclosure_version: "interop-disclosure-v2",
      });
      record({
        at: now - 2 * day,
        account: harborAccount.address,
        counterpart: MEADOW,
        decision: "interop_disabled",
        disclosure_version: null,
      });
    }
  }

  let specs: ChatSpec[] = [];
  const ownNetwork = main.network;
  const ownPeople = ownNetwork === HARBOR ? HARBOR_PEOPLE : MEADOW_PEOPLE;
  ownPeople.forEach((name, i) => {
    specs.push({
      account: main.address,
      peer: `${name}@${ownNetwork}`,
      count: 6 + random.int(30),
      ageMinutes: i * 170 + random.int(120),
      unread: i < 4 ? 1 + random.int(3) : 0,
    });
  });
  if (full) {
    HARBOR_PEOPLE.slice(0, 7).forEach((name, i) => {
      specs.push({
        account: main.address,
        peer: `${name}@${HARBOR}`,
        count: 5 + random.int(20),
        ageMinutes: i * 260 + 45,
        unread: i === 1 ? 2 : 0,
      });
    });
    specs.push({
      account: main.address,
      peer: BIG_CHAT_PEER,
      count: Math.max(1, scale.bigChatMessages ?? DEFAULT_BIG_CHAT),
      ageMinutes: 60 * 30,
      lazy: true,
      // The oldest entry holds a word found nowhere else: search finds it 1,500 messages back.
      lines: [BIG_CHAT_FIRST_LINE],
    });
    specs.push({
      account: main.address,
      peer: `zara@${MEADOW}`,
      count: 2,
      request: true,
      ageMinutes: 12,
      lines: ["Hi! We met at the conference — is this Ada?", "Slides are here: https://slides.example/talk-42"],
    });
    specs.push({
      account: main.address,
      peer: `prize.desk@${HARBOR}`,
      count: 1,
      request: true,
      ageMinutes: 95,
      lines: ["Congratulations!! You won a voucher. Claim it now at www.prize-claim.example/win before midnight"],
    });
    specs.push({
      account: main.address,
      peer: `yusuf@${HARBOR}`,
      count: 1,
      request: true,
      ageMinutes: 300,
      lines: ["Hello Ada, Priya gave me your address. Could we talk about the workshop?"],
    });
    const harborAccount = accounts[1];
    if (harborAccount) {
      specs.push({ account: harborAccount.address, peer: `bea@${MEADOW}`, count: 14, ageMinutes: 60 * 50 });
      specs.push({ account: harborAccount.address, peer: `tove@${HARBOR}`, count: 9, ageMinutes: 200, unread: 1 });
      specs.push({ account: harborAccount.address, peer: `quentin@${HARBOR}`, count: 5, ageMinutes: 900 });
    }
    const lab = accounts[2];
    if (lab) {
      specs.push({ account: lab.address, peer: `jon@${MEADOW}`, count: 7, ageMinutes: 400 });
      specs.push({ account: lab.address, peer: `sami@${HARBOR}`, count: 4, ageMinutes: 1300 });
      specs.push({
        account: lab.address,
        peer: `leo@${MEADOW}`,
        count: 3,
        request: true,
        ageMinutes: 50,
        lines: ["hey, is this the lab account?"],
      });
    }
  }
  if (scale.chats !== undefined) {
    const wanted = Math.max(0, Math.floor(scale.chats));
    if (wanted <= specs.length) specs = specs.slice(0, wanted);
    else specs = specs.concat(generatedSpecs(seed, accounts, wanted - specs.length, 60 * 60));
  }

  const conversations = new Map<string, Conversation>();
  const messages = new Map<string, Message[]>();
  const lazyMessages = new Map<string, () => Message[]>();
  const contacts = new Map<string, Contact>();

  specs.forEach((spec, index) => {
    const id = `c${index + 1}`;
    const peer = address(spec.peer);
    const account = address(spec.account);
    const last = now - spec.ageMinutes * 60_000;
    let list: Message[] = [];
    let lastMessage: Message | undefined;
    let incomingCount: number;
    let createdAt: number;
    if (spec.lazy) {
      const chatSeed = mix(seed, index + 1);
      const span = spec.count > 100 ? (spec.count * 3 * 3_600_000) / 10 : (2 + (chatSeed % 6)) * day;
      lazyMessages.set(id, () =>
        Array.from({ length: spec.count }, (_, i) => lazyMessage(chatSeed, id, spec, i + 1, last, span)),
      );
      lastMessage = spec.count > 0 ? lazyMessage(chatSeed, id, spec, spec.count, last, span) : undefined;
      incomingCount = lastMessage?.direction === "incoming" ? spec.count : 0;
      createdAt = Math.round(last - span + span / Math.max(1, spec.count));
    } else {
      list = handWrittenMessages(random, id, spec, account.network, peer.network, last, day);
      lastMessage = list[list.length - 1];
      incomingCount = list.filter((m) => m.direction === "incoming").length;
      createdAt = list[0]?.sent_at ?? last;
      messages.set(id, list);
    }
    const unread = spec.request ? spec.count : Math.min(spec.unread ?? 0, incomingCount);
    conversations.set(id, {
      id,
      account,
      peer,
      created_at: createdAt,
      last_activity: lastMessage?.sent_at ?? last,
      last_preview: lastMessage ? previewOf(lastMessage) : "",
      last_status: lastMessage && lastMessage.direction === "outgoing" ? lastMessage.status : null,
      unread,
      next_seq: spec.count + 1,
      request: spec.request === true,
      read_only: false,
      send_refusal: null,
      group: null,
      title: null,
      matrix: null,
    });
    const contact = newContact();
    if (!spec.request) contact.first_contact_confirmed = true;
    contacts.set(contactKey(spec.account, spec.peer), contact);
  });

  const groups = new Map<string, Group>();
  if (full && scale.chats === undefined) {
    // The demo groups, with people on both networks (groupFixtures.ts); not in scaled worlds.
    const made = demoGroupWorld(now);
    for (const [id, group] of made.groups) groups.set(id, group);
    for (const conversation of made.conversations) conversations.set(conversation.id, conversation);
    for (const [id, list] of made.messages) messages.set(id, list);
  }

  if (full) {
    const marta = contacts.get(contactKey(`ada@${MEADOW}`, `marta@${HARBOR}`));
    if (marta) marta.key_change_held = true;
    const bea = contacts.get(contactKey(`ada@${MEADOW}`, `bea@${MEADOW}`));
    if (bea) bea.verified = true;
    record({
      at: now - 30 * day,
      account: `ada@${MEADOW}`,
      counterpart: `bea@${MEADOW}`,
      decision: "verified",
      disclosure_version: null,
    });
    record({
      at: now - 20 * day,
      account: `ada@${MEADOW}`,
      counterpart: `heron@${HARBOR}`,
      decision: "first_contact_confirmed",
      disclosure_version: null,
    });
  }
  let matrixAccounts: MatrixAccountInfo[] = [];
  if (full) {
    // The Matrix account and its decision always; its chats only in the hand-written world
    // (matrixFixtures.ts), as the groups.
    const made = demoMatrixWorld(now, scale.chats === undefined);
    matrixAccounts = made.accounts;
    for (const conversation of made.conversations) conversations.set(conversation.id, conversation);
    for (const [id, list] of made.messages) messages.set(id, list);
    for (const [key, contact] of made.contacts) contacts.set(key, contact);
    for (const decision of made.decisions) record(decision);
  }
  return { accounts, conversations, messages, lazyMessages, contacts, ledger, groups, matrixAccounts };
}

/** The messages of a hand-written chat: quotes, reactions, edits, deletes and attachments drawn from the shared stream. */
function handWrittenMessages(
  random: Random,
  id: string,
  spec: ChatSpec,
  accountNetwork: string,
  peerNetwork: string,
  last: number,
  day: number,
): Message[] {
  const list: Message[] = [];
  const span = (2 + random.int(6)) * day;
  for (let i = 0; i < spec.count; i++) {
    const seq = i + 1;
    const incoming = spec.request ? true : random.chance(0.5);
    const at = Math.round(last - span + (span * (i + 1)) / spec.count);
    const body = spec.lines?.[i] ?? random.pick(LINES);
    const status: MessageStatus = incoming
      ? "received"
      : i < spec.count - 2
        ? "read"
        : random.pick(["sent", "delivered", "read"] as const);
    const message: Message = {
      id: `${id}-m${seq}`,
      conversation: id,
      seq,
      direction: incoming ? "incoming" : "outgoing",
      author: incoming ? spec.peer : spec.account,
      body,
      sent_at: at,
      stored_at: at + 500,
      status,
      failure: null,
      quote: null,
      reactions: [],
      edited: false,
      notice: null,
      deleted: false,
      attachments: [],
    };
    if (!spec.request) {
      const previous = list[list.length - 1];
      if (previous && !previous.deleted && random.chance(0.12)) {
        message.quote = { message_id: previous.id, author: previous.author, text: previous.body.slice(0, 120) };
      }
      if (random.chance(0.12))
        message.reactions = [
          { author: incoming ? spec.account : spec.peer, emoji: random.pick(["❤️", "👍", "😂", "😮"]) },
        ];
      if (random.chance(0.06)) message.edited = true;
      if (random.chance(0.04)) {
        message.deleted = true;
        message.body = "";
      }
      if (!message.deleted && random.chance(0.1)) {
        message.attachments = [
          attachmentFor(random, incoming ? peerNetwork : accountNetwork, !incoming || random.chance(0.5)),
        ];
        if (random.chance(0.5)) message.body = "";
      }
    }
    list.push(message);
  }
  if (spec.peer.startsWith("prize.desk")) {
    // A request with an image: nothing is fetched until it is accepted.
    const first = list[0];
    if (first) first.attachments = [attachmentFor(seededRandom(7), HARBOR, false)];
  }
  return list;
}

export function previewOf(message: Message): string {
  if (message.deleted) return "Message deleted";
  if (message.body.trim() !== "") return message.body;
  const attachment = message.attachments[0];
  if (attachment) return attachment.content_type.startsWith("image/") ? "Photo" : `File: ${attachment.file_name}`;
  return "";
}

export function replyLine(random: Random): string {
  return random.pick(REPLIES);
}

export function incomingLine(random: Random): string {
  return random.pick(LINES);
}

export const REQUEST_OPENERS = [
  "Hi! Is this the Ada from the climbing club?",
  "Hello — I found your address on the meetup page. Free for a quick question?",
  "Limited offer: crypto returns guaranteed, see https://totally-legit.example/now",
];

export const HARBOR_NEWCOMERS = ["wren", "ivo", "lumi", "cato"];
