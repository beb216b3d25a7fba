// Drafts in the UI: the composer's saver (after a pause in typing, at once when the chat is left,
// never after the text was sent) and the inbox's drafts by chat.
import type { ConversationId, Draft } from "../bindings";

/** The pause in typing after which the composer's text is saved as the chat's draft. */
export const DRAFT_PAUSE_MS = 400;

export type Timers = {
  set: (action: () => void, ms: number) => unknown;
  clear: (timer: unknown) => void;
};

const REAL_TIMERS: Timers = {
  set: (action, ms) => setTimeout(action, ms),
  clear: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

export type DraftSaver = {
  /** The text changed: saved once it has not changed for the pause. */
  change(text: string): void;
  /** Saves a change still waiting at once (the chat is left, the window hides). */
  flush(): Promise<void>;
  /** Before sending: drops the waiting change and resolves once no save is on its way, so no
   * save of the text can land after the send (which removes the draft). */
  hold(): Promise<void>;
  /** The text was sent: the backend removed the draft, so nothing is saved until it changes. */
  sent(): void;
};

/** What the backend keeps for a text: a blank one is no draft. */
const kept = (text: string) => (text.trim() === "" ? "" : text);

/**
 * A debounced saver for one chat's draft. `saved` is the draft the backend holds now; saves run
 * one after another in order, a text equal to what is saved is not saved again, and a failed
 * save leaves the text to be saved with the next change.
 */
export function draftSaver(
  saved: string,
  save: (text: string) => Promise<void>,
  pauseMs = DRAFT_PAUSE_MS,
  timers: Timers = REAL_TIMERS,
): DraftSaver {
  // What the backend holds, or null when a save failed and it is not known.
  let stored: string | null = kept(saved);
  let waiting: string | null = null;
  let timer: unknown = null;
  let queue: Promise<void> = Promise.resolve();

  const stopTimer = () => {
    if (timer !== null) timers.clear(timer);
    timer = null;
  };

  const flush = () => {
    stopTimer();
    const text = waiting;
    waiting = null;
    if (text === null || kept(text) === stored) return queue;
    stored = kept(text);
    queue = queue.then(() =>
      save(text).catch(() => {
        // Not kept: the next change saves again, whatever it is.
        if (stored === kept(text)) stored = null;
      }),
    );
    return queue;
  };

  return {
    change(text) {
      waiting = text;
      stopTimer();
      timer = timers.set(() => void flush(), pauseMs);
    },
    flush,
    hold() {
      stopTimer();
      waiting = null;
      return queue;
    },
    sent() {
      stopTimer();
      waiting = null;
      stored = "";
    },
  };
}

/** Drafts by chat, for the inbox's previews. */
export type DraftsByChat = Readonly<Record<ConversationId, string>>;

export function draftsByChat(list: Draft[]): DraftsByChat {
  return Object.fromEntries(list.map((draft) => [draft.conversation, draft.text]));
}

/** The drafts with the chat's draft now `text` (a blank text removes it). */
export function withDraft(drafts: DraftsByChat, conversation: ConversationId, text: string): DraftsByChat {
  if (kept(text) === "") {
    if (!(conversation in drafts)) return drafts;
    const rest = { ...drafts };
    delete rest[conversation];
    return rest;
  }
  return drafts[conversation] === text ? drafts : { ...drafts, [conversation]: text };
}

/** A draft as one line of the inbox's preview. */
export function draftPreview(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
