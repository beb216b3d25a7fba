// Stories run against a fixed clock, so "today", "yesterday" and times read the same on every
// machine and every run (the visual check compares screenshots). Time still moves on from the
// fixed start, so the demo's simulated peers keep working.
import { FIXTURE_NOW } from "../demo/fixtures";

let installed = false;

export function installFixedClock(start = FIXTURE_NOW): void {
  if (installed) return;
  installed = true;
  const realNow = Date.now.bind(Date);
  const offset = start - realNow();
  Date.now = () => realNow() + offset;
}
