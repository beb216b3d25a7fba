// The demo's drafts, by the engine's rules (crates/isthmus-core/src/drafts.rs): a blank text
// removes a chat's draft, a kept one is cut at MAX_DRAFT_CHARS, sending text in the chat or
// removing the chat removes it, and the list is most recently changed first.
import type { ConversationId, Draft } from "../bindings";

/** The longest draft kept, in characters (code points, as the engine counts). */
export const MAX_DRAFT_CHARS = 64 * 1024;

export class DemoDrafts {
  private readonly byChat = new Map<ConversationId, Draft>();

  /** Keeps `text` as the chat's draft at `now`; an empty or blank text removes it. */
  save(conversation: ConversationId, text: string, now: number): void {
    if (text.trim() === "") {
      this.byChat.delete(conversation);
      return;
    }
    const kept = Array.from(text).slice(0, MAX_DRAFT_CHARS).join("");
    this.byChat.set(conversation, { conversation, text: kept, updated_at: now });
  }

  get(conversation: ConversationId): Draft | null {
    const draft = this.byChat.get(conversation);
    return draft ? { ...draft } : null;
  }

  /** Every draft, most recently changed first. */
  list(): Draft[] {
    return [...this.byChat.values()].sort((a, b) => b.updated_at - a.updated_at).map((draft) => ({ ...draft }));
  }

  /** Sent, or the chat is gone: what was being written goes with it. */
  remove(conversation: ConversationId): void {
    this.byChat.delete(conversation);
  }
}
