import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { BackendEvent } from "./backend";
import { DEMO_PASSPHRASE } from "../demo/fixtures";
import { DemoBackend } from "./demo";

const backends: DemoBackend[] = [];
function demo(profile: "missing" | "locked" | "unlocked" = "unlocked", seed = 3) {
  const backend = new DemoBackend({ seed, profile, speed: 0, quiet: true, now: 1_800_000_000_000 });
  backends.push(backend);
  return backend;
}
afterEach(() => backends.splice(0).forEach((backend) => backend.dispose()));
const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

describe("DemoBackend", () => {
  it("is deterministic for a seed", async () => {
    const a = await demo("unlocked", 9).conversations();
    const b = await demo("unlocked", 9).conversations();
    expect(a.map((c) => [c.id, c.last_preview])).toEqual(b.map((c) => [c.id, c.last_preview]));
    expect(a.length).toBeGreaterThan(24);
  });
  it("refuses an account on an insecure or untrusted relay as the engine does, and keeps nothing", async () => {
    const backend = demo();
    const before = (await backend.accounts()).length;
    await expect(backend.addAccount("http://meadow.example", "wren")).rejects.toMatchObject({ code: "insecure_relay" });
    await expect(backend.addAccount("https://untrusted.example", "wren")).rejects.toMatchObject({
      code: "tls_untrusted",
    });
    await expect(backend.addAccount("https://meadow.example", "wren", "not a certificate")).rejects.toMatchObject({
      code: "invalid_ca_certificate",
    });
    await expect(backend.addAccount("meadow.example", "wren")).rejects.toMatchObject({ code: "invalid_relay_url" });
    expect((await backend.accounts()).length).toBe(before);
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    const added = await backend.addAccount("https://harbor.example", "wren", pem);
    expect(added.private_ca).toBe(true);
  });
  it("asks for an invitation where the network registers by invitation, whatever the name", async () => {
    const backend = demo();
    await expect(backend.addAccount("https://invite-only.example", "wren")).rejects.toMatchObject({
      code: "invitation_required",
    });
    await expect(backend.addAccount("https://invite-only.example", "taken")).rejects.toMatchObject({
      code: "invitation_required",
    });
    const added = await backend.addAccount("https://invite-only.example", "wren", undefined, "isthmus-invite-0123");
    expect(added.address).toBe("wren@meadow.example");
  });
  it("keeps who may find each account, and shows senders whose messages could not be opened until blocked", async () => {
    const backend = demo();
    const [first] = await backend.accounts();
    expect(await backend.discoverability(first!.address)).toBe("everyone");
    await backend.setDiscoverability(first!.address, "contacts");
    expect(await backend.discoverability(first!.address)).toBe("contacts");
    const unopened = await backend.unopenedFirstContacts(first!.address);
    expect(unopened).toHaveLength(1);
    expect(unopened[0]!.count).toBeGreaterThan(0);
    await backend.block(first!.address, unopened[0]!.address);
    expect(await backend.unopenedFirstContacts(first!.address)).toEqual([]);
  });
  it("keeps a report made while no relay answers, unblocked, and lists it as not sent yet", async () => {
    const backend = new DemoBackend({
      seed: 3,
      profile: "unlocked",
      speed: 0,
      quiet: true,
      now: 1_800_000_000_000,
      offline: true,
    });
    backends.push(backend);
    const conversation = (await backend.conversations()).find((c) => c.request);
    expect(conversation).toBeDefined();
    const account = `${conversation!.account.name}@${conversation!.account.network}`;
    const peer = `${conversation!.peer.name}@${conversation!.peer.network}`;
    const before = await backend.unsentReports(account);
    await expect(backend.report(conversation!.id, [], "spam", "", true)).rejects.toMatchObject({
      code: "report_not_sent",
    });
    expect(await backend.unsentReports(account)).toMatchObject([
      ...before,
      { address: peer, reason: "spam", messages: 0 },
    ]);
    expect((await backend.contact(account, peer)).blocked).toBe(false);
  });
  it("rejects a wrong passphrase by code", async () => {
    const backend = demo("locked");
    await expect(backend.conversations()).rejects.toMatchObject({ code: "profile_locked" });
    await expect(backend.unlock("nope")).rejects.toMatchObject({ code: "wrong_passphrase" });
    await backend.unlock(DEMO_PASSPHRASE);
    expect(await backend.profileState()).toBe("unlocked");
  });
  it("marks a chat unread as the engine does: at least 1, an event, never more", async () => {
    const backend = demo();
    const chat = (await backend.conversations()).find((c) => !c.request && c.unread === 0);
    if (!chat) throw new Error("fixture: a read chat");
    const events: BackendEvent[] = [];
    backend.subscribe((event) => events.push(event));
    await backend.markUnread(chat.id);
    expect((await backend.conversation(chat.id))?.unread).toBe(1);
    expect(events.some((event) => event.type === "conversation_changed")).toBe(true);
    await backend.markUnread(chat.id);
    expect((await backend.conversation(chat.id))?.unread, "a chat already unread keeps its count").toBe(1);
  });

  it("has requests, a read-only chat and a held key change", async () => {
    const backend = demo();
    const all = await backend.conversations();
    expect(all.filter((c) => c.request).length).toBeGreaterThanOrEqual(3);
    const readOnly = all.find((c) => c.read_only);
    expect(readOnly?.peer.network).toBe("meadow.example");
    const marta = all.find((c) => c.peer.name === "marta");
    if (!marta) throw new Error("fixture marta");
    await expect(
      backend.send("ada@meadow.example", "marta@harbor.example", { kind: "text", body: "hi", quote: null }),
    ).rejects.toMatchObject({ code: "key_change_unacknowledged" });
    await backend.acknowledgeKeyChange("ada@meadow.example", "marta@harbor.example");
    expect(
      await backend.send("ada@meadow.example", "marta@harbor.example", { kind: "text", body: "hi", quote: null }),
    ).toMatchObject({ status: "pending" });
  });
  it("decides sends by the engine's rule: a new chat starts, the first refusal wins, a deleted message stays deleted", async () => {
    const backend = demo();
    const before = (await backend.conversations()).length;
    const started = await backend.send("ada@meadow.example", "newcomer@meadow.example", {
      kind: "text",
      body: "hello",
      quote: null,
    });
    expect(started).toMatchObject({ status: "pending" });
    expect((await backend.conversations()).length).toBe(before + 1);
    await expect(
      backend.send("ada@meadow.example", "stranger@harbor.example", { kind: "text", body: "hi", quote: null }),
    ).rejects.toMatchObject({ code: "first_contact_required" });
    // Marta's key change is held; blocking her too makes the block the reason, as in the engine.
    await backend.block("ada@meadow.example", "marta@harbor.example");
    await expect(
      backend.send("ada@meadow.example", "marta@harbor.example", { kind: "text", body: "hi", quote: null }),
    ).rejects.toMatchObject({ code: "blocked" });
    if (!started) throw new Error("a message");
    await backend.send("ada@meadow.example", "newcomer@meadow.example", { kind: "delete", target: started.id });
    await expect(
      backend.send("ada@meadow.example", "newcomer@meadow.example", {
        kind: "edit",
        target: started.id,
        body: "again",
      }),
    ).rejects.toMatchObject({ code: "unknown_message" });
  });
  it("holds replies to requests until accepted, then peers answer", async () => {
    const backend = demo();
    const request = (await backend.requests())[0];
    if (!request) throw new Error("a request");
    const account = `${request.account.name}@${request.account.network}`;
    const peer = `${request.peer.name}@${request.peer.network}`;
    await expect(backend.send(account, peer, { kind: "text", body: "hi", quote: null })).rejects.toMatchObject({
      code: "request_pending",
    });
    const events: BackendEvent[] = [];
    backend.subscribe((event) => events.push(event));
    await backend.acceptRequest(request.id);
    await backend.send(account, peer, { kind: "text", body: "hello", quote: null });
    await tick();
    expect(events.some((event) => event.type === "message_added" && event.message.direction === "incoming")).toBe(true);
    expect(
      events.some((event) => event.type === "consent_recorded" && event.entry.decision === "request_accepted"),
    ).toBe(true);
  });
  it("makes chats read-only when interop is turned off and records it", async () => {
    const backend = demo();
    await backend.disableInterop("ada@meadow.example", "harbor.example");
    const heron = (await backend.conversations()).find((c) => c.peer.name === "heron");
    expect(heron?.read_only).toBe(true);
    const ledger = await backend.ledger();
    expect(ledger[ledger.length - 1]).toMatchObject({ decision: "interop_disabled", counterpart: "harbor.example" });
    await expect(backend.enableInterop("ada@meadow.example", "harbor.example", "old")).rejects.toMatchObject({
      code: "disclosure_outdated",
    });
  });
  it("asks before a first message to another network", async () => {
    const backend = demo();
    await expect(backend.startConversation("ada@meadow.example", "newbie@harbor.example")).rejects.toMatchObject({
      code: "first_contact_required",
    });
    const conversation = await backend.confirmFirstContact("ada@meadow.example", "newbie@harbor.example");
    expect(conversation.peer.name).toBe("newbie");
  });
  it("pages messages newest first", async () => {
    const backend = demo();
    const big = (await backend.conversations()).find((c) => c.peer.name === "archive.bot");
    if (!big) throw new Error("the big chat");
    const first = await backend.messages(big.id, null, 100);
    expect(first.items).toHaveLength(100);
    expect(first.items[0]?.seq).toBe(1500);
    const second = await backend.messages(big.id, first.next_cursor, 100);
    expect(second.items[0]?.seq).toBe(1400);
  });
});

describe("the demo's interop disclosure", () => {
  it("is the engine's, word for word (crates/isthmus-core/fixtures/disclosure.json)", async () => {
    const engine = JSON.parse(
      readFileSync(new URL("../../../crates/isthmus-core/fixtures/disclosure.json", import.meta.url), "utf8"),
    );
    expect(await demo().disclosure("{network}")).toEqual(engine);
  });
});
