// Messages for unit tests: message `seq` of chat "c", from bea, received.
import type { Message } from "../bindings";

export function message(seq: number, body: string, sentAt = seq): Message {
  return {
    id: `m${seq}`,
    conversation: "c",
    seq,
    direction: "incoming",
    author: "bea@meadow.example",
    body,
    sent_at: sentAt,
    stored_at: sentAt,
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
