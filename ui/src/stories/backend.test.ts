import { describe, expect, it } from "vitest";
import type { BackendEvent } from "../backend/backend";
import { STORY_ERROR, storyBackend } from "./backend";

describe("storyBackend", () => {
  it("passes through to the demo by default, on the fixed clock's fixtures", async () => {
    const { backend, demo } = storyBackend();
    expect((await backend.conversations()).length).toBeGreaterThan(24);
    demo.dispose();
  });
  it("fails the named methods with the given error, and only those (error states)", async () => {
    const { backend, demo } = storyBackend({ fail: ["conversations"] });
    await expect(backend.conversations()).rejects.toEqual(STORY_ERROR);
    expect((await backend.accounts()).length).toBe(3);
    demo.dispose();
  });
  it("never answers the named methods (loading states)", async () => {
    const { backend, demo } = storyBackend({ hang: ["messages"] });
    const outcome = await Promise.race([
      backend.messages("c1", null, 10).then(() => "answered"),
      new Promise((resolve) => setTimeout(() => resolve("waiting"), 50)),
    ]);
    expect(outcome).toBe("waiting");
    demo.dispose();
  });
  it("offline: a subscriber hears that every account is offline", async () => {
    const { backend, demo } = storyBackend({ offline: true });
    const events: BackendEvent[] = [];
    backend.subscribe((event) => events.push(event));
    await Promise.resolve();
    expect(events.filter((event) => event.type === "connection" && event.state === "offline")).toHaveLength(3);
    demo.dispose();
  });
});
