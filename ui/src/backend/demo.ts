// DemoBackend: the whole Backend in memory, with fixture data and simulated peers who answer,
// type and send requests. Deterministic for a given seed (timers aside, which follow the clock).
import { incomingMessage, type NewMessage } from "./demoMessages";
import type {
  AccountInfo,
  Contact,
  Conversation,
  ConversationId,
  Decision,
  Disclosure,
  Discoverability,
  Draft,
  SearchResults,
  ErrorCode,
  Event,
  Group,
  GroupAdds,
  GroupId,
  InboxLayout,
  LedgerEntry,
  MatrixAccountInfo,
  MemberReceipt,
  Message,
  MessageId,
  Outgoing,
  Page,
  SafetyNumber,
  SavedAttachment,
  UnopenedSender,
  UnsentReport,
  UserError,
} from "../bindings";
import {
  DEMO_PASSPHRASE,
  HARBOR,
  HARBOR_NEWCOMERS,
  MEADOW,
  REQUEST_OPENERS,
  address,
  buildWorld,
  contactKey,
  emptyWorld,
  makeFixtures,
  messagesOf,
  incomingLine,
  newContact,
  previewOf,
  replyLine,
  type DemoWorld,
} from "../demo/fixtures";
import { seededRandom, type Random } from "../demo/random";
import { sendRefusal, sendState, sendStateOf } from "../logic/maySend";
import { makeThumbnail } from "../demo/thumbnails";
import { DemoDrafts } from "./demoDrafts";
import { searchDemo } from "./demoSearch";
import { DemoGroups } from "./demoGroups";
import { DemoMatrix } from "./demoMatrix";
import { consentedUnder, interopToReview } from "./demoReview";
import {
  defaultSettings,
  type AddressText,
  type Backend,
  type BackendEvent,
  type FileDrop,
  type ProfileState,
  type ReportReason,
  type Settings,
} from "./backend";

export const DISCLOSURE_VERSION = "interop-disclosure-v2";
/** A demo sender whose first contacts could not be opened (see `unopenedFirstContacts`). */
const DEMO_GARBAGE_SENDER = "x7q.promo@harbor.example";

const NOT_AVAILABLE = ["profile photos", "voice and video calls", "disappearing messages"];

export type DemoOptions = {
  seed: number;
  /** Where the demo starts: no profile (onboarding), locked (unlock screen) or unlocked (inbox). */
  profile: ProfileState;
  /** Multiplies every simulated delay (0 makes peers answer at once; tests use small values). */
  speed: number;
  /** No spontaneous activity (peers still answer what you send). */
  quiet: boolean;
  now: number;
  /** How many chats the inbox holds (see `makeFixtures`); unset: the hand-written ones. */
  chats?: number;
  /** How many messages the big chat (archive.bot) holds; unset: 1,500. */
  bigChatMessages?: number;
  /** No relay answers: subscribers hear every account is offline, and sent messages stay pending. */
  offline?: boolean;
};

function countParam(params: URLSearchParams, name: string, max: number): number | undefined {
  const value = params.get(name);
  if (value === null || !/^\d+$/.test(value)) return undefined;
  return Math.min(Number(value), max);
}

export function demoOptionsFromUrl(search: string, now = Date.now()): DemoOptions {
  const params = new URLSearchParams(search);
  const seedText = params.get("seed");
  const profile = params.get("profile");
  const speed = Number(params.get("speed") ?? "1");
  return {
    seed: seedText !== null && /^\d+$/.test(seedText) ? Number(seedText) : 1,
    profile: profile === "missing" || profile === "locked" ? profile : "unlocked",
    speed: Number.isFinite(speed) && speed >= 0 ? speed : 1,
    quiet: params.has("quiet"),
    now,
    chats: countParam(params, "chats", 200_000),
    bigChatMessages: countParam(params, "big", 1_000_000),
    offline: params.has("offline"),
  };
}

function fail(code: ErrorCode, message: string): UserError {
  return { code, message };
}

/** The engine's disclosure (consent/disclosure.rs), word for word: demo.test.ts checks it against
 * crates/isthmus-core/fixtures/disclosure.json, which the engine's own test keeps current. */
function disclosureFor(network: string): Disclosure {
  return {
    version: DISCLOSURE_VERSION,
    network,
    title: `Let people on ${network} reach you?`,
    facts: [
      `People who use ${network} will be able to send you messages and message requests.`,
      `Spam and scams may be more common on ${network}. Messages from people you don't know arrive as requests you can accept, delete, block or report.`,
      `${network} has its own policies and may handle your data differently. Messages stay end-to-end encrypted, but ${network} sees who you talk to and when.`,
      `People on ${network} can add you to group chats, as your setting for who can add you allows; anyone else's add arrives as an invitation, and nothing of that group reaches you unless you accept it.`,
      `In a group, every member sees your address and network, and ${network} learns that its people are in a group with you (never the group's name or messages).`,
      "Your profile photo is not shared with other networks.",
      `Some features don't work with people on ${network}: ${NOT_AVAILABLE.join(", ")}.`,
      "You can turn this off at any time. Chats with this network then become read-only.",
    ],
    not_available: NOT_AVAILABLE,
  };
}

function text(address: { name: string; network: string }): string {
  return `${address.name}@${address.network}`;
}

export class DemoBackend implements Backend {
  readonly kind = "demo" as const;
  private state: ProfileState;
  private passphrase: string;
  private world: DemoWorld;
  private layout: InboxLayout = "combined";
  private prefs: Settings = { ...defaultSettings };
  private listeners = new Set<(event: Event) => void>();
  private openers = new Set<(conversationId: ConversationId) => void>();
  private staged = new Map<string, { name: string; bytes: Uint8Array }>();
  private random: Random;
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private ticker: ReturnType<typeof setInterval> | null = null;
  private counter = 0;
  private discoverable = new Map<AddressText, Discoverability>();
  /** Reports made while no relay answered (`offline`), as the engine keeps them. */
  private unsent = new Map<AddressText, UnsentReport[]>();
  /** Groups, by the engine's rules (demoGroups.ts). */
  private readonly groupRules: DemoGroups;
  /** Drafts per chat, by the engine's rules (demoDrafts.ts). */
  private readonly draftStore = new DemoDrafts();
  /** Matrix accounts and their chats, by the engine's rules (demoMatrix.ts). */
  private readonly matrix: DemoMatrix;

