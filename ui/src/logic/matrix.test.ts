import { describe, expect, it } from "vitest";
import { chat } from "../test/conversations";
import { isOtherNetwork } from "./address";
import { inboxRows, networksOf } from "./inbox";
import { accountShown, looksLikeMatrixId, matrixAddress, parseMatrixId, peerShown } from "./matrix";
import { sendRefusal, sendStateOf } from "./maySend";

const ULLA = { name: "ulla", network: "matrix.example", device: 1 };
/** A Matrix chat of @ulla:matrix.example with `peer` (`@name:server`). */
function matrixChat(id: string, peer: string, extra: Parameters<typeof chat>[2] = {}) {
  const address = matrixAddress(peer) ?? "";
  return chat(id, address, {
    account: ULLA,
    matrix: { room: `!${id}:matrix.example`, account: "@ulla:matrix.example", peer, encrypted: true },
    ...extra,
  });
}
const noFlags = { pinned: [], muted: [], archived: [] };

describe("Matrix ids", () => {
  it("are read by the engine's rule: a lower-case name, a server without a port", () => {
    expect(parseMatrixId("@vic:example.org")).toEqual({ name: "vic", server: "example.org" });
    expect(parseMatrixId("@lena.s:freehold.example")).toEqual({ name: "lena.s", server: "freehold.example" });
    expect(parseMatrixId("@bot:localhost")).toEqual({ name: "bot", server: "localhost" });
    // The cases the engine's own test refuses (matrix_link/accounts.rs), and a few more.
    for (const id of ["vic:example.org", "@vic", "@Vic:example.org", "@vic:localhost:8448", "@1vic:example.org"]) {
      expect(parseMatrixId(id), id).toBeNull();
    }
    expect(parseMatrixId(`@${"a".repeat(33)}:example.org`)).toBeNull();
    expect(parseMatrixId("@vic:-bad.example")).toBeNull();
    expect(matrixAddress("@vic:example.org")).toBe("vic@example.org");
  });

  it("are told from addresses where both could be typed", () => {
    expect(looksLikeMatrixId("@vic:example.org")).toBe(true);
    expect(looksLikeMatrixId(" @Vic:Example.org")).toBe(true);
    expect(looksLikeMatrixId("vic@example.org")).toBe(false);
  });
});

describe("a Matrix chat", () => {
  it("shows the Matrix ids where an Isthmus chat shows addresses", () => {
    const direct = matrixChat("x1", "@vic:example.org");
    expect(peerShown(direct)).toBe("@vic:example.org");
    expect(accountShown(direct)).toBe("@ulla:matrix.example");
    const isthmus = chat("c1", "bea@meadow.example");
    expect(peerShown(isthmus)).toBe("bea@meadow.example");
    expect(accountShown(isthmus)).toBe("ada@meadow.example");
  });

  it("is always another network, even with someone on the same server (the engine's rule)", () => {
    const sameServer = matrixChat("x1", "@vic:matrix.example", { read_only: true, send_refusal: "interop_off" });
    expect(isOtherNetwork(sameServer)).toBe(true);
    // A contact loaded since cannot make a read-only Matrix chat writable.
    const contact = { verified: false, blocked: false, key_change_held: true, first_contact_confirmed: false };
    expect(sendRefusal(sendStateOf(sameServer, contact))).toBe("interop_off");
    // Matrix has no key-change hold of Isthmus's kind.
    expect(sendRefusal(sendStateOf({ ...sameServer, read_only: false }, contact))).toBeNull();
  });

  it("is under the Matrix filter and no network's, and its servers are no network filters", () => {
    const direct = matrixChat("x1", "@vic:meadow.example");
    const isthmus = chat("c1", "bea@meadow.example");
    const all = [direct, isthmus];
    expect(networksOf(all, ["meadow.example"])).toEqual(["meadow.example"]);
    expect(networksOf([matrixChat("x2", "@kai:oldserver.example")], [])).toEqual([]);
    expect(inboxRows(all, { kind: "matrix" }, "combined", noFlags).map((c) => c.id)).toEqual(["x1"]);
    const meadow = { kind: "network" as const, network: "meadow.example" };
    expect(inboxRows(all, meadow, "combined", noFlags).map((c) => c.id)).toEqual(["c1"]);
    // In the separate layout it is in "Other networks", not in All.
    expect(inboxRows(all, { kind: "all" }, "separate", noFlags).map((c) => c.id)).toEqual(["c1"]);
    expect(inboxRows(all, { kind: "other-networks" }, "separate", noFlags).map((c) => c.id)).toEqual(["x1"]);
  });
});
