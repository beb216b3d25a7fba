import { afterEach, describe, expect, it } from "vitest";
import { DEMO_PASSPHRASE } from "../demo/fixtures";
import { DemoBackend } from "./demo";
import { DemoDrafts, MAX_DRAFT_CHARS } from "./demoDrafts";

const backends: DemoBackend[] = [];
function demo() {
  const backend = new DemoBackend({ seed: 3, profile: "unlocked", speed: 0, quiet: true, now: 1_800_000_000_000 });
  backends.push(backend);
  return backend;
}
afterEach(() => backends.splice(0).forEach((backend) => backend.dispose()));

describe("the demo's drafts keep the engine's rules", () => {
  it("a blank text removes the draft, and the list is most recently changed first", () => {
    const drafts = new DemoDrafts();
    drafts.save("a", "first", 1);
    drafts.save("b", "second", 2);
    expect(drafts.list().map((draft) => draft.conversation)).toEqual(["b", "a"]);
    drafts.save("a", "first, again", 3);
    expect(drafts.list().map((draft) => draft.conversation)).toEqual(["a", "b"]);
    drafts.save("b", " \n ", 4);
    expect(drafts.get("b")).toBeNull();
    expect(drafts.list()).toHaveLength(1);
  });

  it("cuts a draft at the engine's length, in characters", () => {
    const drafts = new DemoDrafts();
    drafts.save("a", "🙂".repeat(MAX_DRAFT_CHARS + 5), 1);
    expect(Array.from(drafts.get("a")?.text ?? "")).toHaveLength(MAX_DRAFT_CHARS);
  });

  it("sending text in the chat removes its draft; a reaction or an edit does not; a lock keeps it", async () => {
    const backend = demo();
    const chat = (await backend.conversations()).find((c) => !c.request && !c.read_only && c.group === null);
    if (!chat) throw new Error("the fixtures have a writable chat");
    const [account, peer] = [`${chat.account.name}@${chat.account.network}`, `${chat.peer.name}@${chat.peer.network}`];
    await backend.saveDraft(chat.id, "half a thought");
    const [latest] = (await backend.messages(chat.id, null, 1)).items;
    if (latest) await backend.send(account, peer, { kind: "reaction", target: latest.id, emoji: "👍", remove: false });
    expect((await backend.draft(chat.id))?.text).toBe("half a thought");
    await backend.lock();
    await backend.unlock(DEMO_PASSPHRASE);
    expect((await backend.drafts()).map((draft) => draft.conversation)).toEqual([chat.id]);
    await backend.send(account, peer, { kind: "text", body: "half a thought, finished", quote: null });
    expect(await backend.draft(chat.id)).toBeNull();
    expect(await backend.drafts()).toEqual([]);
  });

  it("a group chat's draft goes when text is sent to the group", async () => {
    const backend = demo();
    const group = (await backend.conversations()).find((c) => c.group !== null && !c.request && !c.read_only);
    if (!group?.group) throw new Error("the fixtures have a group the account writes in");
    const account = `${group.account.name}@${group.account.network}`;
    await backend.saveDraft(group.id, "who brings the rope?");
    await backend.sendGroup(account, group.group, { kind: "text", body: "who brings the rope?", quote: null });
    expect(await backend.draft(group.id)).toBeNull();
  });
});
