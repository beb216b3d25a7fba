import { describe, expect, it } from "vitest";
import { i18n } from "../i18n";
import {
  isMuted,
  MUTE_CHOICES,
  muteChoiceText,
  muteOf,
  muteText,
  nextMuteEnd,
  withMute,
  withoutMute,
  type MuteEntry,
} from "./mute";

const HOUR = 3_600_000;
const now = new Date(2026, 11, 7, 14, 0).getTime();

describe("mute", () => {
  it("reads a plain id, as older settings store it, as muted always", () => {
    const flags = { muted: ["a"] };
    expect(muteOf(flags, "a", now)).toBe("always");
    expect(isMuted(flags, "a", now + 1000 * HOUR)).toBe(true);
    expect(isMuted(flags, "b", now)).toBe(false);
  });

  it("counts a timed mute until it runs out, and as none from then on", () => {
    const flags = { muted: [{ id: "a", until: now + HOUR }] };
    expect(muteOf(flags, "a", now)).toBe(now + HOUR);
    expect(isMuted(flags, "a", now + HOUR - 1)).toBe(true);
    expect(isMuted(flags, "a", now + HOUR)).toBe(false);
  });

  it("offers 1 hour, 8 hours and always", () => {
    expect(MUTE_CHOICES.map((choice) => [muteChoiceText(choice.ms), choice.ms])).toEqual([
      ["1 hour", HOUR],
      ["8 hours", 8 * HOUR],
      ["Always", null],
    ]);
  });

  it("replaces the chat's own entry and drops expired ones, keeping the others", () => {
    const muted: MuteEntry[] = ["a", { id: "b", until: now - 1 }, { id: "c", until: now + HOUR }];
    expect(withMute(muted, "a", HOUR, now)).toEqual([
      { id: "c", until: now + HOUR },
      { id: "a", until: now + HOUR },
    ]);
    expect(withMute(muted, "c", null, now)).toEqual(["a", "c"]);
    expect(withoutMute(muted, "c")).toEqual(["a", { id: "b", until: now - 1 }]);
  });

  it("knows when the next timed mute ends, so what is shown can change then", () => {
    const muted: MuteEntry[] = ["a", { id: "b", until: now + 8 * HOUR }, { id: "c", until: now + HOUR }];
    expect(nextMuteEnd(muted, now)).toBe(now + HOUR);
    expect(nextMuteEnd(muted, now + 8 * HOUR)).toBeNull();
  });

  it("says until when, with the day when it is not today", () => {
    expect(muteText("always", now)).toBe("Muted");
    expect(muteText(now + HOUR, now, "en-GB")).toBe("Muted until 15:00");
    expect(muteText(now + 11 * HOUR, now, "en-GB")).toBe("Muted until Tue 01:00");
  });

  it("says it in the language shown, the day and time in its locale", async () => {
    await i18n.changeLanguage("de");
    try {
      expect(MUTE_CHOICES.map((choice) => muteChoiceText(choice.ms))).toEqual(["1 Stunde", "8 Stunden", "Immer"]);
      expect(muteText("always", now)).toBe("Stummgeschaltet");
      // ICU versions differ in whether the short weekday has its period ("Di." or "Di").
      expect(muteText(now + 11 * HOUR, now, "de-DE")).toMatch(/^Stummgeschaltet bis Di\.? 01:00$/);
    } finally {
      // English is what every other test here expects.
      await i18n.changeLanguage("en");
    }
  });
});
