// Whether a chat may send, and if not, why: the engine's rule (crates/isthmus-core/src/may_send.rs),
// in TypeScript for the demo backend and the composer. Both are tested against the same list of
// cases (crates/isthmus-core/fixtures/may_send.json), so neither can drift from the engine.
import type { Contact, Conversation, ErrorCode } from "../bindings";

export type ChatState = "none" | "request" | "open";

export type SendState = {
  /** The peer is on another network than the account. */
  cross_network: boolean;
  /** The account allows the peer's network (always so on its own network). */
  network_allowed: boolean;
  blocked: boolean;
  /** The peer's identity key changed and the user has not acknowledged it. */
  key_change_held: boolean;
  chat: ChatState;
  /** The user confirmed writing first to this address on another network. */
  first_contact_confirmed: boolean;
};

/** `null` when the chat may send; otherwise the first reason, in the engine's order. */
export function sendRefusal(state: SendState): ErrorCode | null {
  if (state.cross_network && !state.network_allowed) return "interop_off";
  if (state.blocked) return "blocked";
  if (state.key_change_held) return "key_change_unacknowledged";
  if (state.chat === "request") return "request_pending";
  if (state.chat === "none" && state.cross_network && !state.first_contact_confirmed) return "first_contact_required";
  return null;
}

/** The state of a chat with `contact` (none known yet: nothing held against them). */
export function sendState(
  contact: Contact | null,
  crossNetwork: boolean,
  networkAllowed: boolean,
  chat: ChatState,
): SendState {
  return {
    cross_network: crossNetwork,
    network_allowed: networkAllowed,
    blocked: contact?.blocked ?? false,
    key_change_held: contact?.key_change_held ?? false,
    chat,
    first_contact_confirmed: contact?.first_contact_confirmed ?? false,
  };
}

/** The state of an existing chat, as the UI has it. A Matrix chat is always another network's,
 * and Matrix has no key-change hold of Isthmus's kind (the engine's rule, matrix_link/rules.rs). */
export function sendStateOf(conversation: Conversation, contact: Contact | null): SendState {
  const matrix = conversation.matrix !== null;
  const cross = matrix || conversation.account.network !== conversation.peer.network;
  const state = sendState(contact, cross, !conversation.read_only, conversation.request ? "request" : "open");
  return matrix ? { ...state, key_change_held: false, first_contact_confirmed: true } : state;
}
