import { describe, expect, it } from "vitest";
import { chat } from "../test/conversations";
import { insertText, sendBlockedReason, sendRemedy } from "./composer";

const contact = { verified: false, blocked: false, key_change_held: false, first_contact_confirmed: true };

describe("the remedy offered where sending is refused", () => {
  it("offers to allow the network for a chat read-only because it is off", () => {
    const readOnly = chat("x", "bea@harbor.example", { read_only: true, send_refusal: "interop_off" });
    expect(sendRemedy(readOnly, null)).toEqual({
      kind: "allow-network",
      account: "ada@meadow.example",
      network: "harbor.example",
    });
  });
  it("offers to review a held key change, and to unblock, from the contact's newer state", () => {
    const open = chat("x", "bea@meadow.example");
    expect(sendRemedy(open, { ...contact, key_change_held: true })).toEqual({ kind: "review-key-change" });
    expect(sendRemedy(open, { ...contact, blocked: true })).toEqual({ kind: "unblock" });
    expect(sendRemedy(open, contact)).toBeNull();
  });
  it("offers nothing in place for a Matrix chat that is read-only (Matrix is turned on in Settings)", () => {
    const matrix = {
      room: "!r:matrix.example",
      account: "@ulla:matrix.example",
      peer: "@vic:matrix.example",
      encrypted: true,
    };
    // Both on the same server, yet another network: the refusal stands once the contact is loaded.
    const readOnly = chat("x", "vic@matrix.example", {
      account: { name: "ulla", network: "matrix.example", device: 1 },
      read_only: true,
      send_refusal: "interop_off",
      matrix,
    });
    expect(sendRemedy(readOnly, null)).toBeNull();
    expect(sendRemedy(readOnly, contact)).toBeNull();
    expect(sendBlockedReason(readOnly, contact)).toContain("@ulla:matrix.example");
    expect(sendRemedy({ ...readOnly, read_only: false, send_refusal: null }, { ...contact, blocked: true })).toEqual({
      kind: "unblock",
    });
  });
  it("offers nothing for a request: its bar answers it", () => {
    const request = chat("x", "zara@meadow.example", { request: true, send_refusal: "request_pending" });
    expect(sendRemedy(request, null)).toBeNull();
  });
});

describe("inserting an emoji where the caret was", () => {
  it("replaces the selection and puts the caret after the insert", () => {
    expect(insertText("Hi there", 2, 2, " 👋")).toEqual({ text: "Hi 👋 there", caret: 5 });
    expect(insertText("Hi there", 3, 8, "🙂")).toEqual({ text: "Hi 🙂", caret: 5 });
  });
  it("keeps a caret outside the text within it (a draft that changed meanwhile)", () => {
    expect(insertText("ok", 10, 12, "!")).toEqual({ text: "ok!", caret: 3 });
  });
});
