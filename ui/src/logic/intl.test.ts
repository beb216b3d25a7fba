import { describe, expect, it } from "vitest";
import { dayLabel } from "./days";
import { formatSize } from "./format";
import { capitalized, currentLocale, setLocaleSource } from "./locale";

// A fixed locale in every call: the machine's language must not change what a test expects.
describe("day separators in the locale's words", () => {
  const now = new Date(2026, 2, 10, 12).getTime();
  const day = 86_400_000;
  it("says today and yesterday with Intl.RelativeTimeFormat, capitalized at the start of the line", () => {
    expect(dayLabel(now - 60_000, now, "en")).toBe("Today");
    expect(dayLabel(now - day, now, "en")).toBe("Yesterday");
    expect(dayLabel(now, now, "de")).toBe("Heute");
    expect(dayLabel(now - day, now, "de")).toBe("Gestern");
    expect(dayLabel(now - day, now, "fr")).toBe("Hier");
  });
  it("names the weekday within a week and the date beyond, never a relative word there", () => {
    expect(dayLabel(now - 3 * day, now, "en")).toBe("Saturday, March 7");
    expect(dayLabel(now - 3 * day, now, "de")).toBe("Samstag, 7. März");
    expect(dayLabel(new Date(2025, 11, 24).getTime(), now, "en")).toBe("December 24, 2025");
  });
});

describe("file sizes in the locale's number format and units", () => {
  it("uses decimal units with one decimal at most", () => {
    expect(formatSize(0, "en")).toBe("0 bytes");
    expect(formatSize(999, "en")).toBe("999 bytes");
    expect(formatSize(1_500, "en")).toBe("1.5 kB");
    expect(formatSize(734_003, "en")).toBe("734 kB");
    expect(formatSize(104_857_600, "en")).toBe("104.9 MB");
    expect(formatSize(2_000_000_000, "en")).toBe("2 GB");
  });
  it("writes the locale's decimal mark and unit names", () => {
    expect(formatSize(1_500, "de")).toBe("1,5 kB");
    expect(formatSize(512, "de")).toBe("512 Byte");
    // ICU versions differ in which space they put before the unit.
    expect(formatSize(1_500_000, "fr").replace(/\s/gu, " ")).toBe("1,5 Mo");
  });
});

describe("the UI's locale", () => {
  it("is one valid tag (what the i18n setting will later decide)", () => {
    expect(Intl.getCanonicalLocales(currentLocale())).toHaveLength(1);
  });
  it("is what the i18n layer points it at, for every formatter that is not handed one", () => {
    const system = currentLocale();
    setLocaleSource(() => "de");
    try {
      expect(formatSize(1_500)).toBe("1,5 kB");
      expect(dayLabel(Date.now(), Date.now())).toBe("Heute");
    } finally {
      setLocaleSource(() => system);
    }
  });
  it("capitalizes the first letter as the locale writes it", () => {
    expect(capitalized("istanbul", "tr")).toBe("İstanbul");
    expect(capitalized("", "en")).toBe("");
  });
});
