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
      messagesAfter: async (): Promise<Page<Message>> => ({ items: [], next_cursor: null }),
    },
  };
}

/** A backend over a stored timeline that answers pages as the engine does, at once. */
function timelineBackend(stored: Message[]) {
  const listeners = new Set<(event: BackendEvent) => void>();
  const page = (items: Message[], limit: number, cursor: (m: Message) => number) => ({
    items,
    next_cursor: items.length === limit ? cursor(items[items.length - 1] as Message) : null,
  });
  return {
    emit: (event: BackendEvent) => listeners.forEach((listener) => listener(event)),
    backend: {
      listen: async (listener: (event: BackendEvent) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      messages: async (_c: string, before: number | null, limit: number): Promise<Page<Message>> => {
        const older = stored.filter((m) => before === null || m.seq < before).sort((a, b) => b.seq - a.seq);
        return page(older.slice(0, limit), limit, (m) => m.seq);
      },
      messagesAfter: async (_c: string, after: number, limit: number): Promise<Page<Message>> => {
        const later = stored.filter((m) => m.seq > after).sort((a, b) => a.seq - b.seq);
        return page(later.slice(0, limit), limit, (m) => m.seq);
      },
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

  it("opens around a search result, reads newer pages on demand, and only then follows new messages", async () => {
    const stored = Array.from({ length: 10 }, (_, index) => message(index + 1, `m${index + 1}`));
    const fake = timelineBackend(stored);
    const anchor = { seq: 5, message: "m5" };
    const { result } = renderHook(() => useTimeline(fake.backend, "c", 2, () => undefined, undefined, anchor));
    await waitFor(() => expect(result.current.loading).toBe(false));
    const seqs = () => result.current.messages.map((m) => m.seq).sort((a, b) => a - b);
    expect(seqs()).toEqual([4, 5, 6, 7]);
    // A message arriving now lies beyond pages not read yet: it waits for them.
    const late = message(11, "late");
    stored.push(late);
    act(() => fake.emit({ type: "message_added", message: late }));
    expect(seqs()).toEqual([4, 5, 6, 7]);
    for (let read = 0; read < 3 && result.current.loadNewer !== null; read++) {
      await act(async () => result.current.loadNewer?.());
    }
    await waitFor(() => expect(result.current.loadNewer).toBeNull());
    expect(seqs()).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    act(() => fake.emit({ type: "message_added", message: message(12, "live") }));
    expect(seqs()).toContain(12);
  });
});
