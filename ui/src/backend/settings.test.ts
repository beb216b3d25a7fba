import { describe, expect, it } from "vitest";
import { defaultSettings, type Settings } from "./backend";

// The defaults come from a JSON file the desktop shell reads too, so TypeScript cannot check
// them: this does.
describe("defaultSettings", () => {
  it("has every field of Settings, with the right kind of value", () => {
    const kinds: Record<keyof Settings, string> = {
      theme: "string",
      readReceipts: "boolean",
      typingIndicators: "boolean",
      notifications: "boolean",
      notificationPreview: "boolean",
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
  });
});
