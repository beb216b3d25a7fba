// The demo backend's Matrix accounts, by the engine's rules (engine_matrix.rs, matrix_link/):
// an account signs in off and is turned on only under the current Matrix disclosure; off, or
// signed out, its chats are read-only (`interop_off`); a direct chat is opened with a valid Matrix
// id only. DemoBackend delegates its Matrix methods here and lends what it owns through `MatrixHost`.
import type { Contact, Conversation, Decision, Disclosure, ErrorCode, MatrixAccountInfo, UserError } from "../bindings";
import type { DemoWorld } from "../demo/fixtures";
import { matrixAddress, parseMatrixId } from "../logic/matrix";
import { sendRefusal, sendState } from "../logic/maySend";
import type { AddressText } from "./backend";

/** The Matrix disclosure's version (consent/disclosure.rs `MATRIX_DISCLOSURE_VERSION`). */
export const MATRIX_DISCLOSURE_VERSION = "matrix-disclosure-v1";
/** The ledger's counterpart for decisions about Matrix as a whole (engine_matrix.rs `MATRIX_NETWORK`). */
export const MATRIX_NETWORK = "matrix";

/** What does not work across networks (consent/disclosure.rs `NOT_AVAILABLE_ACROSS_NETWORKS`). */
const NOT_AVAILABLE = ["profile photos", "voice and video calls", "disappearing messages"];

/**
 * The engine's Matrix disclosure, word for word: crates/isthmus-core/src/consent/disclosure.rs
 * `matrix_disclosure()`. demoMatrix.test.ts reads that file and fails when the two differ, so
 * change both together (and the version with the text, as the engine does).
 */
export const MATRIX_DISCLOSURE: Disclosure = {
  version: MATRIX_DISCLOSURE_VERSION,
  network: "Matrix",
  title: "Turn on chats with Matrix?",
  facts: [
    "Matrix is an open federation: anyone on any Matrix server can invite you. Invitations from people you have no chat with arrive as requests you can accept, decline, block or report.",
    "Spam and scams can come from any server. Nothing goes back to a request (no read receipt, no typing) until you accept it.",
    "Room state and metadata (who is in a room, names, when messages were sent) are kept on every server that takes part, under that server's own policies.",
    "Messages are end-to-end encrypted where the room is. Some rooms are not encrypted; those are marked as unencrypted, and everything in them is readable by the servers.",
    "Your Matrix client runs on this device: Isthmus decrypts nothing anywhere else.",
    `Some features don't work with Matrix: ${NOT_AVAILABLE.join(", ")}.`,
    "You can turn this off at any time. Your Matrix chats then become read-only.",
  ],
  not_available: NOT_AVAILABLE,
};

/** The demo homeserver's answers: a password it refuses, a server that never answers. */
export const DEMO_WRONG_PASSWORD = "wrong";
export const DEMO_UNREACHABLE_SERVER = "unreachable.example";

export type MatrixHost = {
  world: () => DemoWorld;
  /** Whether the profile has an Isthmus account with this address. */
  hasAccount: (addressText: AddressText) => boolean;
  contactOf: (account: AddressText, peer: AddressText) => Contact;
  record: (account: string, counterpart: string, decision: Decision, disclosureVersion: string | null) => void;
  changed: (conversation: Conversation) => void;
  /** Adds a chat with nothing in it yet to the world. */
  create: (account: AddressText, peer: AddressText, matrix: Conversation["matrix"]) => Conversation;
  nextId: () => number;
};

function fail(code: ErrorCode, message: string): UserError {
  return { code, message };
}

function text(value: { name: string; network: string }): string {
  return `${value.name}@${value.network}`;
}

/** A device id as homeservers hand them out: ten capitals, here from the id and a counter. */
function deviceId(userId: string, counter: number): string {
  let hash = 2166136261 ^ counter;
  let id = "";
  for (let i = 0; i < 10; i++) {
    for (const char of userId) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
    id += String.fromCharCode(65 + (hash % 26));
  }
  return id;
}

export class DemoMatrix {
  constructor(private readonly host: MatrixHost) {}

  private get accounts(): MatrixAccountInfo[] {
    return this.host.world().matrixAccounts;
  }

  private accountOrFail(userId: string): MatrixAccountInfo {
    const account = this.accounts.find((candidate) => candidate.user_id === userId);
    if (!account) throw fail("unknown_account", `No Matrix account ${userId} in this profile.`);
    return account;
  }

  /** The account whose chats carry `addressText`, if it is a Matrix one. */
  byAddress(addressText: AddressText): MatrixAccountInfo | undefined {
    return this.accounts.find((account) => account.address === addressText);
  }

  list(): MatrixAccountInfo[] {
    return this.accounts.map((account) => ({ ...account }));
  }

  disclosure(): Disclosure {
    return structuredClone(MATRIX_DISCLOSURE);
  }

