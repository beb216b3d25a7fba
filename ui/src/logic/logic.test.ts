import { describe, expect, it } from "vitest";
import type { Conversation, Message } from "../bindings";
import { initials, parseAddress } from "./address";
import { sendBlockedReason } from "./composer";
import { noteInJournals, reconcile, withChanged, type ChatJournal } from "./conversationList";
import { timelineRows } from "./days";
import { effectiveTheme } from "./theme";
import { applyMessageEvent, keepNewest, openTimeline } from "./timeline";
import type { BackendEvent } from "../backend/backend";
import { noticeFor } from "./notifications";
import { describeError } from "./errors";
import { inboxRows, requestCount, unreadTotal } from "./inbox";
import { isEmojiOnly, safeUrl, splitLinks } from "./links";
import { safetyGroups, thumbHeight } from "./format";
import { matchesName } from "./search";
import { addressText } from "./address";
import { computeWindow, prefixOffsets, rowAt, scrollToReveal } from "./windowing";
import { message } from "../test/messages";
import { chat } from "../test/conversations";

const noFlags = { pinned: [], muted: [], archived: [] };
const chats = [
  chat("a", "bea@meadow.example", { last_activity: 3, unread: 2 }),
  chat("b", "heron@harbor.example", { last_activity: 5 }),
  chat("r", "zara@meadow.example", { last_activity: 9, request: true, unread: 1 }),
  chat("z", "old@meadow.example", { last_activity: 1 }),
];

describe("inbox filters", () => {
  it("keeps requests out of All and shows them only under Requests", () => {
    expect(inboxRows(chats, { kind: "all" }, "combined", noFlags).map((c) => c.id)).toEqual(["b", "a", "z"]);
    expect(inboxRows(chats, { kind: "requests" }, "combined", noFlags).map((c) => c.id)).toEqual(["r"]);
    expect(requestCount(chats)).toBe(1);
  });
  it("moves other networks out of All in the separate layout", () => {
    expect(inboxRows(chats, { kind: "all" }, "separate", noFlags).map((c) => c.id)).toEqual(["a", "z"]);
    expect(inboxRows(chats, { kind: "other-networks" }, "separate", noFlags).map((c) => c.id)).toEqual(["b"]);
  });
  it("filters by network, unread and archived, and puts pinned chats first", () => {
    const flags = { pinned: ["z"], muted: [], archived: ["a"] };
    expect(
      inboxRows(chats, { kind: "network", network: "harbor.example" }, "combined", flags).map((c) => c.id),
    ).toEqual(["b"]);
    expect(inboxRows(chats, { kind: "archived" }, "combined", flags).map((c) => c.id)).toEqual(["a"]);
    expect(inboxRows(chats, { kind: "all" }, "combined", flags).map((c) => c.id)).toEqual(["z", "b"]);
    expect(inboxRows(chats, { kind: "unread" }, "combined", noFlags).map((c) => c.id)).toEqual(["a"]);
  });
  it("counts unread of accepted, unmuted chats only", () => {
    expect(unreadTotal(chats, noFlags, 0)).toBe(2);
    expect(unreadTotal(chats, { pinned: [], muted: ["a"], archived: [] }, 0)).toBe(0);
    // A timed mute hides the count only until it runs out.
    const timed = { pinned: [], muted: [{ id: "a", until: 100 }], archived: [] };
    expect(unreadTotal(chats, timed, 99)).toBe(0);
    expect(unreadTotal(chats, timed, 100)).toBe(2);
  });
});

describe("finding chats by name", () => {
  it("matches the peer's address ignoring case and accents; messages are the backend's to search", () => {
    const [first] = chats;
    if (first === undefined) throw new Error("a chat");
    expect(matchesName(first, "")).toBe(true);
    expect(matchesName(first, addressText(first.peer).toUpperCase())).toBe(true);
    expect(matchesName(first, "nobody-by-this-name")).toBe(false);
  });
});

