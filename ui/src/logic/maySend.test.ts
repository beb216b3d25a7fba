import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ErrorCode } from "../bindings";
import { sendRefusal, type SendState } from "./maySend";

// The engine's own cases: crates/isthmus-core's may_send test reads the same file.
const fixture = JSON.parse(
  readFileSync(new URL("../../../crates/isthmus-core/fixtures/may_send.json", import.meta.url), "utf8"),
) as { cases: { state: SendState; refusal: ErrorCode | null }[] };

describe("sendRefusal", () => {
  it("answers every case of the engine's fixture as the engine does", () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(50);
    for (const { state, refusal } of fixture.cases) {
      expect(sendRefusal(state), JSON.stringify(state)).toBe(refusal);
    }
  });
});
