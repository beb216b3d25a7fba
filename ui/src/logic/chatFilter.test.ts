import { describe, expect, it } from "vitest";
import { chat } from "../test/conversations";
import { filterShowing } from "./inbox";

const flags = { pinned: [], muted: [], archived: ["old"] };

describe("the filter a chat opened from elsewhere shows under", () => {
  it("is All where the chat is listed there", () => {
    expect(filterShowing(chat("a", "bea@meadow.example"), "combined", flags)).toEqual({ kind: "all" });
  });
  it("is the chat's own folder otherwise: requests, archived, other networks kept apart", () => {
    expect(filterShowing(chat("r", "zara@meadow.example", { request: true }), "combined", flags)).toEqual({
      kind: "requests",
    });
    expect(filterShowing(chat("old", "bea@meadow.example"), "combined", flags)).toEqual({ kind: "archived" });
    expect(filterShowing(chat("h", "heron@harbor.example"), "separate", flags)).toEqual({ kind: "other-networks" });
  });
});