  constructor(private readonly options: DemoOptions) {
    this.random = seededRandom(options.seed * 7919 + 17);
    this.state = options.profile;
    this.passphrase = DEMO_PASSPHRASE;
    this.world =
      options.profile === "missing"
        ? emptyWorld()
        : makeFixtures({
            seed: options.seed,
            now: options.now,
            chats: options.chats,
            bigChatMessages: options.bigChatMessages,
          });
    this.groupRules = new DemoGroups({
      world: () => this.world,
      random: this.random,
      offline: options.offline === true,
      account: (addressText) => this.account(addressText),
      contactOf: (account, peer) => this.contactOf(account, peer),
      append: (conversation, partial, countUnread) => this.append(conversation, partial, countUnread),
      update: (conversation, message) => this.update(conversation, message),
      changed: (conversation) => this.changed(conversation),
      remove: (conversation) => this.remove(conversation),
      later: (ms, action) => this.later(ms, action),
      emit: (event) => this.emit(event),
      nextId: () => ++this.counter,
    });
    this.matrix = new DemoMatrix({
      world: () => this.world,
      hasAccount: (addressText) => this.world.accounts.some((account) => account.address === addressText),
      contactOf: (account, peer) => this.contactOf(account, peer),
      record: (account, counterpart, decision, version) => this.record(account, counterpart, decision, version),
      changed: (conversation) => this.changed(conversation),
      create: (account, peer, matrix) => this.create(account, peer, matrix),
      nextId: () => ++this.counter,
    });
    const first = this.world.accounts[0];
    if (options.offline && first !== undefined) {
      // A report made before the relay went away, so the "not sent yet" note can be seen.
      const kept = {
        address: DEMO_GARBAGE_SENDER,
        reason: "spam" as const,
        messages: 3,
        queued_at_ms: options.now - 600_000,
      };
      this.unsent.set(first.address, [kept]);
    }
  }

  /** Stops every timer (tests). */
  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  // --- plumbing ---------------------------------------------------------------------------

