import { describe, expect, it } from "vitest";
import { draftPreview, draftSaver, draftsByChat, withDraft, type Timers } from "./drafts";

/** A clock moved by hand: timers fire only when the test says time has passed. */
function manualTimers() {
  let now = 0;
  let next = 0;
  const pending = new Map<number, { at: number; action: () => void }>();
  const timers: Timers = {
    set: (action, ms) => {
      pending.set(++next, { at: now + ms, action });
      return next;
    },
    clear: (timer) => void pending.delete(timer as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, timer] of [...pending]) {
      if (timer.at <= now) {
        pending.delete(id);
        timer.action();
      }
    }
  };
  return { timers, advance };
}

/** A backend stand-in that records what was saved, in order. */
function recorder() {
  const saves: string[] = [];
  return { saves, save: async (text: string) => void saves.push(text) };
}

describe("the draft saver", () => {
  it("saves once typing pauses, with the latest text, not per key", async () => {
    const { timers, advance } = manualTimers();
    const { saves, save } = recorder();
    const saver = draftSaver("", save, 400, timers);
    saver.change("h");
    advance(200);
    saver.change("hi");
    advance(399);
    // Each key restarts the pause: nothing is saved while the user types.
    expect(saves).toEqual([]);
    advance(1);
    await saver.flush();
    expect(saves).toEqual(["hi"]);
  });

  it("saves what is waiting at once when the chat is left, and nothing twice", async () => {
    const { timers } = manualTimers();
    const { saves, save } = recorder();
    const saver = draftSaver("hello", save, 400, timers);
    saver.change("hello");
    await saver.flush();
    // The restored draft is what the backend holds: saving it again would be a write for nothing.
    expect(saves).toEqual([]);
    saver.change("hello there");
    await saver.flush();
    await saver.flush();
    expect(saves).toEqual(["hello there"]);
  });

  it("after a send, the sent text is never saved back (the backend removed the draft)", async () => {
    const { timers, advance } = manualTimers();
    const { saves, save } = recorder();
    const saver = draftSaver("", save, 400, timers);
    saver.change("on my way");
    await saver.hold();
    saver.sent();
    advance(1000);
    await saver.flush();
    expect(saves).toEqual([]);
    // The composer is empty after the send: an empty text is what the backend holds already.
    saver.change("");
    await saver.flush();
    expect(saves).toEqual([]);
  });

  it("hold waits for a save on its way, so the send comes after it", async () => {
    const order: string[] = [];
    let finish = () => undefined as void;
    const saver = draftSaver("", (text) => {
      order.push(`save ${text}`);
      return new Promise<void>((resolve) => (finish = resolve));
    });
    saver.change("hi");
    void saver.flush();
    const held = saver.hold().then(() => order.push("send"));
    await Promise.resolve();
    expect(order).toEqual(["save hi"]);
    finish();
    await held;
    expect(order).toEqual(["save hi", "send"]);
  });

  it("a blank text is saved as the draft's removal, once", async () => {
    const { timers } = manualTimers();
    const { saves, save } = recorder();
    const saver = draftSaver("draft", save, 400, timers);
    saver.change("   ");
    await saver.flush();
    saver.change("");
    await saver.flush();
    expect(saves).toEqual(["   "]);
  });

  it("a failed save is tried again with the next change, even to the same text", async () => {
    const { timers } = manualTimers();
    const saves: string[] = [];
    let fail = true;
    const saver = draftSaver(
      "",
      async (text) => {
        saves.push(text);
        if (fail) throw new Error("locked");
      },
      400,
      timers,
    );
    saver.change("hi");
    await saver.flush();
    fail = false;
    saver.change("hi");
    await saver.flush();
    expect(saves).toEqual(["hi", "hi"]);
  });
});

describe("drafts by chat", () => {
  it("maps the backend's list and follows saves; a blank text removes the chat's draft", () => {
    const drafts = draftsByChat([
      { conversation: "a", text: "one", updated_at: 2 },
      { conversation: "b", text: "two", updated_at: 1 },
    ]);
    expect(drafts).toEqual({ a: "one", b: "two" });
    expect(withDraft(drafts, "a", "one!")).toEqual({ a: "one!", b: "two" });
    expect(withDraft(drafts, "b", " ")).toEqual({ a: "one" });
    // Unchanged drafts stay the same object, so the inbox does not render again.
    expect(withDraft(drafts, "a", "one")).toBe(drafts);
    expect(withDraft(drafts, "c", "")).toBe(drafts);
  });

  it("shows a draft as one line", () => {
    expect(draftPreview("  see you\n\nat  8 ")).toBe("see you at 8");
  });
});
