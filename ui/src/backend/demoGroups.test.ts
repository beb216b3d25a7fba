import { afterEach, describe, expect, it } from "vitest";
import type { BackendEvent } from "./backend";
import { DEMO_GROUPS } from "../demo/groupFixtures";
import { DemoBackend } from "./demo";

const ADA = "ada@meadow.example";
const backends: DemoBackend[] = [];
function demo() {
  const backend = new DemoBackend({ seed: 1, profile: "unlocked", speed: 0, quiet: true, now: 1_800_000_000_000 });
  backends.push(backend);
  return backend;
}
afterEach(() => backends.splice(0).forEach((backend) => backend.dispose()));
const tick = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the demo's groups keep the engine's rules", () => {
  it("creates a group across networks; members answer, each message with its author", async () => {
    const backend = demo();
    const created = await backend.createGroup(ADA, " Picnic ", ["bea@meadow.example", "heron@harbor.example", ADA]);
    expect(created.name).toBe("Picnic");
    expect(created.members).toEqual([
      { address: ADA, admin: true },
      { address: "bea@meadow.example", admin: false },
      { address: "heron@harbor.example", admin: false },
    ]);
    const chat = await backend.conversation(created.conversation);
    expect(chat).toMatchObject({ group: created.id, title: "Picnic", read_only: false, send_refusal: null });
    const sent = await backend.sendGroup(ADA, created.id, { kind: "text", body: "Hello all", quote: null });
    expect(sent?.author).toBe(ADA);
    await tick(60);
    const page = await backend.messages(created.conversation, null, 20);
    expect(page.items.at(-1)?.notice?.kind).toBe("created");
    const authors = page.items.filter((m) => m.direction === "incoming" && m.notice === null).map((m) => m.author);
    expect(authors.length).toBeGreaterThan(0);
    for (const author of authors) expect(["bea@meadow.example", "heron@harbor.example"]).toContain(author);
  });

  it("refuses what the engine refuses: no name, a network the account does not allow, a blocked person", async () => {
    const backend = demo();
    await expect(backend.createGroup(ADA, "  ", ["bea@meadow.example"])).rejects.toMatchObject({
      code: "invalid_group",
    });
    await expect(backend.createGroup("adalovelace@harbor.example", "x", ["bea@meadow.example"])).rejects.toMatchObject({
      code: "interop_off",
    });
    await backend.block(ADA, "cedric@meadow.example");
    await expect(backend.createGroup(ADA, "x", ["cedric@meadow.example"])).rejects.toMatchObject({ code: "blocked" });
  });

  it("only admins change a group; every change is a notice in its chat", async () => {
    const backend = demo();
    const walks = DEMO_GROUPS.walks.id;
    await expect(backend.renameGroup(ADA, walks, "Mine now")).rejects.toMatchObject({ code: "not_group_admin" });
    await expect(backend.removeGroupMember(ADA, walks, "oskar@harbor.example")).rejects.toMatchObject({
      code: "not_group_admin",
    });
    const bridge = DEMO_GROUPS.bridge.id;
    const events: BackendEvent[] = [];
    backend.subscribe((event) => events.push(event));
    const renamed = await backend.renameGroup(ADA, bridge, "Bridge walkers");
    expect(renamed.name).toBe("Bridge walkers");
    const removed = await backend.removeGroupMember(ADA, bridge, "cedric@meadow.example");
    expect(removed.members.map((m) => m.address)).not.toContain("cedric@meadow.example");
    const notices = events.flatMap((event) => (event.type === "message_added" ? [event.message.notice?.kind] : []));
    expect(notices).toEqual(["renamed", "removed"]);
    const chat = [...events].reverse().find((event) => event.type === "conversation_changed");
    expect(chat?.type === "conversation_changed" && chat.conversation.title).toBe("Bridge walkers");
  });

  it("an invitation is a read-only request until accepted; declining removes it", async () => {
    const backend = demo();
    const invitation = DEMO_GROUPS.invitation.id;
    expect((await backend.groupInvitations(ADA)).map((g) => g.id)).toEqual([invitation]);
    const [request] = (await backend.requests()).filter((c) => c.group === invitation);
    expect(request).toMatchObject({ request: true, read_only: true, send_refusal: "not_group_member" });
    await expect(backend.sendGroup(ADA, invitation, { kind: "text", body: "hi", quote: null })).rejects.toMatchObject({
      code: "not_group_member",
    });
    const joined = await backend.acceptGroupInvitation(ADA, invitation);
    expect(joined.membership).toEqual({ state: "member" });
    expect(await backend.conversation(joined.conversation)).toMatchObject({ request: false, read_only: false });
    await expect(backend.acceptGroupInvitation(ADA, invitation)).rejects.toMatchObject({ code: "invalid_group" });

    const other = demo();
    await other.declineGroupInvitation(ADA, invitation);
    expect(await other.group(ADA, invitation)).toBeNull();
    expect((await other.requests()).some((c) => c.group === invitation)).toBe(false);
  });

  it("leaving keeps the chat, read-only; a removed account cannot write either", async () => {
    const backend = demo();
    const left = await backend.leaveGroup(ADA, DEMO_GROUPS.walks.id);
    expect(left.membership).toEqual({ state: "left" });
    expect(left.members.map((m) => m.address)).not.toContain(ADA);
    expect(await backend.conversation(left.conversation)).toMatchObject({
      read_only: true,
      send_refusal: "not_group_member",
    });
    await expect(backend.leaveGroup(ADA, DEMO_GROUPS.walks.id)).rejects.toMatchObject({ code: "not_group_member" });
    const removed = await backend.group(ADA, DEMO_GROUPS.removed.id);
    expect(await backend.conversation(removed!.conversation)).toMatchObject({ read_only: true });
  });

  it("keeps who may add each account to groups", async () => {
    const backend = demo();
    expect(await backend.groupAdds(ADA)).toBe("contacts");
    await backend.setGroupAdds(ADA, "nobody");
    expect(await backend.groupAdds(ADA)).toBe("nobody");
    expect(await backend.groupAdds("ada.lab@meadow.example")).toBe("networks");
  });
});

