// Whether the composer can send, and if not, the reason shown in its place.
import type { Contact, Conversation } from "../bindings";

export function sendBlockedReason(conversation: Conversation, contact: Contact | null): string | null {
  if (conversation.request) return "Accept this request to reply. Until then they don't see that you read it.";
  if (contact?.blocked) return "You blocked this person. Unblock them to write again.";
  if (conversation.read_only) {
    return `This chat is read-only: you turned off chats with ${conversation.peer.network} for ${conversation.account.name}@${conversation.account.network}.`;
  }
  if (contact?.key_change_held) return "Their safety number changed. Acknowledge the change to send again.";
  return null;
}