describe("day separators", () => {
  it("puts one separator before each new day, oldest first", () => {
    const now = new Date(2026, 2, 10, 12).getTime();
    const rows = timelineRows(
      [message(3, "c", now), message(1, "a", now - 86_400_000 * 3), message(2, "b", now - 86_400_000 * 3 + 60_000)],
      now,
      "en",
    );
    expect(rows.map((row) => row.kind)).toEqual(["day", "message", "message", "day", "message"]);
    expect(rows[3]).toMatchObject({ kind: "day", label: "Today" });
  });
});

describe("windowing", () => {
  it("renders only rows in view plus overscan", () => {
    const heights = Array.from({ length: 1000 }, () => 50);
    const win = computeWindow(heights, 5000, 500, 2);
    expect(win.start).toBe(98);
    expect(win.end).toBe(112);
    expect(win.total).toBe(50_000);
  });
  it("finds rows of different heights by position and reveals them", () => {
    const offsets = prefixOffsets([10, 100, 20]);
    expect(offsets).toEqual([0, 10, 110, 130]);
    expect(rowAt(offsets, 0)).toBe(0);
    expect(rowAt(offsets, 109)).toBe(1);
    expect(rowAt(offsets, 500)).toBe(2);
    expect(scrollToReveal(offsets, 2, 0, 50)).toBe(80);
    expect(scrollToReveal(offsets, 0, 50, 50)).toBe(0);
    expect(scrollToReveal(offsets, 1, 10, 200)).toBeNull();
  });
  it("handles an empty list", () => {
    expect(computeWindow([], 0, 100, 3)).toMatchObject({ start: 0, end: 0, total: 0 });
  });
});

describe("links", () => {
  it("splits text around http(s) and www links without trailing punctuation", () => {
    expect(splitLinks("See https://example.org/a?b=1, and www.x.example.")).toEqual([
      { kind: "text", text: "See " },
      { kind: "link", text: "https://example.org/a?b=1", url: "https://example.org/a?b=1" },
      { kind: "text", text: ", and " },
      { kind: "link", text: "www.x.example", url: "https://www.x.example/" },
      { kind: "text", text: "." },
    ]);
  });
  it("never turns other schemes into links", () => {
    expect(safeUrl("javascript:alert(1)")).toBeNull();
    expect(splitLinks("javascript:alert(1) file:///etc/passwd").every((segment) => segment.kind === "text")).toBe(true);
  });
  it("recognises emoji-only messages", () => {
    expect(isEmojiOnly("🎉")).toBe(true);
    expect(isEmojiOnly("👍👍 ")).toBe(true);
    expect(isEmojiOnly("ok 👍")).toBe(false);
    expect(isEmojiOnly("123")).toBe(false);
  });
});

describe("small formats", () => {
  it("groups safety numbers in fives and parses addresses", () => {
    expect(safetyGroups("1".repeat(60))).toHaveLength(12);
    expect(parseAddress(" heron@Harbor.example ")).toEqual({ name: "heron", network: "harbor.example", device: 1 });
    expect(parseAddress("nobody")).toBeNull();
    expect(initials("dana.okafor")).toBe("DO");
  });
  it("says why sending is not allowed", () => {
    const contact = { verified: false, blocked: false, key_change_held: true, first_contact_confirmed: true };
    // Before the contact is loaded, the engine's answer is worded.
    const request = chat("x", "a@meadow.example", { request: true, send_refusal: "request_pending" });
    expect(sendBlockedReason(request, null)).toMatch(/Accept/);
    const readOnly = chat("x", "a@harbor.example", { read_only: true, send_refusal: "interop_off" });
    expect(sendBlockedReason(readOnly, null)).toMatch(/read-only/);
    expect(sendBlockedReason(chat("x", "a@meadow.example"), null)).toBeNull();
    // Once it is, the same rule runs on its newer state: a key change held since shows at once.
    expect(sendBlockedReason(chat("x", "a@meadow.example"), contact)).toMatch(/safety number/);
    expect(sendBlockedReason(readOnly, { ...contact, key_change_held: false, blocked: true })).toMatch(/read-only/);
  });
});

