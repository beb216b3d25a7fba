import { describe, expect, it, vi } from "vitest";
import type { BackendEvent } from "./backend";

// The Tauri event bus, stood in for: handlers by event name, as `listen` registers them.
const handlers = new Map<string, (event: { payload: unknown }) => void>();
vi.mock("@tauri-apps/api/event", () => ({
  listen: (name: string, handler: (event: { payload: unknown }) => void) => {
    handlers.set(name, handler);
    return Promise.resolve(() => handlers.delete(name));
  },
}));
vi.mock("@tauri-apps/api/core", () => ({ invoke: () => Promise.resolve(null) }));

describe("the Tauri backend's events", () => {
  it("hands on each engine event of a batch in order, and word of lost events as resync; unsubscribing stops both", async () => {
    const { TauriBackend, EVENT_NAME, RESYNC_EVENT } = await import("./tauri");
    const seen: BackendEvent[] = [];
    const stop = new TauriBackend().subscribe((event) => seen.push(event));
    await Promise.resolve();
    handlers.get(EVENT_NAME)?.({
      payload: [
        { type: "conversation_removed", conversation: "c" },
        { type: "queue_drained", account: "me@meadow.test" },
      ],
    });
    handlers.get(RESYNC_EVENT)?.({ payload: 4100 });
    expect(seen).toEqual([
      { type: "conversation_removed", conversation: "c" },
      { type: "queue_drained", account: "me@meadow.test" },
      { type: "resync" },
    ]);
    stop();
    expect(handlers.size).toBe(0);
  });
});
