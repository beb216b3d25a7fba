// The time that mutes are read at: now, moved on when a timed mute runs out, so the title and
// the chat list count an expired mute as none without waiting for other news.
import { useEffect, useState } from "react";
import { nextMuteEnd, type MuteEntry } from "../logic/mute";

export function useMuteClock(muted: readonly MuteEntry[]): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const current = Date.now();
    setNow(current);
    const end = nextMuteEnd(muted, current);
    if (end === null) return;
    // Timers cap at about 24.8 days; a later end just wakes up and looks again.
    const timer = setTimeout(() => setNow(Date.now()), Math.min(end - current + 1, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [muted, now]);
  return now;
}