describe("the chat list while a reload is in flight", () => {
  const wren = chat("w", "wren@harbor.test", { request: true, last_activity: 30 });
  const robin = chat("r", "robin@meadow.test", { last_activity: 10 });
  const juniper = chat("j", "juniper@harbor.test", { last_activity: 20 });

  it("keeps a chat that an event brought while the answer was on its way", () => {
    // The backend read its chats just before wren's request was stored; the event came first.
    const journal: ChatJournal = new Map([[wren.id, wren]]);
    expect(reconcile([robin], journal).map((c) => c.id)).toEqual(["w", "r"]);
  });

  it("prefers an event's newer state and honours a removal", () => {
    const newer = { ...robin, last_activity: 40, unread: 3 };
    const journal: ChatJournal = new Map<string, Conversation | null>([
      [robin.id, newer],
      [juniper.id, null],
    ]);
    const list = reconcile([juniper, robin], journal);
    expect(list).toEqual([newer]);
  });

  it("notes an event in every reload still waiting", () => {
    const first: ChatJournal = new Map();
    const second: ChatJournal = new Map();
    noteInJournals(new Set([first, second]), wren.id, wren);
    noteInJournals(new Set([second]), robin.id, null);
    expect([...first.entries()]).toEqual([["w", wren]]);
    expect([...second.entries()]).toEqual([
      ["w", wren],
      ["r", null],
    ]);
  });

  it("takes the answer as it is when no event came", () => {
    expect(reconcile([robin, juniper], new Map()).map((c) => c.id)).toEqual(["j", "r"]);
  });

  it("puts a changed chat in its place, newest first", () => {
    expect(withChanged([juniper, robin], { ...robin, last_activity: 25 }).map((c) => c.id)).toEqual(["r", "j"]);
  });
});

describe("error messages", () => {
  it("say that a locked profile is locked, not that a network refused the account", () => {
    expect(describeError({ code: "profile_locked", message: "" })).toMatch(/locked/);
    expect(describeError({ code: "unauthorized", message: "" })).toMatch(/credentials/);
  });

  it("say whether a block took when a report could not be sent", () => {
    const message = "They are blocked, but the report could not be sent: the relay refused";
    expect(describeError({ code: "report_not_sent", message })).toBe(message);
  });
});

describe("the theme", () => {
  it("follows the system only when the setting says so", () => {
    expect(effectiveTheme("system", true)).toBe("dark");
    expect(effectiveTheme("system", false)).toBe("light");
    expect(effectiveTheme("light", true)).toBe("light");
    expect(effectiveTheme("dark", false)).toBe("dark");
  });
});

describe("an open chat's messages and events", () => {
  const loaded = [message(90, "ninety", 90), message(91, "ninety-one", 91)];

  it("adds a new message at the end and replaces a changed one in place", () => {
    expect(applyMessageEvent(loaded, "added", message(92, "new", 92)).map((m) => m.seq)).toEqual([90, 91, 92]);
    const read = { ...message(90, "ninety", 90), status: "read" as const };
    expect(applyMessageEvent(loaded, "updated", read)[0]).toEqual(read);
  });

  it("keeps the newest messages and the cursor that reads the rest again", () => {
    const held = [message(5, "five"), message(2, "two"), message(4, "four"), message(3, "three")];
    const kept = keepNewest(held, 2);
    expect(kept.messages.map((m) => m.seq).sort()).toEqual([4, 5]);
    // The engine's page before the cursor starts with the newest message let go.
    expect(kept.cursor).toBe(4);
    expect(keepNewest(held, 4)).toEqual({ messages: held, cursor: null });
  });

  it("leaves alone a change to a message before the loaded page", () => {
    // Marking a long chat read updates messages far above the page: they must not pile up below it.
    const old = { ...message(3, "three", 3), status: "read" as const };
    expect(applyMessageEvent(loaded, "updated", old)).toBe(loaded);
  });
});