describe("reports, typing and receipts in the demo's groups", () => {
  it("reports a member with their own messages only, records it and blocks when asked", async () => {
    const backend = demo();
    const page = await backend.messages("g1", null, 50);
    const heron = page.items.filter((m) => m.author === "heron@harbor.example" && m.notice === null).map((m) => m.id);
    expect(heron.length).toBeGreaterThan(0);
    await backend.reportGroupMember(ADA, DEMO_GROUPS.bridge.id, "heron@harbor.example", heron, "spam", "", true);
    const ledger = await backend.ledger();
    expect(ledger.slice(-2).map((e) => [e.counterpart, e.decision])).toEqual([
      ["heron@harbor.example", "request_reported"],
      ["heron@harbor.example", "blocked"],
    ]);
    expect((await backend.contact(ADA, "heron@harbor.example")).blocked).toBe(true);
  });

  it("reports the inviter from an invitation, which is no membership", async () => {
    const backend = demo();
    await backend.reportGroupMember(ADA, DEMO_GROUPS.invitation.id, "tove@harbor.example", [], "harassment", "", false);
    expect((await backend.ledger()).at(-1)).toMatchObject({
      counterpart: "tove@harbor.example",
      decision: "request_reported",
    });
    expect((await backend.contact(ADA, "tove@harbor.example")).blocked).toBe(false);
  });

  it("sends typing only where the account may write", async () => {
    const backend = demo();
    await expect(backend.sendGroupTyping(ADA, DEMO_GROUPS.bridge.id, true)).resolves.toBeUndefined();
    await expect(backend.sendGroupTyping(ADA, DEMO_GROUPS.removed.id, true)).rejects.toMatchObject({
      code: "not_group_member",
    });
  });

  it("gathers each member's receipt; the message is delivered once every other member has it", async () => {
    const backend = demo();
    const sent = await backend.sendGroup(ADA, DEMO_GROUPS.bridge.id, { kind: "text", body: "Ten it is", quote: null });
    if (!sent) throw new Error("text is a message");
    expect(await backend.groupMessageReceipts(ADA, DEMO_GROUPS.bridge.id, sent.id)).toEqual([]);
    await tick(60);
    const receipts = await backend.groupMessageReceipts(ADA, DEMO_GROUPS.bridge.id, sent.id);
    // Bridge builders has four other members; every one received it, one in two read it.
    expect(receipts.map((r) => r.member).sort()).toEqual([
      "bea@meadow.example",
      "cedric@meadow.example",
      "heron@harbor.example",
      "priya@harbor.example",
    ]);
    expect(receipts.filter((r) => r.status === "read")).toHaveLength(2);
    const page = await backend.messages("g1", null, 5);
    expect(page.items.find((m) => m.id === sent.id)?.status).toBe("delivered");
  });
});
