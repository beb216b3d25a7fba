// Whether the composer can send, and if not, the reason shown in its place: the engine's rule
// (maySend.ts) decides, this only says it in words.
import type { Contact, Conversation, Group } from "../bindings";
import { groupBlockedReason } from "./groups";
import { sendRefusal, sendStateOf } from "./maySend";

export function sendBlockedReason(
  conversation: Conversation,
  contact: Contact | null,
  group: Group | null = null,
): string | null {
  // A group chat has no one contact: the engine's answer, worded from the group record.
  if (conversation.group !== null) return groupBlockedReason(conversation, group);
  // The engine's answer when the chat was read; the same rule on the contact's newer state
  // once it is loaded (a block or a key change made since shows at once).
  const refusal = contact ? sendRefusal(sendStateOf(conversation, contact)) : conversation.send_refusal;
  switch (refusal) {
    case null:
      return null;
    case "interop_off":
      return `This chat is read-only: you turned off chats with ${conversation.peer.network} for ${conversation.account.name}@${conversation.account.network}.`;
    case "blocked":
      return "You blocked this person. Unblock them to write again.";
    case "key_change_unacknowledged":
      return "Their safety number changed. Acknowledge the change to send again.";
    case "request_pending":
      return "Accept this request to reply. Until then they don't see that you read it.";
    default:
      // An open chat is never a first contact; any other code is the rule's news to this file.
      return "This chat cannot send right now.";
  }
}
