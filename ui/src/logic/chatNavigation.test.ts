import { describe, expect, it } from "vitest";
import { chat } from "../test/conversations";
import { adjacentChat, nextUnreadChat } from "./chatNavigation";

const rows = [
  chat("a", "bea@meadow.example"),
  chat("b", "heron@harbor.example", { unread: 2 }),
  chat("c", "cedric@meadow.example"),
  chat("d", "dana@meadow.example", { unread: 1 }),
];
const noMutes = { muted: [] };

describe("previous and next chat", () => {
  it("steps through the list's order and stops at its ends", () => {
    expect(adjacentChat(rows, "b", 1)).toBe("c");
    expect(adjacentChat(rows, "b", -1)).toBe("a");
    expect(adjacentChat(rows, "d", 1)).toBeNull();
    expect(adjacentChat(rows, "a", -1)).toBeNull();
  });
  it("starts at the top (down) or the bottom (up) when no chat is open, or it is not in the list", () => {
    expect(adjacentChat(rows, null, 1)).toBe("a");
    expect(adjacentChat(rows, "gone", -1)).toBe("d");
    expect(adjacentChat([], null, 1)).toBeNull();
  });
});

describe("next unread chat", () => {
  it("is the first unread one after the open chat, wrapping round to the top", () => {
    expect(nextUnreadChat(rows, "a", noMutes, 0)).toBe("b");
    expect(nextUnreadChat(rows, "b", noMutes, 0)).toBe("d");
    expect(nextUnreadChat(rows, "d", noMutes, 0)).toBe("b");
    expect(nextUnreadChat(rows, null, noMutes, 0)).toBe("b");
  });
  it("skips requests and chats muted now (they do not count as unread in the title either)", () => {
    const list = [...rows, chat("r", "zara@meadow.example", { unread: 1, request: true })];
    expect(nextUnreadChat(list, "d", { muted: ["b"] }, 0)).toBeNull();
    // A mute that ran out no longer hides the chat.
    expect(nextUnreadChat(list, "d", { muted: [{ id: "b", until: 50 }] }, 100)).toBe("b");
  });
  it("is null when the open chat is the only unread one: it is read already", () => {
    expect(nextUnreadChat([chat("x", "a@meadow.example", { unread: 1 })], "x", noMutes, 0)).toBeNull();
  });
});
