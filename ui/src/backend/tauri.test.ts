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
// Every invoke, as the shell would receive it: command, arguments (or raw body), options.
const invoked: unknown[][] = [];
vi.mock("@tauri-apps/api/core", () => ({
  invoke: (...call: unknown[]) => {
    invoked.push(call);
    return Promise.resolve("file-1/x");
  },
}));

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

describe("the Tauri backend's desktop bridge", () => {
  it("sends a staged file's bytes as the raw body with its name in a header, and refuses more than 100 MiB before sending", async () => {
    const { TauriBackend, FILE_NAME_HEADER } = await import("./tauri");
    const backend = new TauriBackend();
    invoked.length = 0;
    const bytes = new Uint8Array([0, 1, 255]);
    await expect(backend.stageFile("Grüße.txt", bytes)).resolves.toBe("file-1/x");
    expect(invoked).toEqual([["stage_file", bytes, { headers: { [FILE_NAME_HEADER]: "Gr%C3%BC%C3%9Fe.txt" } }]]);
    const huge = { length: 100 * 1024 * 1024 + 1 } as Uint8Array;
    await expect(backend.stageFile("film.mkv", huge)).rejects.toMatchObject({ code: "attachment_too_large" });
    expect(invoked).toHaveLength(1);
  });

  it("hands on the chat a clicked notification names and dropped files, until unsubscribed", async () => {
    const { TauriBackend, OPEN_CONVERSATION_EVENT, FILE_DROP_EVENT } = await import("./tauri");
    const backend = new TauriBackend();
    const opened: string[] = [];
    const drops: unknown[] = [];
    const stopOpen = backend.onOpenConversation((id) => opened.push(id));
    const stopDrop = backend.onFileDrop((drop) => drops.push(drop));
    await Promise.resolve();
    handlers.get(OPEN_CONVERSATION_EVENT)?.({ payload: "c0ffee" });
    handlers.get(FILE_DROP_EVENT)?.({ payload: { type: "hover" } });
    expect(opened).toEqual(["c0ffee"]);
    expect(drops).toEqual([{ type: "hover" }]);
    stopOpen();
    stopDrop();
    expect(handlers.has(OPEN_CONVERSATION_EVENT) || handlers.has(FILE_DROP_EVENT)).toBe(false);
  });
});

describe("the Tauri backend's Matrix commands", () => {
  it("invoke the commands the shell names, with camelCase arguments and null for what is left out", async () => {
    // The shell (src-tauri) implements exactly these names and argument objects: a typo on
    // either side would only show in the desktop app.
    const { TauriBackend } = await import("./tauri");
    const backend = new TauriBackend();
    invoked.length = 0;
    await backend.matrixAccounts();
    await backend.matrixDisclosure();
    await backend.matrixSignIn("@ulla:matrix.example", "secret", null);
    await backend.matrixSetEnabled("@ulla:matrix.example", true, "matrix-disclosure-v1");
    await backend.matrixSetEnabled("@ulla:matrix.example", false, null);
    await backend.matrixSignOut("@ulla:matrix.example");
    await backend.openMatrixChat("@ulla:matrix.example", "@vic:example.org");
    expect(invoked).toEqual([
      ["matrix_accounts", {}],
      ["matrix_disclosure", {}],
      ["matrix_sign_in", { userId: "@ulla:matrix.example", password: "secret", homeserver: null }],
      [
        "matrix_set_enabled",
        { userId: "@ulla:matrix.example", enabled: true, disclosureVersion: "matrix-disclosure-v1" },
      ],
      ["matrix_set_enabled", { userId: "@ulla:matrix.example", enabled: false, disclosureVersion: null }],
      ["matrix_sign_out", { userId: "@ulla:matrix.example" }],
      ["open_matrix_chat", { userId: "@ulla:matrix.example", peer: "@vic:example.org" }],
    ]);
  });
});