describe("desktop notifications", () => {
  const prefs = { notifications: true, notificationPreview: true, muted: [] as string[] };
  const friend = chat("c", "bea@meadow.example");
  const stranger = chat("c", "zara@harbor.example", { request: true });

  it("announce a request once, without its content or sender", () => {
    const announced = new Set<string>();
    const first = noticeFor(message(1, "buy watches", 1), stranger, prefs, false, announced);
    expect(first).toEqual({ title: "New message request", body: "Someone new wants to message you." });
    expect(noticeFor(message(2, "cheap!", 2), stranger, prefs, false, announced)).toBeNull();
  });

  it("show a contact's message, unless muted, open or turned off", () => {
    const announced = new Set<string>();
    expect(noticeFor(message(1, "hi", 1), friend, prefs, false, announced)).toEqual({ title: "bea", body: "hi" });
    expect(
      noticeFor(message(1, "hi", 1), friend, { ...prefs, notificationPreview: false }, false, announced)?.body,
    ).toBe("New message");
    expect(noticeFor(message(1, "hi", 1), friend, { ...prefs, muted: ["c"] }, false, announced)).toBeNull();
    const forAnHour = { ...prefs, muted: [{ id: "c", until: 3_600_000 }] };
    expect(noticeFor(message(1, "hi", 1), friend, forAnHour, false, announced, 0)).toBeNull();
    expect(noticeFor(message(1, "hi", 1), friend, forAnHour, false, announced, 3_600_000)?.body).toBe("hi");
    expect(noticeFor(message(1, "hi", 1), friend, prefs, true, announced)).toBeNull();
    expect(noticeFor(message(1, "hi", 1), friend, { ...prefs, notifications: false }, false, announced)).toBeNull();
  });
});

describe("picture thumbnails", () => {
  it("keep a sender's stated size within bounds", () => {
    expect(thumbHeight({ width: 4000, height: 3000 })).toBe(165);
    expect(thumbHeight({ width: 1, height: 4_000_000_000 })).toBe(440);
    expect(thumbHeight({ width: 4_000_000_000, height: 1 })).toBe(55);
    expect(thumbHeight({ width: 0, height: 0 })).toBe(165);
  });
});

describe("openTimeline", () => {
  // A backend whose page read takes a while, like the desktop's bridge: the test decides when
  // listeners are registered and when the page comes back.
  function slowBackend() {
    const listeners = new Set<(event: BackendEvent) => void>();
    let answer: (page: { items: Message[]; next_cursor: number | null }) => void = () => undefined;
    return {
      emit: (event: BackendEvent) => listeners.forEach((listener) => listener(event)),
      answer: (items: Message[]) => answer({ items, next_cursor: null }),
      listening: () => listeners.size,
      backend: {
        listen: async (listener: (event: BackendEvent) => void) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        messages: () => new Promise<{ items: Message[]; next_cursor: number | null }>((resolve) => (answer = resolve)),
      },
    };
  }

  /** Opens chat "c" and keeps what a chat view would show. */
  function follow(backend: ReturnType<typeof slowBackend>["backend"]) {
    const view = { shown: [] as Message[], opening: Promise.resolve(() => {}) };
    view.opening = openTimeline(backend, "c", 50, {
      page: (page) => (view.shown = page.items),
      event: (event) => {
        if (event.type === "message_added") view.shown = applyMessageEvent(view.shown, "added", event.message);
      },
    });
    return view;
  }

  it("keeps a message that arrives while the chat is being opened", async () => {
    const slow = slowBackend();
    const view = follow(slow.backend);
    const opening = view.opening;
    await Promise.resolve();
    expect(slow.listening()).toBe(1);
    // Committed after the listener was registered, before the page was read back.
    slow.emit({ type: "message_added", message: message(2, "while opening", 2) });
    slow.answer([message(1, "old", 1)]);
    const stop = await opening;
    expect(view.shown.map((m) => m.body)).toEqual(["old", "while opening"]);
    slow.emit({ type: "message_added", message: message(3, "later", 3) });
    expect(view.shown.map((m) => m.body)).toEqual(["old", "while opening", "later"]);
    stop();
    slow.emit({ type: "message_added", message: message(4, "after closing", 4) });
    expect(view.shown).toHaveLength(3);
    expect(slow.listening()).toBe(0);
  });

  it("an event that is in the page already is applied once", async () => {
    const slow = slowBackend();
    const view = follow(slow.backend);
    const opening = view.opening;
    await Promise.resolve();
    slow.emit({ type: "message_added", message: message(1, "both", 1) });
    slow.answer([message(1, "both", 1)]);
    await opening;
    expect(view.shown).toHaveLength(1);
  });
});
