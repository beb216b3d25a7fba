import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { Conversation, ErrorCode } from "../bindings";
import { contactKey, type DemoWorld } from "../demo/fixtures";
import type { SendState } from "../logic/maySend";
import { DemoBackend } from "./demo";

// The engine's own cases (crates/isthmus-core's may_send test reads the same file), put to the
// demo backend itself: every browser test runs on the demo, so it must refuse exactly as the
// engine does.
const fixture = JSON.parse(
  readFileSync(new URL("../../../crates/isthmus-core/fixtures/may_send.json", import.meta.url), "utf8"),
) as { cases: { state: SendState; refusal: ErrorCode | null }[] };

/** The demo's state, reached into for the test: each case is set up as it stands. */
type Inside = { world: DemoWorld; create(account: string, peer: string): Conversation };

const backends: DemoBackend[] = [];
afterEach(() => backends.splice(0).forEach((backend) => backend.dispose()));

describe("the demo backend and the engine's send rule", () => {
  it("refuses, or sends, in every case of the engine's fixture as the engine does", async () => {
    for (const [index, { state, refusal }] of fixture.cases.entries()) {
      const backend = new DemoBackend({ seed: 1, profile: "unlocked", speed: 0, quiet: true, now: 1_800_000_000_000 });
      backends.push(backend);
      const inside = backend as unknown as Inside;
      const me = "ada@meadow.example";
      const peer = `case${index}@${state.cross_network ? "harbor.example" : "meadow.example"}`;
      const account = inside.world.accounts.find((candidate) => candidate.address === me);
      if (!account) throw new Error("the demo has ada");
      account.interop = state.network_allowed ? ["harbor.example"] : [];
      inside.world.contacts.set(contactKey(me, peer), {
        verified: false,
        blocked: state.blocked,
        key_change_held: state.key_change_held,
        first_contact_confirmed: state.first_contact_confirmed,
      });
      if (state.chat !== "none") inside.create(me, peer).request = state.chat === "request";
      const sending = backend.send(me, peer, { kind: "text", body: "hello", quote: null });
      if (refusal === null) await expect(sending, JSON.stringify(state)).resolves.toMatchObject({ status: "pending" });
      else await expect(sending, JSON.stringify(state)).rejects.toMatchObject({ code: refusal });
    }
  });
});
