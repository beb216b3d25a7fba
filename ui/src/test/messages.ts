// Messages for unit tests: message `seq` of chat "c", from bea, received.
import type { Message } from "../bindings";
import { incomingMessage } from "../backend/demoMessages";

export function message(seq: number, body: string, sentAt = seq): Message {
  return {
    ...incomingMessage("bea@meadow.example", body),
    id: `m${seq}`,
    conversation: "c",
    seq,
    sent_at: sentAt,
    stored_at: sentAt,
  };
}
