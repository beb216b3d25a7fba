// @vitest-environment jsdom
// The component-test harness (Testing Library in a DOM): hooks and components whose behaviour is
// not a whole browser flow.
import { act, renderHook, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
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

  it("lets go of the oldest pages while the reader follows the newest, and reads them again", async () => {
    const fake = fakeBackend();
    fake.stored.push(message(2, "2"), message(1, "1"));
    const following = { current: true };
    const { result } = renderHook(() => useTimeline(fake.backend, "c", 2, () => undefined, following));
    await waitFor(() => expect(fake.reads()).toBe(1));
    await act(async () => fake.answer());
    // Three pages of two are kept; the oldest go once a fourth page's worth has arrived.
    act(() => {
      for (let seq = 3; seq <= 11; seq++) fake.emit({ type: "message_added", message: message(seq, `${seq}`) });
    });
    const seqs = () => result.current.messages.map((m) => m.seq).sort((a, b) => a - b);
    await waitFor(() => expect(seqs()).toEqual([6, 7, 8, 9, 10, 11]));
    // Scrolling back reads what was let go, from the oldest message kept.
    const before = vi.spyOn(fake.backend, "messages");
    act(() => result.current.loadOlder());
    expect(before).toHaveBeenCalledWith("c", 6, 2);
  });

  it("keeps every message while the reader is scrolled back", async () => {
    const fake = fakeBackend();
    const following = { current: false };
    const { result } = renderHook(() => useTimeline(fake.backend, "c", 2, () => undefined, following));
    await waitFor(() => expect(fake.reads()).toBe(1));
    await act(async () => fake.answer());
    act(() => {
      for (let seq = 1; seq <= 12; seq++) fake.emit({ type: "message_added", message: message(seq, `${seq}`) });
    });
    await waitFor(() => expect(result.current.messages).toHaveLength(12));
  });
});
