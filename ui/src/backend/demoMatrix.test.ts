import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { Conversation } from "../bindings";
import { DEMO_MATRIX } from "../demo/matrixFixtures";
import type { BackendEvent } from "./backend";
import { DemoBackend } from "./demo";
import { MATRIX_DISCLOSURE, MATRIX_DISCLOSURE_VERSION } from "./demoMatrix";

const backends: DemoBackend[] = [];
function demo() {
  const backend = new DemoBackend({ seed: 3, profile: "unlocked", speed: 0, quiet: true, now: 1_800_000_000_000 });
  backends.push(backend);
  return backend;
}
afterEach(() => backends.splice(0).forEach((backend) => backend.dispose()));

const ULLA = DEMO_MATRIX.account;
const text = (conversation: Conversation, side: "account" | "peer") =>
  `${conversation[side].name}@${conversation[side].network}`;
const hello = { kind: "text" as const, body: "Hello over Matrix", quote: null };

async function chatOf(backend: DemoBackend, id: string): Promise<Conversation> {
  const conversation = await backend.conversation(id);
  if (!conversation) throw new Error(`no chat ${id}`);
  return conversation;
}

describe("the demo's Matrix disclosure", () => {
  // The engine's text, in the Rust source the desktop app shows it from: the demo must not say
  // anything else to designers and testers than the app says to people.
  const rust = readFileSync(new URL("../../../crates/isthmus-core/src/consent/disclosure.rs", import.meta.url), "utf8");

  it("has the engine's version", () => {
    expect(rust).toContain(`MATRIX_DISCLOSURE_VERSION: &str = "${MATRIX_DISCLOSURE_VERSION}"`);
    expect(MATRIX_DISCLOSURE.version).toBe("matrix-disclosure-v1");
  });

  it("has the engine's title and every fact, word for word, in its order", () => {
    const body = rust.slice(rust.indexOf("pub fn matrix_disclosure"));
    expect(body).toContain(`title: "${MATRIX_DISCLOSURE.title}"`);
    // The one fact built with format! names the features by the engine's list.
    const joined = MATRIX_DISCLOSURE.not_available.join(", ");
    let from = 0;
    for (const fact of MATRIX_DISCLOSURE.facts) {
      const written = `"${fact.replace(joined, "{}")}"`;
      const at = body.indexOf(written, from);
      expect(at, `the engine's matrix_disclosure says ${written}`).toBeGreaterThanOrEqual(0);
      from = at + written.length;
    }
    const facts = body.slice(body.indexOf("facts: vec!["), body.indexOf("not_available:"));
    expect(facts.match(/^\s*(format!\()?"/gm)).toHaveLength(MATRIX_DISCLOSURE.facts.length);
    expect(rust).toContain(`["${MATRIX_DISCLOSURE.not_available.join('", "')}"]`);
  });
});

describe("the demo's Matrix accounts", () => {
  it("start with one account, on, an encrypted chat, an unencrypted one and a stranger's invitation", async () => {
    const backend = demo();
    expect(await backend.matrixAccounts()).toMatchObject([
      { user_id: ULLA, address: "ulla@matrix.example", enabled: true },
    ]);
    const direct = await chatOf(backend, DEMO_MATRIX.direct.conversation);
    expect(direct.matrix).toMatchObject({ account: ULLA, peer: DEMO_MATRIX.direct.peer, encrypted: true });
    expect(text(direct, "peer")).toBe("maren@example.org");
    expect(direct).toMatchObject({ read_only: false, send_refusal: null });
    expect((await chatOf(backend, DEMO_MATRIX.unencrypted.conversation)).matrix?.encrypted).toBe(false);
    const invitation = await chatOf(backend, DEMO_MATRIX.invitation.conversation);
    expect(invitation).toMatchObject({ request: true, send_refusal: "request_pending" });
    expect((await backend.requests()).map((request) => request.id)).toContain(invitation.id);
  });

  it("sign in off, and refuse ids an address cannot hold, known accounts, bad passwords and servers", async () => {
    const backend = demo();
    for (const id of ["vic@example.org", "@Vic:example.org", "@vic:example.org:8448", "@vic", "@:example.org"]) {
      await expect(backend.matrixSignIn(id, "secret", null), id).rejects.toMatchObject({ code: "invalid_matrix_id" });
    }
    await expect(backend.matrixSignIn(ULLA, "secret", null)).rejects.toMatchObject({ code: "matrix_account_exists" });
    // ada@meadow.example is an Isthmus account of the profile: the two would share their chats.
    await expect(backend.matrixSignIn("@ada:meadow.example", "secret", null)).rejects.toMatchObject({
      code: "invalid_matrix_id",
    });
    await expect(backend.matrixSignIn("@wren:example.org", "wrong", null)).rejects.toMatchObject({
      code: "unauthorized",
    });
    await expect(backend.matrixSignIn("@wren:unreachable.example", "secret", null)).rejects.toMatchObject({
      code: "homeserver_unreachable",
    });
    await expect(backend.matrixSignIn("@wren:example.org", "secret", "http://example.org")).rejects.toMatchObject({
      code: "invalid_relay_url",
    });
    expect(await backend.matrixAccounts()).toHaveLength(1);

    const added = await backend.matrixSignIn("@wren:example.org", "secret", "https://matrix.example.org");
    expect(added).toMatchObject({
      user_id: "@wren:example.org",
      address: "wren@example.org",
      homeserver: "https://matrix.example.org/",
      enabled: false,
    });
    expect(added.device_id).toMatch(/^[A-Z]{10}$/);
    expect((await backend.matrixAccounts()).map((account) => account.user_id)).toEqual([ULLA, "@wren:example.org"]);
  });

  it("turn on only under the current Matrix disclosure, and record it in the ledger", async () => {
    const backend = demo();
    await backend.matrixSignIn("@wren:example.org", "secret", null);
    await expect(backend.openMatrixChat("@wren:example.org", "@vic:example.org")).rejects.toMatchObject({
      code: "interop_off",
    });
    await expect(backend.matrixSetEnabled("@wren:example.org", true, null)).rejects.toMatchObject({
      code: "disclosure_outdated",
    });
    // The Isthmus interop disclosure is not the Matrix one.
    const interop = (await backend.disclosure("harbor.example")).version;
    await expect(backend.matrixSetEnabled("@wren:example.org", true, interop)).rejects.toMatchObject({
      code: "disclosure_outdated",
    });
    const { version } = await backend.matrixDisclosure();
    expect(await backend.matrixSetEnabled("@wren:example.org", true, version)).toMatchObject({ enabled: true });
    expect((await backend.ledger()).at(-1)).toMatchObject({
      account: "wren@example.org",
      counterpart: "matrix",
      decision: "interop_enabled",
      disclosure_version: "matrix-disclosure-v1",
    });

    const opened = await backend.openMatrixChat("@wren:example.org", "@vic:example.org");
    expect(opened).toMatchObject({
      read_only: false,
      send_refusal: null,
      matrix: { account: "@wren:example.org", peer: "@vic:example.org", encrypted: true },
    });
    // Opening it again is the same chat, not a second room.
    expect((await backend.openMatrixChat("@wren:example.org", "@vic:example.org")).id).toBe(opened.id);
    const sent = await backend.send("wren@example.org", "vic@example.org", hello);
    expect(sent).toMatchObject({ body: "Hello over Matrix", status: "pending" });
  });

  it("turned off, make the account's chats read-only and refuse sending, and say so to subscribers", async () => {
    const backend = demo();
    const changed: Conversation[] = [];
    backend.subscribe((event: BackendEvent) => {
      if (event.type === "conversation_changed") changed.push(event.conversation);
    });
    await backend.matrixSetEnabled(ULLA, false, null);
    const direct = await chatOf(backend, DEMO_MATRIX.direct.conversation);
    expect(direct).toMatchObject({ read_only: true, send_refusal: "interop_off" });
    expect(changed.find((conversation) => conversation.id === direct.id)).toMatchObject({ read_only: true });
    await expect(backend.send(text(direct, "account"), text(direct, "peer"), hello)).rejects.toMatchObject({
      code: "interop_off",
    });
    // Answering an invitation joins or leaves its room: not while off.
    await expect(backend.acceptRequest(DEMO_MATRIX.invitation.conversation)).rejects.toMatchObject({
      code: "interop_off",
    });
    await expect(backend.openMatrixChat(ULLA, "@new:example.org")).rejects.toMatchObject({ code: "interop_off" });
    expect((await backend.ledger()).at(-1)).toMatchObject({ decision: "interop_disabled", disclosure_version: null });
    // Isthmus chats do not hang on it.
    const isthmus = (await backend.conversations()).find((c) => c.matrix === null && !c.request && !c.read_only);
    expect(isthmus).toBeDefined();

    await backend.matrixSetEnabled(ULLA, true, MATRIX_DISCLOSURE_VERSION);
    expect(await chatOf(backend, DEMO_MATRIX.direct.conversation)).toMatchObject({ read_only: false });
    expect(await backend.acceptRequest(DEMO_MATRIX.invitation.conversation)).toMatchObject({ request: false });
  });

  it("signed out, leave the profile and leave their chats read-only, with their history", async () => {
    const backend = demo();
    const before = await backend.messages(DEMO_MATRIX.direct.conversation, null, 50);
    await backend.matrixSignOut(ULLA);
    expect(await backend.matrixAccounts()).toEqual([]);
    const direct = await chatOf(backend, DEMO_MATRIX.direct.conversation);
    expect(direct).toMatchObject({ read_only: true, send_refusal: "interop_off" });
    expect((await backend.messages(direct.id, null, 50)).items).toEqual(before.items);
    await expect(backend.send(text(direct, "account"), text(direct, "peer"), hello)).rejects.toMatchObject({
      code: "interop_off",
    });
    await expect(backend.matrixSetEnabled(ULLA, true, MATRIX_DISCLOSURE_VERSION)).rejects.toMatchObject({
      code: "unknown_account",
    });
    await expect(backend.openMatrixChat(ULLA, "@vic:example.org")).rejects.toMatchObject({ code: "unknown_account" });
    await expect(backend.matrixSignOut(ULLA)).rejects.toMatchObject({ code: "unknown_account" });
  });

  it("open chats only with valid Matrix ids, and never with the account itself", async () => {
    const backend = demo();
    for (const peer of ["vic@example.org", "@Vic:example.org", "@vic:example.org:8448", "@vic", "vic"]) {
      await expect(backend.openMatrixChat(ULLA, peer), peer).rejects.toMatchObject({ code: "invalid_matrix_id" });
    }
    await expect(backend.openMatrixChat(ULLA, ULLA)).rejects.toMatchObject({ code: "protocol" });
    // An existing chat is the one opened.
    expect((await backend.openMatrixChat(ULLA, DEMO_MATRIX.direct.peer)).id).toBe(DEMO_MATRIX.direct.conversation);
  });
});
