import { afterEach, describe, expect, it } from "vitest";
import type { LedgerEntry } from "../bindings";
import { DemoBackend, DISCLOSURE_VERSION } from "./demo";
import { consentedUnder } from "./demoReview";

const LAB = "ada.lab@meadow.example";
const ADA = "ada@meadow.example";
const backends: DemoBackend[] = [];
function demo() {
  const backend = new DemoBackend({ seed: 1, profile: "unlocked", speed: 0, quiet: true, now: 1_800_000_000_000 });
  backends.push(backend);
  return backend;
}
afterEach(() => backends.splice(0).forEach((backend) => backend.dispose()));

const entry = (seq: number, decision: LedgerEntry["decision"], version: string | null): LedgerEntry => ({
  seq,
  at: seq,
  account: ADA,
  counterpart: "harbor.example",
  decision,
  disclosure_version: version,
});

describe("networks to review, as the engine keeps them", () => {
  it("counts a network under the disclosure of its latest decision only (ledger.rs, consented_under)", () => {
    const v1 = [entry(1, "interop_enabled", "interop-disclosure-v1")];
    expect(consentedUnder(v1, ADA, DISCLOSURE_VERSION).size).toBe(0);
    const again = [...v1, entry(2, "interop_enabled", DISCLOSURE_VERSION)];
    expect([...consentedUnder(again, ADA, DISCLOSURE_VERSION)]).toEqual(["harbor.example"]);
    // Turned off after: nothing is allowed, so nothing counts.
    expect(consentedUnder([...again, entry(3, "interop_disabled", null)], ADA, DISCLOSURE_VERSION).size).toBe(0);
  });

  it("the lab account starts with harbor to review, so designers see the banner; the others have none", async () => {
    const backend = demo();
    expect(await backend.interopToReview(LAB)).toEqual(["harbor.example"]);
    expect(await backend.interopToReview(ADA)).toEqual([]);
    expect(await backend.interopToReview("adalovelace@harbor.example")).toEqual([]);
  });

  it("allowing the network again under the current disclosure records it and clears the review", async () => {
    const backend = demo();
    const before = (await backend.ledger()).length;
    const info = await backend.enableInterop(LAB, "harbor.example", DISCLOSURE_VERSION);
    expect(info.interop).toEqual(["harbor.example"]);
    const ledger = await backend.ledger();
    expect(ledger).toHaveLength(before + 1);
    expect(ledger.at(-1)).toMatchObject({
      account: LAB,
      decision: "interop_enabled",
      disclosure_version: DISCLOSURE_VERSION,
    });
    expect(await backend.interopToReview(LAB)).toEqual([]);
    // Allowing it once more records nothing new: it is allowed under the current disclosure already.
    await backend.enableInterop(LAB, "harbor.example", DISCLOSURE_VERSION);
    expect(await backend.ledger()).toHaveLength(before + 1);
  });

  it("refuses the old disclosure's version, as the engine does", async () => {
    await expect(demo().enableInterop(LAB, "harbor.example", "interop-disclosure-v1")).rejects.toMatchObject({
      code: "disclosure_outdated",
    });
  });
});
