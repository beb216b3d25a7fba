import { describe, expect, it } from "vitest";
import { DemoBackend, demoOptionsFromUrl } from "../backend/demo";
import { BIG_CHAT_PEER, makeFixtures, messagesOf } from "./fixtures";

describe("makeFixtures", () => {
  it("is deterministic for a seed, lazy chats included", () => {
    const a = makeFixtures({ seed: 5, chats: 500, bigChatMessages: 2000 });
    const b = makeFixtures({ seed: 5, chats: 500, bigChatMessages: 2000 });
    const previews = (world: typeof a) =>
      [...world.conversations.values()].map((c) => `${c.peer.name}|${c.last_preview}|${c.last_activity}`);
    expect(previews(a)).toEqual(previews(b));
    // A lazy chat's content does not depend on which chats were read before it.
    messagesOf(a, "c300");
    expect(messagesOf(a, "c400")).toEqual(messagesOf(b, "c400"));
  });
  it("builds 10,000 chats without building their messages (the inbox must open at once)", () => {
    const started = performance.now();
    const world = makeFixtures({ seed: 1, chats: 10_000 });
    expect(world.conversations.size).toBe(10_000);
    expect(world.messages.size).toBeLessThan(60);
    expect(performance.now() - started).toBeLessThan(2_000);
    // The preview shown in the inbox is the chat's real last message.
    const last = world.conversations.get("c9000");
    const list = messagesOf(world, "c9000");
    expect(last?.last_preview).toBe(list[list.length - 1]?.body);
    expect(last?.next_seq).toBe(list.length + 1);
  });
  it("chats=0 gives an empty inbox and fewer chats keep the first hand-written ones", () => {
    expect(makeFixtures({ chats: 0 }).conversations.size).toBe(0);
    expect(makeFixtures({ chats: 3 }).conversations.size).toBe(3);
  });
  it("pages a 50,000-message chat newest first, by seq", async () => {
    const backend = new DemoBackend({ ...demoOptionsFromUrl("?big=50000&quiet", 1_800_000_000_000), speed: 0 });
    const big = (await backend.conversations()).find((c) => `${c.peer.name}@${c.peer.network}` === BIG_CHAT_PEER);
    if (!big) throw new Error("the big chat");
    const started = performance.now();
    const first = await backend.messages(big.id, null, 100);
    expect(first.items[0]?.seq).toBe(50_000);
    const second = await backend.messages(big.id, first.next_cursor, 100);
    expect(second.items[0]?.seq).toBe(49_900);
    const oldest = await backend.messages(big.id, 51, 100);
    expect(oldest.items.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 50 - i));
    expect(oldest.next_cursor).toBeNull();
    expect(performance.now() - started).toBeLessThan(2_000);
    backend.dispose();
  });
  it("reads ?chats= and ?big= from the URL", () => {
    expect(demoOptionsFromUrl("?chats=10000&big=50000")).toMatchObject({ chats: 10_000, bigChatMessages: 50_000 });
    expect(demoOptionsFromUrl("?chats=abc")).toMatchObject({ chats: undefined });
  });
});
