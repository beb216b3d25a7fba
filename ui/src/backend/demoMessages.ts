// The messages the demo backend makes, in one shape for chats and groups.
import type { Message } from "../bindings";

/** A message before the chat gives it its place: what `append` takes. */
export type NewMessage = Omit<Message, "id" | "conversation" | "seq" | "stored_at">;

/** What `author` just wrote, as it arrives. */
export function incomingMessage(author: string, body: string): NewMessage {
  return {
    direction: "incoming",
    author,
    body,
    sent_at: Date.now(),
    status: "received",
    failure: null,
    quote: null,
    reactions: [],
    edited: false,
    notice: null,
    deleted: false,
    attachments: [],
  };
}