  private emit(event: Event): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  private later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.state === "unlocked") action();
    }, ms * this.options.speed);
    this.timers.add(timer);
  }

  private requireUnlocked(): void {
    if (this.state === "missing") throw fail("profile_missing", "There is no profile yet.");
    if (this.state === "locked") throw fail("profile_locked", "The profile is locked.");
  }

  private account(addressText: AddressText): AccountInfo {
    const account = this.world.accounts.find((candidate) => candidate.address === addressText);
    if (!account) throw fail("unknown_account", `No account ${addressText} in this profile.`);
    return account;
  }

  private readOnly(conversation: Conversation): boolean {
    if (conversation.matrix !== null) return this.matrix.readOnly(conversation);
    const account = this.world.accounts.find((candidate) => candidate.address === text(conversation.account));
    if (!account || conversation.peer.network === account.network) return false;
    return !account.interop.includes(conversation.peer.network);
  }

  /** A chat as the engine answers it: with what it fills in (read-only, why it may not send). */
  private view(conversation: Conversation): Conversation {
    if (conversation.matrix !== null) return this.matrix.view(conversation);
    if (conversation.group !== null) {
      const refusal = this.groupRules.refusal(conversation);
      return { ...conversation, read_only: refusal !== null, send_refusal: refusal };
    }
    const shown = { ...conversation, read_only: this.readOnly(conversation) };
    const contact = this.contactOf(text(conversation.account), text(conversation.peer));
    return { ...shown, send_refusal: sendRefusal(sendStateOf(shown, contact)) };
  }

  private conversationOrFail(id: ConversationId): Conversation {
    const conversation = this.world.conversations.get(id);
    if (!conversation) throw fail("unknown_conversation", "This chat no longer exists.");
    return conversation;
  }

  private find(account: AddressText, peer: AddressText): Conversation | undefined {
    for (const conversation of this.world.conversations.values()) {
      if (text(conversation.account) === account && text(conversation.peer) === peer) return conversation;
    }
    return undefined;
  }

  private contactOf(account: AddressText, peer: AddressText): Contact {
    const key = contactKey(account, peer);
    let contact = this.world.contacts.get(key);
    if (!contact) {
      contact = newContact();
      this.world.contacts.set(key, contact);
    }
    return contact;
  }

  private record(
    account: string,
    counterpart: string,
    decision: Decision,
    disclosureVersion: string | null = null,
  ): void {
    const entry: LedgerEntry = {
      seq: this.world.ledger.length + 1,
      at: Date.now(),
      account,
      counterpart,
      decision,
      disclosure_version: disclosureVersion,
    };
    this.world.ledger.push(entry);
    this.emit({ type: "consent_recorded", entry });
  }

  private changed(conversation: Conversation): void {
    this.emit({ type: "conversation_changed", conversation: this.view(conversation) });
  }

  private messagesOf(id: ConversationId): Message[] {
    return messagesOf(this.world, id);
  }

  private touch(conversation: Conversation, message: Message): void {
    conversation.last_activity = message.sent_at;
    conversation.last_preview = previewOf(message);
    conversation.last_status = message.direction === "outgoing" ? message.status : null;
  }

  private append(
    conversation: Conversation,
    partial: NewMessage,
    countUnread = partial.direction === "incoming",
  ): Message {
    const seq = conversation.next_seq;
    conversation.next_seq += 1;
    const message: Message = {
      ...partial,
      id: `${conversation.id}-m${seq}-${++this.counter}`,
      conversation: conversation.id,
      seq,
      stored_at: Date.now(),
    };
    this.messagesOf(conversation.id).push(message);
    this.touch(conversation, message);
    if (countUnread) conversation.unread += 1;
    this.emit({ type: "message_added", message: { ...message } });
    this.changed(conversation);
    return message;
  }

  private update(conversation: Conversation, message: Message): void {
    const list = this.messagesOf(conversation.id);
    if (list[list.length - 1]?.id === message.id) this.touch(conversation, message);
    this.emit({ type: "message_updated", message: { ...message } });
    this.changed(conversation);
  }

  /** Refuses a send the engine would refuse, with the engine's code, by the engine's rule. */
  private canWrite(conversation: Conversation): void {
    this.refuse(this.view(conversation).send_refusal, text(conversation.peer));
  }

  private refuse(refusal: ErrorCode | null, peer: AddressText): void {
    switch (refusal) {
      case null:
        return;
      case "interop_off":
        throw fail(refusal, "You turned off chats with this network; the chat is read-only.");
      case "blocked":
        throw fail(refusal, "You blocked this person.");
      case "key_change_unacknowledged":
        throw fail(refusal, "This person's safety number changed; acknowledge it first.");
      case "request_pending":
        throw fail(refusal, "Accept the request before you answer.");
      case "first_contact_required":
        throw fail(refusal, `Confirm that you want to write to ${peer}.`);
      default:
        throw fail(refusal, "This chat cannot send right now.");
    }
  }

  /** The chat a send goes to: as the engine, a send to someone without a chat yet starts one. */
  private chatForSend(account: AddressText, peer: AddressText): Conversation {
    const existing = this.find(account, peer);
    if (existing) return existing;
    // As the engine: a Matrix chat is opened with openMatrixChat, never by a first send.
    if (this.matrix.byAddress(account)) throw fail("unknown_conversation", "Open the Matrix chat first.");
    const info = this.account(account);
    const peerAddress = address(peer);
    if (!peerAddress.name || !peerAddress.network) throw fail("invalid_address", "Addresses look like name@network.");
    const cross = peerAddress.network !== info.network;
    const allowed = !cross || info.interop.includes(peerAddress.network);
    this.refuse(sendRefusal(sendState(this.contactOf(account, peer), cross, allowed, "none")), peer);
    return this.create(account, peer);
  }

  private incomingFrom(conversation: Conversation, body: string, extra: Partial<Message> = {}): Message {
    return this.append(conversation, { ...incomingMessage(text(conversation.peer), body), ...extra });
  }

  /** The peer receives, reads, types and answers. */
  private simulatePeer(conversation: Conversation, message: Message): void {
    if (this.options.offline) return;
    const step = (ms: number, status: Message["status"]) =>
      this.later(ms, () => {
        if (!this.world.conversations.has(conversation.id) || message.deleted) return;
        message.status = status;
        this.update(conversation, message);
      });
    step(300, "sent");
    step(800, "delivered");
    step(1400, "read");
    this.later(1600, () =>
      this.emit({ type: "typing", conversation: conversation.id, author: text(conversation.peer), started: true }),
    );
    this.later(2800, () => {
      this.emit({ type: "typing", conversation: conversation.id, author: text(conversation.peer), started: false });
      if (
        !this.world.conversations.has(conversation.id) ||
        this.contactOf(text(conversation.account), text(conversation.peer)).blocked
      )
        return;
      const wantsPicture = /photo|picture|pic\b|image/i.test(message.body);
      if (wantsPicture) {
        this.incomingFrom(conversation, "Here you go", {
          attachments: [
            {
              origin_network: conversation.peer.network,
              size: 734_003,
              content_type: "image/jpeg",
              file_name: "IMG_2044.jpg",
              width: 1600,
              height: 1200,
              thumbnail: makeThumbnail(this.random.int(360)),
              downloaded: false,
              note: null,
            },
          ],
        });
      } else {
        this.incomingFrom(conversation, replyLine(this.random), {
          quote: this.random.chance(0.3)
            ? { message_id: message.id, author: message.author, text: message.body.slice(0, 120) }
            : null,
        });
      }
    });
  }

  private startTicker(): void {
    if (this.options.quiet || this.ticker || typeof setInterval === "undefined") return;
    this.ticker = setInterval(
      () => {
        if (this.state !== "unlocked") return;
        if (this.random.chance(0.3)) this.newRequest();
        else {
          const accepted = [...this.world.conversations.values()].filter(
            (c) => c.group === null && !c.request && !this.readOnly(c),
          );
          if (accepted.length === 0) return;
          const conversation = this.random.pick(accepted);
          this.emit({ type: "typing", conversation: conversation.id, author: text(conversation.peer), started: true });
          this.later(1500, () => {
            this.emit({
              type: "typing",
              conversation: conversation.id,
              author: text(conversation.peer),
              started: false,
            });
            this.incomingFrom(conversation, incomingLine(this.random));
          });
        }
      },
      Math.max(2000, 45_000 * this.options.speed),
    );
  }

  /** Someone new on a network the account allows writes first: a message request. */
  newRequest(preferredNetwork?: string): Conversation | null {
    const candidates = this.world.accounts.flatMap((account) =>
      [account.network, ...account.interop].map((network) => ({ account, network })),
    );
    const choice =
      candidates.find((candidate) => candidate.network === preferredNetwork) ??
      (candidates.length > 0 ? this.random.pick(candidates) : undefined);
    if (!choice) return null;
    const name = `${this.random.pick(HARBOR_NEWCOMERS)}${this.random.int(90) + 10}`;
    const peer = `${name}@${choice.network}`;
    const conversation = emptyConversation(`r${++this.counter}`, choice.account.address, peer, true);
    this.world.conversations.set(conversation.id, conversation);
    this.contactOf(choice.account.address, peer);
    this.incomingFrom(conversation, this.random.pick(REQUEST_OPENERS));
    return conversation;
  }

  // --- profile ------------------------------------------------------------------------------

  async profileState(): Promise<ProfileState> {
    return this.state;
  }

  async createProfile(passphrase: string): Promise<void> {
    if (this.state !== "missing") throw fail("profile_exists", "A profile already exists on this machine.");
    this.passphrase = passphrase;
    this.state = "unlocked";
    this.startTicker();
  }

  async unlock(passphrase: string): Promise<void> {
    if (this.state === "missing") throw fail("profile_missing", "There is no profile yet.");
    if (passphrase !== this.passphrase) throw fail("wrong_passphrase", "That passphrase does not open this profile.");
    this.state = "unlocked";
    for (const account of this.world.accounts) this.emit(this.connectionEvent(account.address));
    this.startTicker();
  }

  async lock(): Promise<void> {
    this.requireUnlocked();
    this.dispose();
    this.state = "locked";
  }

  async changePassphrase(oldPassphrase: string, newPassphrase: string): Promise<void> {
    this.requireUnlocked();
    if (oldPassphrase !== this.passphrase) throw fail("wrong_passphrase", "The current passphrase is not right.");
    this.passphrase = newPassphrase;
  }

  // --- accounts -----------------------------------------------------------------------------

  async accounts(): Promise<AccountInfo[]> {
    this.requireUnlocked();
    return this.world.accounts.map((account) => ({ ...account, interop: [...account.interop] }));
  }

  async addAccount(relayUrl: string, name: string, caPem?: string, invite?: string): Promise<AccountInfo> {
    this.requireUnlocked();
    let url: URL;
    try {
      url = new URL(relayUrl);
    } catch {
      throw fail("invalid_relay_url", "That is not a relay address (https://…).");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw fail("invalid_relay_url", "That is not a relay address (https://…).");
    }
    const host = url.hostname;
    // As the engine: plain HTTP only to this machine.
    if (url.protocol === "http:" && !/^127\.|^localhost$|^\[::1\]$/.test(host)) {
      throw fail("insecure_relay", "http:// to another machine would not be encrypted; use https://.");
    }
    if (caPem !== undefined && !caPem.includes("-----BEGIN CERTIFICATE-----")) {
      throw fail("invalid_ca_certificate", "the CA certificate cannot be used: the file holds no certificate");
    }
    // A demo host whose certificate no device trusts, to show the refusal.
    if (host === "untrusted.example") {
      throw fail("tls_untrusted", "the relay's certificate is not from an authority this device trusts");
    }
    // The demo's meadow relay as a network that registers by invitation only (the sandbox's
    // networks are open): without a token it turns the request away, whatever the name.
    if (host === "invite-only.example" && !invite?.trim()) {
      throw fail(
        "invitation_required",
        "this network takes new accounts by invitation only: ask its operator for an invitation",
      );
    }
    const network =
      host === MEADOW || host === HARBOR
        ? host
        : host === "invite-only.example" || /^[\d.]+$|^localhost$/.test(host)
          ? MEADOW
          : null;
    if (!network) throw fail("relay_unreachable", `No relay answers at ${relayUrl}.`);
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name))
      throw fail("invalid_address", "Names use lowercase letters, digits, dot, dash and underscore.");
    const addressText = `${name}@${network}`;
    if (name === "taken" || this.world.accounts.some((account) => account.address === addressText)) {
      throw fail("name_taken", `${addressText} is taken.`);
    }
    const info: AccountInfo = {
      address: addressText,
      network,
      relay_url: relayUrl,
      interop: [],
      private_ca: caPem !== undefined,
    };
    if (this.world.accounts.length === 0) {
      // A first account comes with the demo people of its own network.
      const world = buildWorld(this.options.seed, Date.now(), [addressText]);
      this.world = { ...world, accounts: [info], ledger: this.world.ledger };
      for (const conversation of this.world.conversations.values()) this.changed(conversation);
    } else {
      this.world.accounts.push(info);
    }
    this.emit(this.connectionEvent(addressText));
    return { ...info };
  }

  // --- conversations ------------------------------------------------------------------------

  async conversations(): Promise<Conversation[]> {
    this.requireUnlocked();
    return [...this.world.conversations.values()]
      .map((conversation) => this.view(conversation))
      .sort((a, b) => b.last_activity - a.last_activity);
  }

  async conversation(conversationId: ConversationId): Promise<Conversation | null> {
    this.requireUnlocked();
    const conversation = this.world.conversations.get(conversationId);
    return conversation ? this.view(conversation) : null;
  }

  async startConversation(account: AddressText, peer: AddressText): Promise<Conversation> {
    this.requireUnlocked();
    const info = this.account(account);
    const existing = this.find(account, peer);
    if (existing) return this.view(existing);
    const peerAddress = address(peer);
    if (!peerAddress.name || !peerAddress.network) throw fail("invalid_address", "Addresses look like name@network.");
    if (peerAddress.network !== info.network) {
      if (!info.interop.includes(peerAddress.network)) {
        throw fail("interop_off", `Turn on chats with ${peerAddress.network} for ${account} first.`);
      }
      if (!this.contactOf(account, peer).first_contact_confirmed) {
        throw fail("first_contact_required", `Confirm that you want to write to ${peer}.`);
      }
    }
    return this.view(this.create(account, peer));
  }

  private create(account: AddressText, peer: AddressText, matrix: Conversation["matrix"] = null): Conversation {
    const conversation = { ...emptyConversation(`n${++this.counter}`, account, peer, false), matrix };
    this.world.conversations.set(conversation.id, conversation);
    this.changed(conversation);
    return conversation;
  }

  async messages(conversationId: ConversationId, before: number | null, limit: number): Promise<Page<Message>> {
    this.requireUnlocked();
    this.conversationOrFail(conversationId);
    const list = this.messagesOf(conversationId);
    // Messages are in seq order: find the end of the page by bisection (big chats hold 50,000+).
    let end = list.length;
    if (before !== null) {
      let low = 0;
      while (low < end) {
        const middle = (low + end) >>> 1;
        if ((list[middle]?.seq ?? Infinity) < before) low = middle + 1;
        else end = middle;
      }
    }
    const start = Math.max(0, end - limit);
    const items = list.slice(start, end).reverse();
    const oldest = items[items.length - 1];
    return {
      items: items.map((message) => ({ ...message })),
      next_cursor: oldest !== undefined && start > 0 ? oldest.seq : null,
    };
  }

  async send(account: AddressText, peer: AddressText, outgoing: Outgoing): Promise<Message | null> {
    this.requireUnlocked();
    const conversation = this.chatForSend(account, peer);
    this.canWrite(conversation);
    return this.deliver(conversation, account, outgoing, (message) => this.simulatePeer(conversation, message));
  }

  /** Text, a reaction, an edit or a delete in a chat the account may write in; `sent` follows new text. */
  private deliver(
    conversation: Conversation,
    account: AddressText,
    outgoing: Outgoing,
    sent: (message: Message) => void,
  ): Message | null {
    const list = this.messagesOf(conversation.id);
    const target = (id: MessageId) => {
      const message = list.find((candidate) => candidate.id === id);
      if (!message) throw fail("unknown_message", "That message is gone.");
      return message;
    };
    switch (outgoing.kind) {
      case "text": {
        if (outgoing.body.trim() === "") throw fail("protocol", "An empty message is not sent.");
        const quoted = outgoing.quote ? target(outgoing.quote) : null;
        const message = this.append(conversation, {
          direction: "outgoing",
          author: account,
          body: outgoing.body,
          sent_at: Date.now(),
          status: "pending",
          failure: null,
          quote: quoted ? { message_id: quoted.id, author: quoted.author, text: quoted.body.slice(0, 200) } : null,
          reactions: [],
          edited: false,
          notice: null,
          deleted: false,
          attachments: [],
        });
        // Sent: what the user was writing is the message now.
        this.draftStore.remove(conversation.id);
        sent(message);
        return { ...message };
      }
      case "reaction": {
        const message = target(outgoing.target);
        message.reactions = message.reactions.filter((reaction) => reaction.author !== account);
        if (!outgoing.remove) message.reactions.push({ author: account, emoji: outgoing.emoji });
        this.update(conversation, message);
        return null;
      }
      case "edit": {
        const message = target(outgoing.target);
        if (message.direction !== "outgoing") throw fail("protocol", "Only your own messages can be edited.");
        if (message.deleted) throw fail("unknown_message", "That message was deleted.");
        message.body = outgoing.body;
        message.edited = true;
        this.update(conversation, message);
        return null;
      }
      case "delete": {
        const message = target(outgoing.target);
        if (message.direction !== "outgoing")
          throw fail("protocol", "Only your own messages can be deleted for everyone.");
        message.deleted = true;
        message.body = "";
        message.attachments = [];
        message.reactions = [];
        this.update(conversation, message);
        return null;
      }
    }
  }

  async search(
    query: string,
    conversationId: ConversationId | null,
    cursor: string | null,
    limit: number,
  ): Promise<SearchResults> {
    this.requireUnlocked();
    const conversations = [...this.world.conversations.values()];
    return searchDemo(conversations, (id) => this.messagesOf(id), query, conversationId, cursor, limit);
  }

  async messagesAfter(conversationId: ConversationId, after: number, limit: number): Promise<Page<Message>> {
    this.requireUnlocked();
    this.conversationOrFail(conversationId);
    const later = this.messagesOf(conversationId).filter((message) => message.seq > after);
    const items = later.slice(0, limit).map((message) => ({ ...message }));
    const last = items[items.length - 1];
    return { items, next_cursor: last !== undefined && later.length > limit ? last.seq : null };
  }

  async rebuildSearchIndex(): Promise<number> {
    this.requireUnlocked();
    let count = 0;
    for (const id of this.world.conversations.keys()) count += this.messagesOf(id).length;
    return count;
  }

  async saveDraft(conversationId: ConversationId, text: string): Promise<void> {
    this.requireUnlocked();
    this.draftStore.save(conversationId, text, Date.now());
  }

  async draft(conversationId: ConversationId): Promise<Draft | null> {
    this.requireUnlocked();
    return this.draftStore.get(conversationId);
  }

  async drafts(): Promise<Draft[]> {
    this.requireUnlocked();
    return this.draftStore.list();
  }

  async stageFile(fileName: string, bytes: Uint8Array): Promise<string> {
    this.requireUnlocked();
    const path = `demo-staging/${++this.counter}/${fileName}`;
    this.staged.set(path, { name: fileName, bytes });
    return path;
  }

  async sendFile(
    account: AddressText,
    peer: AddressText,
    path: string,
    caption: string,
    asFile: boolean,
  ): Promise<Message> {
    this.requireUnlocked();
    const conversation = this.chatForSend(account, peer);
    this.canWrite(conversation);
    const message = this.appendFile(conversation, account, path, caption, asFile);
    this.simulatePeer(conversation, message);
    return { ...message };
  }

  /** Appends a staged file as the account's message, with upload progress. */
  private appendFile(
    conversation: Conversation,
    account: AddressText,
    path: string,
    caption: string,
    asFile: boolean,
  ): Message {
    const file = this.staged.get(path);
    if (!file) throw fail("internal", "The staged file is gone.");
    if (file.bytes.length > 100 * 1024 * 1024) throw fail("attachment_too_large", "Files up to 100 MB can be sent.");
    const lower = file.name.toLowerCase();
    const image = !asFile && /\.(jpe?g|png|gif|webp)$/.test(lower);
    const message = this.append(conversation, {
      direction: "outgoing",
      author: account,
      body: caption,
      sent_at: Date.now(),
      status: "pending",
      failure: null,
      quote: null,
      reactions: [],
      edited: false,
      notice: null,
      deleted: false,
      attachments: [
        {
          origin_network: conversation.account.network,
          size: file.bytes.length,
          content_type: image ? "image/jpeg" : "application/octet-stream",
          file_name: file.name,
          width: image ? 800 : 0,
          height: image ? 600 : 0,
          thumbnail: image ? makeThumbnail(this.random.int(360)) : null,
          downloaded: true,
          note: image ? "Location and camera details were removed." : null,
        },
      ],
    });
    const total = Math.max(1, file.bytes.length);
    for (let step = 1; step <= 4; step++) {
      this.later(step * 150, () =>
        this.emit({
          type: "transfer",
          conversation: conversation.id,
          message: message.id,
          index: 0,
          direction: "upload",
          done: Math.round((total * step) / 4),
          total,
        }),
      );
    }
    return message;
  }

  async markRead(conversationId: ConversationId): Promise<void> {
    this.requireUnlocked();
    const conversation = this.conversationOrFail(conversationId);
    if (conversation.unread === 0) return;
    conversation.unread = 0;
    this.changed(conversation);
  }

  /** As the engine: a reminder, so the count becomes at least 1, and no receipt goes back. */
  async markUnread(conversationId: ConversationId): Promise<void> {
    this.requireUnlocked();
    const conversation = this.conversationOrFail(conversationId);
    if (conversation.unread > 0) return;
    conversation.unread = 1;
    this.changed(conversation);
  }

  async sendTyping(account: AddressText, peer: AddressText, _started: boolean): Promise<void> {
    this.requireUnlocked();
    const conversation = this.find(account, peer);
    if (conversation?.request) throw fail("request_pending", "No typing indicators go to a pending request.");
  }

  async downloadAttachment(conversationId: ConversationId, messageId: MessageId, index: number): Promise<Message> {
    this.requireUnlocked();
    const conversation = this.conversationOrFail(conversationId);
    if (conversation.request) throw fail("request_pending", "Nothing is downloaded until you accept the request.");
    const message = this.messagesOf(conversationId).find((candidate) => candidate.id === messageId);
    const attachment = message?.attachments[index];
    if (!message || !attachment) throw fail("unknown_message", "That attachment is gone.");
    if (attachment.downloaded) return { ...message };
    const total = attachment.size;
    await new Promise<void>((resolve) => {
      for (let step = 1; step <= 5; step++) {
        this.later(step * 120, () => {
          this.emit({
            type: "transfer",
            conversation: conversationId,
            message: messageId,
            index,
            direction: "download",
            done: Math.round((total * step) / 5),
            total,
          });
          if (step === 5) resolve();
        });
      }
    });
    attachment.downloaded = true;
    this.update(conversation, message);
    return { ...message };
  }

  private downloaded(conversationId: ConversationId, messageId: MessageId, index: number) {
    const message = this.messagesOf(conversationId).find((candidate) => candidate.id === messageId);
    const attachment = message?.attachments[index];
    if (!attachment) throw fail("unknown_message", "That attachment is gone.");
    if (!attachment.downloaded) throw fail("not_downloaded", "Download the attachment first.");
    return attachment;
  }

  async saveAttachment(conversationId: ConversationId, messageId: MessageId, index: number): Promise<SavedAttachment> {
    this.requireUnlocked();
    const attachment = this.downloaded(conversationId, messageId, index);
    // The demo's files are what their names say; which types open is the engine's rule
    // (names::opens_safely), mirrored here by type for the fixtures' pictures and documents.
    const passive =
      /^(image|audio|video)\//.test(attachment.content_type) ||
      ["application/pdf", "text/plain"].includes(attachment.content_type);
    return {
      path: `~/Downloads/${attachment.file_name}`,
      extension_mismatch: false,
      detected_type: attachment.content_type,
      opens: passive,
    };
  }

  async openAttachment(conversationId: ConversationId, messageId: MessageId, index: number): Promise<SavedAttachment> {
    return this.saveAttachment(conversationId, messageId, index);
  }

  async openLink(url: string): Promise<void> {
    if (typeof window !== "undefined") window.open(url, "_blank", "noopener,noreferrer");
  }

  // --- groups -------------------------------------------------------------------------------

  async groups(account: AddressText): Promise<Group[]> {
    this.requireUnlocked();
    return this.groupRules.list(account);
  }

  async group(account: AddressText, groupId: GroupId): Promise<Group | null> {
    this.requireUnlocked();
    return this.groupRules.get(account, groupId);
  }

  async createGroup(account: AddressText, name: string, members: AddressText[]): Promise<Group> {
    this.requireUnlocked();
    return this.groupRules.create(account, name, members);
  }

  async addGroupMembers(account: AddressText, groupId: GroupId, members: AddressText[]): Promise<Group> {
    this.requireUnlocked();
    return this.groupRules.addMembers(account, groupId, members);
  }

  async removeGroupMember(account: AddressText, groupId: GroupId, member: AddressText): Promise<Group> {
    this.requireUnlocked();
    return this.groupRules.removeMember(account, groupId, member);
  }

  async renameGroup(account: AddressText, groupId: GroupId, name: string): Promise<Group> {
    this.requireUnlocked();
    return this.groupRules.rename(account, groupId, name);
  }

  async makeGroupAdmin(account: AddressText, groupId: GroupId, member: AddressText): Promise<Group> {
    this.requireUnlocked();
    return this.groupRules.makeAdmin(account, groupId, member);
  }

  async leaveGroup(account: AddressText, groupId: GroupId): Promise<Group> {
    this.requireUnlocked();
    return this.groupRules.leave(account, groupId);
  }

  async sendGroup(account: AddressText, groupId: GroupId, outgoing: Outgoing): Promise<Message | null> {
    this.requireUnlocked();
    const conversation = this.groupRules.writable(account, groupId);
    return this.deliver(conversation, account, outgoing, (message) =>
      this.groupRules.simulateMembers(conversation, message),
    );
  }

  async sendGroupFile(
    account: AddressText,
    groupId: GroupId,
    path: string,
    caption: string,
    asFile: boolean,
  ): Promise<Message> {
    this.requireUnlocked();
    const conversation = this.groupRules.writable(account, groupId);
    const message = this.appendFile(conversation, account, path, caption, asFile);
    this.groupRules.simulateMembers(conversation, message);
    return { ...message };
  }

  async sendGroupTyping(account: AddressText, groupId: GroupId, _started: boolean): Promise<void> {
    this.requireUnlocked();
    // As the engine: dropped while no relay answers; else only a member's chat may send it.
    if (!this.options.offline) this.groupRules.writable(account, groupId);
  }

  async groupMessageReceipts(account: AddressText, groupId: GroupId, messageId: MessageId): Promise<MemberReceipt[]> {
    this.requireUnlocked();
    return this.groupRules.receipts(account, groupId, messageId);
  }

  async groupInvitations(account: AddressText): Promise<Group[]> {
    this.requireUnlocked();
    return this.groupRules.invitations(account);
  }

  async acceptGroupInvitation(account: AddressText, groupId: GroupId): Promise<Group> {
    this.requireUnlocked();
    return this.groupRules.accept(account, groupId);
  }

  async declineGroupInvitation(account: AddressText, groupId: GroupId): Promise<void> {
    this.requireUnlocked();
    this.groupRules.decline(account, groupId);
  }

  async groupAdds(account: AddressText): Promise<GroupAdds> {
    return this.groupRules.groupAdds(account);
  }

  async setGroupAdds(account: AddressText, whoCanAdd: GroupAdds): Promise<void> {
    this.groupRules.setGroupAdds(account, whoCanAdd);
  }

  // --- requests -----------------------------------------------------------------------------

  async requests(): Promise<Conversation[]> {
    return (await this.conversations()).filter((conversation) => conversation.request);
  }

  async acceptRequest(conversationId: ConversationId): Promise<Conversation> {
    this.requireUnlocked();
    const conversation = this.conversationOrFail(conversationId);
    if (conversation.group !== null)
      throw fail("invalid_group", "A group invitation is answered with acceptGroupInvitation.");
    if (!conversation.request) return this.view(conversation);
    // Accepting a Matrix invitation joins its room: the account's client must be running.
    if (conversation.matrix !== null) this.matrix.requireOn(conversation);
    conversation.request = false;
    const contact = this.contactOf(text(conversation.account), text(conversation.peer));
    contact.first_contact_confirmed = true;
    this.record(text(conversation.account), text(conversation.peer), "request_accepted");
    this.changed(conversation);
    this.later(2000, () => this.incomingFrom(conversation, "Thanks for accepting! 🙂"));
    return this.view(conversation);
  }

  private remove(conversation: Conversation): void {
    this.world.conversations.delete(conversation.id);
    this.world.messages.delete(conversation.id);
    this.world.lazyMessages.delete(conversation.id);
    this.draftStore.remove(conversation.id);
    this.emit({ type: "conversation_removed", conversation: conversation.id });
  }

  async deleteRequest(conversationId: ConversationId): Promise<void> {
    this.requireUnlocked();
    const conversation = this.conversationOrFail(conversationId);
    // Deleting a Matrix invitation declines it on the homeserver: the client must be running.
    if (conversation.matrix !== null) this.matrix.requireOn(conversation);
    this.record(text(conversation.account), text(conversation.peer), "request_deleted");
    this.remove(conversation);
  }

  async block(account: AddressText, peer: AddressText): Promise<void> {
    this.requireUnlocked();
    this.reachable(account);
    this.contactOf(account, peer).blocked = true;
    const conversation = this.find(account, peer);
    if (conversation?.request) {
      this.record(account, peer, "request_blocked");
      this.remove(conversation);
    } else {
      this.record(account, peer, "blocked");
      if (conversation) this.changed(conversation);
    }
  }

  async unblock(account: AddressText, peer: AddressText): Promise<void> {
    this.requireUnlocked();
    this.reachable(account);
    this.contactOf(account, peer).blocked = false;
    this.record(account, peer, "unblocked");
    const conversation = this.find(account, peer);
    if (conversation) this.changed(conversation);
  }

  async report(
    conversationId: ConversationId,
    messageIds: MessageId[],
    reason: ReportReason,
    _note: string,
    andBlock: boolean,
  ): Promise<void> {
    this.requireUnlocked();
    const conversation = this.conversationOrFail(conversationId);
    // A Matrix report goes to the account's homeserver, through its running client.
    if (conversation.matrix !== null) this.reachable(text(conversation.account));
    await this.reportIn(conversation, text(conversation.peer), messageIds, reason, andBlock);
  }

  async reportGroupMember(
    account: AddressText,
    groupId: GroupId,
    member: AddressText,
    messageIds: MessageId[],
    reason: ReportReason,
    _note: string,
    andBlock: boolean,
  ): Promise<void> {
    this.requireUnlocked();
    const conversation = this.groupRules.chatOf(account, groupId);
    const parsed = address(member.trim());
    if (!parsed.name || !parsed.network) throw fail("invalid_address", `${member} is not an address.`);
    // As the engine (decisions.rs, `build_report`): only the member's own messages go in.
    const theirs = this.messagesOf(conversation.id).filter(
      (message) => message.direction === "incoming" && message.author === member && message.notice === null,
    );
    const chosen = messageIds.filter((id) => theirs.some((message) => message.id === id));
    await this.reportIn(conversation, text(parsed), chosen, reason, andBlock);
  }

  /** Reports `peer` from `conversation` (a chat's person, or a group's member). */
  private async reportIn(
    conversation: Conversation,
    peer: AddressText,
    messageIds: MessageId[],
    reason: ReportReason,
    andBlock: boolean,
  ): Promise<void> {
    const account = text(conversation.account);
    if (this.options.offline) {
      // As the engine: the report is kept to be sent later, and the block needs the relay too.
      const kept = { address: peer, reason, messages: messageIds.length, queued_at_ms: Date.now() };
      this.unsent.set(account, [...(this.unsent.get(account) ?? []), kept]);
      throw fail(
        "report_not_sent",
        `The report could not be sent: no relay answers at ${conversation.account.network}. It is kept and will be sent when the relay answers again.`,
      );
    }
    this.record(account, peer, "request_reported");
    if (andBlock) await this.block(account, peer);
  }

  async unsentReports(account: AddressText): Promise<UnsentReport[]> {
    this.account(account);
    return [...(this.unsent.get(account) ?? [])];
  }

  // --- interop ------------------------------------------------------------------------------

  async discoverability(account: AddressText): Promise<Discoverability> {
    this.account(account);
    return this.discoverable.get(account) ?? "everyone";
  }

  async setDiscoverability(account: AddressText, discoverableBy: Discoverability): Promise<void> {
    this.account(account);
    this.discoverable.set(account, discoverableBy);
  }

  async unopenedFirstContacts(account: AddressText): Promise<UnopenedSender[]> {
    const own = this.account(account);
    // The demo's first account shows one sender of garbage, so the note can be seen and tried.
    const first = this.world.accounts[0];
    if (first === undefined || own.address !== first.address) return [];
    if (this.contactOf(account, DEMO_GARBAGE_SENDER).blocked) return [];
    return [{ address: DEMO_GARBAGE_SENDER, count: 3, last_at_ms: this.options.now - 3_600_000 }];
  }

  async peeredNetworks(account: AddressText): Promise<string[]> {
    const own = this.account(account).network;
    return ["harbor.example", "meadow.example"].filter((network) => network !== own);
  }

  async disclosure(network: string): Promise<Disclosure> {
    return disclosureFor(network);
  }

  async enableInterop(account: AddressText, network: string, disclosureVersion: string): Promise<AccountInfo> {
    this.requireUnlocked();
    const info = this.account(account);
    if (disclosureVersion !== DISCLOSURE_VERSION)
      throw fail("disclosure_outdated", "The disclosure changed; read the current one.");
    if (network === info.network) throw fail("protocol", "Interop is about other networks; this is the account's own.");
    if (!info.interop.includes(network)) {
      info.interop.push(network);
      this.record(account, network, "interop_enabled", disclosureVersion);
      this.refreshNetwork(account, network);
      // Someone on the newly allowed network soon writes: a message request.
      if (network === HARBOR && !this.options.quiet) this.later(4000, () => this.newRequest(network));
    } else if (!consentedUnder(this.world.ledger, account, disclosureVersion).has(network)) {
      // Allowed again under the current disclosure (a review): its people may add the account to groups now.
      this.record(account, network, "interop_enabled", disclosureVersion);
    }
    return { ...info, interop: [...info.interop] };
  }

  async interopToReview(account: AddressText): Promise<string[]> {
    this.requireUnlocked();
    return interopToReview(this.account(account), this.world.ledger, DISCLOSURE_VERSION);
  }

  async disableInterop(account: AddressText, network: string): Promise<AccountInfo> {
    this.requireUnlocked();
    const info = this.account(account);
    if (info.interop.includes(network)) {
      info.interop = info.interop.filter((candidate) => candidate !== network);
      this.record(account, network, "interop_disabled");
      this.refreshNetwork(account, network);
    }
    return { ...info, interop: [...info.interop] };
  }

  private refreshNetwork(account: AddressText, network: string): void {
    for (const conversation of this.world.conversations.values()) {
      // A group's chat may hang on the network too (its home network, its creator's).
      const concerned = conversation.group !== null || conversation.peer.network === network;
      if (text(conversation.account) === account && concerned) this.changed(conversation);
    }
  }

  async confirmFirstContact(account: AddressText, peer: AddressText): Promise<Conversation> {
    this.requireUnlocked();
    const info = this.account(account);
    const peerAddress = address(peer);
    if (peerAddress.network !== info.network && !info.interop.includes(peerAddress.network)) {
      throw fail("interop_off", `Turn on chats with ${peerAddress.network} first.`);
    }
    const contact = this.contactOf(account, peer);
    if (!contact.first_contact_confirmed) {
      contact.first_contact_confirmed = true;
      this.record(account, peer, "first_contact_confirmed");
    }
    return this.view(this.find(account, peer) ?? this.create(account, peer));
  }

  async inboxLayout(): Promise<InboxLayout> {
    return this.layout;
  }

  async setInboxLayout(layout: InboxLayout): Promise<void> {
    this.layout = layout;
  }

  async ledger(): Promise<LedgerEntry[]> {
    this.requireUnlocked();
    return this.world.ledger.map((entry) => ({ ...entry }));
  }

  async exportLedger(): Promise<string> {
    return JSON.stringify({ format: "isthmus-consent-ledger", version: 1, entries: await this.ledger() }, null, 2);
  }

  // --- Matrix -------------------------------------------------------------------------------

  /** The account (Isthmus or Matrix) whose relay or homeserver a block or report goes to: a
   * Matrix one must be on, its client running (engine_matrix.rs `matrix_link`). */
  private reachable(account: AddressText): void {
    const matrix = this.matrix.byAddress(account);
    if (!matrix) {
      this.account(account);
      return;
    }
    if (!matrix.enabled) throw fail("homeserver_unreachable", `${matrix.user_id} is not connected`);
  }

  async matrixAccounts(): Promise<MatrixAccountInfo[]> {
    this.requireUnlocked();
    return this.matrix.list();
  }

  async matrixDisclosure(): Promise<Disclosure> {
    return this.matrix.disclosure();
  }

  async matrixSignIn(userId: string, password: string, homeserver: string | null): Promise<MatrixAccountInfo> {
    this.requireUnlocked();
    return this.matrix.signIn(userId, password, homeserver);
  }

  async matrixSetEnabled(
    userId: string,
    enabled: boolean,
    disclosureVersion: string | null,
  ): Promise<MatrixAccountInfo> {
    this.requireUnlocked();
    return this.matrix.setEnabled(userId, enabled, disclosureVersion);
  }

  async matrixSignOut(userId: string): Promise<void> {
    this.requireUnlocked();
    this.matrix.signOut(userId);
  }

  async openMatrixChat(userId: string, peer: string): Promise<Conversation> {
    this.requireUnlocked();
    return this.view(this.matrix.openChat(userId, peer));
  }

  // --- contacts -----------------------------------------------------------------------------

  async contact(account: AddressText, peer: AddressText): Promise<Contact> {
    this.requireUnlocked();
    return { ...this.contactOf(account, peer) };
  }

  async safetyNumber(account: AddressText, peer: AddressText): Promise<SafetyNumber> {
    this.requireUnlocked();
    const [first, second] = [account, peer].sort();
    const random = seededRandom(
      hash(`${first}|${second}|${this.contactOf(account, peer).key_change_held ? "new" : "old"}`),
    );
    let digits = "";
    for (let i = 0; i < 60; i++) digits += String(random.int(10));
    let scannable = "";
    for (let i = 0; i < 32; i++) scannable += random.int(256).toString(16).padStart(2, "0");
    return { digits, scannable };
  }

  async setVerified(account: AddressText, peer: AddressText, verified: boolean): Promise<void> {
    this.requireUnlocked();
    this.contactOf(account, peer).verified = verified;
    this.record(account, peer, verified ? "verified" : "unverified");
    const conversation = this.find(account, peer);
    if (conversation) this.changed(conversation);
  }

  async acknowledgeKeyChange(account: AddressText, peer: AddressText): Promise<void> {
    this.requireUnlocked();
    const contact = this.contactOf(account, peer);
    if (!contact.key_change_held) return;
    contact.key_change_held = false;
    contact.verified = false;
    this.record(account, peer, "key_change_acknowledged");
    const conversation = this.find(account, peer);
    if (conversation) this.changed(conversation);
  }

  /** Simulates `peer` reinstalling: their identity key changes and sending is held. */
  simulateKeyChange(account: AddressText, peer: AddressText): void {
    this.contactOf(account, peer).key_change_held = true;
    this.emit({ type: "key_changed", account, peer });
    const conversation = this.find(account, peer);
    if (conversation) this.changed(conversation);
  }

  // --- settings -----------------------------------------------------------------------------

  async settings(): Promise<Settings> {
    return structuredClone(this.prefs);
  }

  async setSettings(settings: Settings): Promise<Settings> {
    this.prefs = structuredClone(settings);
    return structuredClone(this.prefs);
  }

  async notify(title: string, body: string, conversationId?: ConversationId): Promise<void> {
    if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
    const notification = new Notification(title, { body, silent: true });
    // As on the desktop: a click brings the page forward and opens the chat.
    notification.onclick = () => {
      window.focus();
      if (conversationId) for (const open of [...this.openers]) open(conversationId);
    };
  }

  // The browser shows the title itself and checks spelling where the page asks (`spellcheck`).
  async setUnreadCount(_count: number): Promise<void> {}
  async setSpellCheck(_on: boolean): Promise<void> {}

  onOpenConversation(listener: (conversationId: ConversationId) => void): () => void {
    this.openers.add(listener);
    return () => this.openers.delete(listener);
  }

  /** In a browser the page's own HTML5 drop handling gets the files: nothing comes from here. */
  onFileDrop(_listener: (drop: FileDrop) => void): () => void {
    return () => undefined;
  }

  private connectionEvent(account: AddressText): Event {
    return this.options.offline
      ? { type: "connection", account, state: "offline", retry_in_ms: 30_000 }
      : { type: "connection", account, state: "connected", retry_in_ms: null };
  }

  async listen(listener: (event: BackendEvent) => void): Promise<() => void> {
    return this.subscribe(listener);
  }

  subscribe(listener: (event: BackendEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.options.offline) {
      // A new subscriber learns at once that no relay answers.
      queueMicrotask(() => {
        if (!this.listeners.has(listener) || this.state !== "unlocked") return;
        for (const account of this.world.accounts) listener(this.connectionEvent(account.address));
      });
    }
    return () => this.listeners.delete(listener);
  }
}

function hash(value: string): number {
  let result = 2166136261;
  for (let i = 0; i < value.length; i++) result = Math.imul(result ^ value.charCodeAt(i), 16777619) >>> 0;
  return result;
}

/** A chat with nothing in it yet: one the user starts, or a stranger's request as it arrives. */
function emptyConversation(
  id: ConversationId,
  account: AddressText,
  peer: AddressText,
  request: boolean,
): Conversation {
  const now = Date.now();
  return {
    id,
    account: address(account),
    peer: address(peer),
    created_at: now,
    last_activity: now,
    last_preview: "",
    last_status: null,
    unread: 0,
    next_seq: 1,
    request,
    read_only: false,
    send_refusal: null,
    group: null,
    title: null,
    matrix: null,
  };
}
