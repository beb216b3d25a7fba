import { afterEach, describe, expect, it } from "vitest";
import type { SnippetPart } from "../bindings";
import { addressText } from "../logic/address";
import { DemoBackend } from "./demo";
import { fold, queryWords, snippet } from "./demoSearch";

const backends: DemoBackend[] = [];
function demo() {
  const backend = new DemoBackend({
    seed: 3,
    profile: "unlocked",
    speed: 0,
    quiet: true,
    offline: true,
    now: 1_800_000_000_000,
  });
  backends.push(backend);
  return backend;
}
afterEach(() => backends.splice(0).forEach((backend) => backend.dispose()));

const render = (parts: SnippetPart[] | null) =>
  parts === null ? null : parts.map((part) => (part.hit ? `[${part.text}]` : part.text)).join("");

describe("the demo's search keeps the engine's rules", () => {
  it("folds case, accents and ß like the engine", () => {
    expect(fold("Crème")).toBe("creme");
    expect(fold("Straße")).toBe("strasse");
    expect(queryWords("  Crème  brûlée crème ")).toEqual(["creme", "brulee"]);
  });

  it("matches the start of words only, every query word, and marks them as written", () => {
    expect(render(snippet("Meet me at the Crème café", queryWords("creme CAF")))).toBe("Meet me at the [Crème] [café]");
    expect(snippet("harbor lights", queryWords("arbor"))).toBeNull();
    expect(snippet("harbor lights", queryWords("harbor boats"))).toBeNull();
    expect(snippet("harbor lights", queryWords("ha"))).toBeNull();
    expect(render(snippet("meet at the harbor", queryWords("at")))).toBe("meet [at] the harbor");
  });

  it("cuts a long message around the first match, on one line", () => {
    const text = `${"hay ".repeat(100)}needle\n${"straw ".repeat(100)}`;
    const rendered = render(snippet(text, queryWords("needle"))) ?? "";
    expect(rendered.startsWith("…hay ")).toBe(true);
    expect(rendered.endsWith("…")).toBe(true);
    expect(rendered).toContain("[needle] straw");
  });

  it("finds what the user sends, newest first, a page at a time, and within one chat", async () => {
    const backend = demo();
    const [first, second] = (await backend.conversations()).filter(
      (c) => !c.request && !c.read_only && c.group === null,
    );
    if (first === undefined || second === undefined) throw new Error("the demo has chats");
    await backend.send(addressText(first.account), addressText(first.peer), {
      kind: "text",
      body: "the Zéphyrquai lanterns",
      quote: null,
    });
    // A later clock than the first: results are newest first.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await backend.send(addressText(second.account), addressText(second.peer), {
      kind: "text",
      body: "zephyrquai at nine",
      quote: null,
    });
    const all = await backend.search("ZEPHYRQ", null, null, 1);
    expect(all.total).toBe(2);
    expect(render(all.hits[0]?.snippet ?? null)).toBe("[zephyrquai] at nine");
    const next = await backend.search("zephyrq", null, all.next_cursor, 1);
    expect(next.hits[0]?.conversation).toBe(first.id);
    expect(next.next_cursor).toBeNull();
    expect((await backend.search("zephyrq", first.id, null, 10)).total).toBe(1);
    await expect(backend.search("zephyrq", null, "yesterday", 10)).rejects.toMatchObject({ code: "invalid_argument" });
  });

  it("opens a chat around a hit: the messages after it, oldest first", async () => {
    const backend = demo();
    const chat = (await backend.conversations()).find((c) => !c.request && !c.read_only && c.group === null);
    if (chat === undefined) throw new Error("the demo has a chat");
    for (const body of ["one", "two", "three"]) {
      await backend.send(addressText(chat.account), addressText(chat.peer), { kind: "text", body, quote: null });
    }
    const newest = (await backend.messages(chat.id, null, 3)).items;
    const oldest = newest[2];
    if (oldest === undefined) throw new Error("three messages");
    const after = await backend.messagesAfter(chat.id, oldest.seq, 10);
    expect(after.items.map((m) => m.body)).toEqual(["two", "three"]);
  });
});
