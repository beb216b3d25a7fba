import { describe, expect, it } from "vitest";
import type { Group } from "../bindings";
import { receiptText, summarizeReceipts } from "./receipts";

const ADA = "ada@meadow.example";
const group = (members: string[]): Group => ({
  id: "g",
  account: { name: "ada", network: "meadow.example", device: 1 },
  name: "Bridge builders",
  creator: ADA,
  revision: 1,
  members: [ADA, ...members].map((address) => ({ address, admin: address === ADA })),
  membership: { state: "member" },
  conversation: "c",
});

describe("a group message's delivery per member", () => {
  it("counts a read as delivered too, and the user not at all", () => {
    const summary = summarizeReceipts(
      group(["bea@meadow.example", "heron@harbor.example", "priya@harbor.example"]),
      ADA,
      [
        { member: "bea@meadow.example", status: "read" },
        { member: "heron@harbor.example", status: "delivered" },
      ],
    );
    expect(summary).toMatchObject({ members: 3, delivered: 2, read: 1, readBy: ["bea@meadow.example"] });
    expect(receiptText(summary)).toBe("Delivered to 2 of 3, read by 1");
  });

  it("ignores receipts of someone who is no longer a member, so N never exceeds M", () => {
    const summary = summarizeReceipts(group(["bea@meadow.example"]), ADA, [
      { member: "bea@meadow.example", status: "delivered" },
      { member: "gone@harbor.example", status: "read" },
    ]);
    expect(receiptText(summary)).toBe("Delivered to 1 of 1, read by 0");
  });

  it("says when nobody has it yet, and when nobody else is in the group", () => {
    expect(receiptText(summarizeReceipts(group(["bea@meadow.example"]), ADA, []))).toBe(
      "Not delivered to anyone yet (1 member)",
    );
    expect(receiptText(summarizeReceipts(group([]), ADA, []))).toBe("No one else is in the group");
  });
});
