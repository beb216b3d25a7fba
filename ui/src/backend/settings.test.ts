import { describe, expect, it } from "vitest";
import { isLanguageSetting } from "../i18n/language";
import { defaultSettings, type Settings } from "./backend";

// The defaults come from a JSON file the desktop shell reads too, so TypeScript cannot check
// them: this does.
describe("defaultSettings", () => {
  it("has every field of Settings, with the right kind of value", () => {
    const kinds: Record<keyof Settings, string> = {
      theme: "string",
      language: "string",
      readReceipts: "boolean",
      typingIndicators: "boolean",
      notifications: "boolean",
      notificationPreview: "boolean",
      spellCheck: "boolean",
      closeToTray: "boolean",
      pinned: "array",
      muted: "array",
      archived: "array",
    };
    for (const [field, kind] of Object.entries(kinds)) {
      const value = (defaultSettings as Record<string, unknown>)[field];
      expect(Array.isArray(value) ? "array" : typeof value, field).toBe(kind);
    }
    expect(Object.keys(defaultSettings).sort()).toEqual(Object.keys(kinds).sort());
    expect(["system", "light", "dark"]).toContain(defaultSettings.theme);
    expect(isLanguageSetting(defaultSettings.language), "the default language is a setting the UI knows").toBe(true);
  });
});

describe("files waiting in the composer", () => {
  it("tells a file the desktop staged from one the page still has to stage", async () => {
    const { isStaged } = await import("./backend");
    expect(isStaged({ id: "3/photo.jpg", name: "photo.jpg", size: 12 })).toBe(true);
    expect(isStaged(new File(["x"], "note.txt"))).toBe(false);
  });
});