  signIn(userId: string, password: string, homeserver: string | null): MatrixAccountInfo {
    const id = parseMatrixId(userId);
    const addressText = matrixAddress(userId);
    if (!id || !addressText) {
      throw fail(
        "invalid_matrix_id",
        `${userId}: a Matrix id is @name:server, with a lower-case name and a server without a port`,
      );
    }
    if (this.accounts.some((account) => account.user_id === userId)) {
      throw fail("matrix_account_exists", userId);
    }
    if (this.host.hasAccount(addressText)) {
      throw fail(
        "invalid_matrix_id",
        `${userId}: this profile has an Isthmus account ${addressText}, and the two would share their chats`,
      );
    }
    let url: URL;
    try {
      url = new URL(homeserver ?? `https://${id.server}/`);
    } catch {
      throw fail("invalid_relay_url", `${homeserver} is not an http(s) URL`);
    }
    // As isthmus-tls's check_url: https, or plain http to this machine only.
    const loopback = /^127\.|^localhost$|^\[::1\]$/.test(url.hostname);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
      throw fail("invalid_relay_url", `${homeserver} is not an https URL`);
    }
    if (url.hostname === DEMO_UNREACHABLE_SERVER || id.server === DEMO_UNREACHABLE_SERVER) {
      throw fail(
        "homeserver_unreachable",
        `cannot reach the Matrix homeserver: no homeserver answers at ${url.origin}`,
      );
    }
    if (password === DEMO_WRONG_PASSWORD) {
      throw fail("unauthorized", "the Matrix homeserver refused: M_FORBIDDEN: Invalid username or password");
    }
    if (password === "")
      throw fail("homeserver_refused", "the Matrix homeserver refused: M_MISSING_PARAM: no password");
    const account: MatrixAccountInfo = {
      user_id: userId,
      address: addressText,
      homeserver: url.toString(),
      device_id: deviceId(userId, this.host.nextId()),
      enabled: false,
    };
    this.accounts.push(account);
    return { ...account };
  }

  setEnabled(userId: string, enabled: boolean, disclosureVersion: string | null): MatrixAccountInfo {
    const account = this.accountOrFail(userId);
    if (enabled && disclosureVersion !== MATRIX_DISCLOSURE_VERSION) {
      throw fail(
        "disclosure_outdated",
        `the disclosure was ${disclosureVersion ?? "none"}, the current one is ${MATRIX_DISCLOSURE_VERSION}`,
      );
    }
    account.enabled = enabled;
    // As the engine: every switch is a decision in the ledger, the version with turning on.
    this.host.record(
      account.address,
      MATRIX_NETWORK,
      enabled ? "interop_enabled" : "interop_disabled",
      enabled ? MATRIX_DISCLOSURE_VERSION : null,
    );
    this.chatsChanged();
    return { ...account };
  }

  signOut(userId: string): void {
    const account = this.accountOrFail(userId);
    const list = this.accounts;
    list.splice(list.indexOf(account), 1);
    this.chatsChanged();
  }

  openChat(userId: string, peer: string): Conversation {
    const account = this.accountOrFail(userId);
    const peerAddress = matrixAddress(peer);
    if (!peerAddress) {
      throw fail(
        "invalid_matrix_id",
        `${peer}: a Matrix id is @name:server, with a lower-case name and a server without a port`,
      );
    }
    if (peerAddress === account.address) throw fail("protocol", "that is this account itself");
    const existing = [...this.host.world().conversations.values()].find(
      (conversation) =>
        conversation.matrix !== null &&
        text(conversation.account) === account.address &&
        text(conversation.peer) === peerAddress,
    );
    if (existing) return existing;
    this.refuse(this.refusal(account, peerAddress, "none"));
    const server = parseMatrixId(userId)?.server ?? "";
    const room = `!demo${this.host.nextId()}:${server}`;
    const conversation = this.host.create(account.address, peerAddress, {
      room,
      account: userId,
      peer,
      encrypted: true,
    });
    this.host.contactOf(account.address, peerAddress).first_contact_confirmed = true;
    return conversation;
  }

  /** A Matrix chat as the engine answers it (matrix_link/rules.rs `fill_in`). */
  view(conversation: Conversation): Conversation {
    const account = this.byAddress(text(conversation.account));
    const refusal = this.refusal(
      account,
      text(conversation.peer),
      conversation.request ? "request" : "open",
      text(conversation.account),
    );
    return { ...conversation, read_only: !(account?.enabled ?? false), send_refusal: refusal };
  }

  readOnly(conversation: Conversation): boolean {
    return !(this.byAddress(text(conversation.account))?.enabled ?? false);
  }

  /** Accepting or declining a Matrix invitation joins or leaves its room: Matrix must be on. */
  requireOn(conversation: Conversation): void {
    if (!this.readOnly(conversation)) return;
    throw fail("interop_off", "Matrix is off for this account; turn it on first.");
  }

  /** The send rule with Matrix's facts: always another network, allowed while the account is on,
   * no key-change hold and no first-contact step (matrix_link/rules.rs `send_state`). */
  private refusal(
    account: MatrixAccountInfo | undefined,
    peer: AddressText,
    chat: "none" | "request" | "open",
    own: AddressText = account?.address ?? "",
  ): ErrorCode | null {
    const state = sendState(this.host.contactOf(own, peer), true, account?.enabled ?? false, chat);
    return sendRefusal({ ...state, key_change_held: false, first_contact_confirmed: true });
  }

  private refuse(refusal: ErrorCode | null): void {
    switch (refusal) {
      case null:
        return;
      case "interop_off":
        throw fail(refusal, "Matrix is off for this account; its chats are read-only.");
      case "blocked":
        throw fail(refusal, "You blocked this person.");
      default:
        throw fail(refusal, "This chat cannot send right now.");
    }
  }

  /** Matrix chats change what they may do with their account's switch: say so (as the engine). */
  private chatsChanged(): void {
    for (const conversation of this.host.world().conversations.values()) {
      if (conversation.matrix !== null) this.host.changed(conversation);
    }
  }
}
