// @vitest-environment jsdom
// The component-test harness (Testing Library in a DOM): hooks and components whose behaviour is
// not a whole browser flow.
import { act, renderHook, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { cleanup } from "@testing-library/react";
import type { Message, Page } from "../bindings";
import type { BackendEvent } from "../backend/backend";
import { useTimeline } from "./useTimeline";
import { message } from "../test/messages";

afterEach(cleanup);

/** A backend whose store the test writes, and whose page reads wait until the test answers. */
function fakeBackend() {
  const listeners = new Set<(event: BackendEvent) => void>();
  const stored: Message[] = [];
  const waiting: ((page: Page<Message>) => void)[] = [];
  return {
    stored,
    emit: (event: BackendEvent) => listeners.forEach((listener) => listener(event)),
    /** Answers the oldest waiting page read with what is stored. */
    answer: () => waiting.shift()?.({ items: [...stored], next_cursor: null }),
    reads: () => waiting.length,
    backend: {
      listen: async (listener: (event: BackendEvent) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      messages: () => new Promise<Page<Message>>((resolve) => waiting.push(resolve)),
    },
  };
}

describe("useTimeline", () => {
  it("shows a message that arrives while the chat is being opened", async () => {
    const fake = fakeBackend();
    fake.stored.push(message(1, "old"));
    const { result } = renderHook(() => useTimeline(fake.backend, "c", 50, () => undefined));
    await waitFor(() => expect(fake.reads()).toBe(1));
    act(() => fake.emit({ type: "message_added", message: message(2, "while opening") }));
    await act(async () => fake.answer());
    await waitFor(() => expect(result.current.loading).toBe(false));
    expect(result.current.messages.map((m) => m.body)).toEqual(["old", "while opening"]);
  });

  it("reads the chat again after a resync, so what was missed shows", async () => {
    const fake = fakeBackend();
    fake.stored.push(message(1, "old"));
    const { result } = renderHook(() => useTimeline(fake.backend, "c", 50, () => undefined));
    await waitFor(() => expect(fake.reads()).toBe(1));
    await act(async () => fake.answer());
    await waitFor(() => expect(result.current.messages).toHaveLength(1));
    // Its event was lost on the way; the engine says so with a resync.
    fake.stored.push(message(2, "missed"));
    act(() => fake.emit({ type: "resync" }));
    await waitFor(() => expect(fake.reads()).toBe(1));
    await act(async () => fake.answer());
    await waitFor(() => expect(result.current.messages.map((m) => m.body)).toEqual(["old", "missed"]));
  });
});
