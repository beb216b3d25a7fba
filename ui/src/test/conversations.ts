// Conversations for unit tests: a one-to-one chat of ada@meadow.example with `peer`.
import type { Conversation } from "../bindings";

export function chat(id: string, peer: string, extra: Partial<Conversation> = {}): Conversation {
  const [name = "", network = ""] = peer.split("@");
  return {
    id,
    account: { name: "ada", network: "meadow.example", device: 1 },
    peer: { name, network, device: 1 },
    created_at: 0,
    last_activity: 0,
    last_preview: "",
    last_status: null,
    unread: 0,
    next_seq: 1,
    request: false,
    read_only: false,
    send_refusal: null,
    group: null,
    title: null,
    matrix: null,
    ...extra,
  };
}
