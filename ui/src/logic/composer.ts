// Whether the composer can send, and if not, the reason shown in its place: the engine's rule
// (maySend.ts) decides, this only says it in words (in the language shown).
import type { Contact, Conversation, ErrorCode, Group } from "../bindings";
import { i18n } from "../i18n";
import { addressText, parseAddress } from "./address";
import { groupBlockedReason } from "./groups";
import { sendRefusal, sendStateOf } from "./maySend";

/** The engine's reason a one-to-one chat cannot send: its answer when the chat was read, or the
 * same rule on the contact's newer state once that is loaded. */
function refusalOf(conversation: Conversation, contact: Contact | null): ErrorCode | null {
  return contact ? sendRefusal(sendStateOf(conversation, contact)) : conversation.send_refusal;
}

/** What the person can do, in place, about a refusal to send. */
export type SendRemedy =
  { kind: "allow-network"; account: string; network: string } | { kind: "review-key-change" } | { kind: "unblock" };

/** The remedy for why the chat cannot send, or null where there is none to offer in place (a
 * request is answered in its bar; a group one left or was removed from stays read-only). */
export function sendRemedy(
  conversation: Conversation,
  contact: Contact | null,
  group: Group | null = null,
): SendRemedy | null {
  const account = addressText(conversation.account);
  if (conversation.group !== null) {
    const home = group ? parseAddress(group.creator)?.network : undefined;
    return conversation.send_refusal === "interop_off" && home
      ? { kind: "allow-network", account, network: home }
      : null;
  }
  switch (refusalOf(conversation, contact)) {
    case "interop_off":
      // A Matrix account is turned on in Settings (it may be signed out, too): no remedy here.
      return conversation.matrix !== null
        ? null
        : { kind: "allow-network", account, network: conversation.peer.network };
    case "key_change_unacknowledged":
      return { kind: "review-key-change" };
    case "blocked":
      return { kind: "unblock" };
    default:
      return null;
  }
}

export function sendBlockedReason(
  conversation: Conversation,
  contact: Contact | null,
  group: Group | null = null,
): string | null {
  // A group chat has no one contact: the engine's answer, worded from the group record.
  if (conversation.group !== null) return groupBlockedReason(conversation, group);
  // A block or a key change made since the chat was read shows at once.
  switch (refusalOf(conversation, contact)) {
    case null:
      return null;
    case "interop_off":
      if (conversation.matrix !== null)
        return i18n.t("sendRefusal.matrixOff", { account: conversation.matrix.account });
      return i18n.t("sendRefusal.interopOff", {
        network: conversation.peer.network,
        account: addressText(conversation.account),
      });
    case "blocked":
      return i18n.t("sendRefusal.blocked");
    case "key_change_unacknowledged":
      return i18n.t("sendRefusal.keyChanged");
    case "request_pending":
      return i18n.t("sendRefusal.request");
    default:
      // An open chat is never a first contact; any other code is the rule's news to this file.
      return i18n.t("sendRefusal.other");
  }
}

/** `text` with `inserted` in place of the selection from `start` to `end` (the caret where the
 * field last had it), and where the caret goes after it. */
export function insertText(
  text: string,
  start: number,
  end: number,
  inserted: string,
): { text: string; caret: number } {
  const from = Math.max(0, Math.min(start, end, text.length));
  const to = Math.min(text.length, Math.max(start, end, from));
  return { text: text.slice(0, from) + inserted + text.slice(to), caret: from + inserted.length };
}
