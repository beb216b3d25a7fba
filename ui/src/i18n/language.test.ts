// Which language the UI shows: the system's unless the person chose one, English when the system
// prefers nothing there is a catalog for; and the locale dates are formatted in.
import { afterEach, describe, expect, it, vi } from "vitest";
import { formattingLocale, resolveLanguage, systemLanguage } from "./language";

describe("resolveLanguage", () => {
  it("follows the system: a German system gets German", () => {
    expect(resolveLanguage("system", ["de-DE"])).toBe("de");
    expect(resolveLanguage("system", ["de-AT", "en-US"])).toBe("de");
  });

  it("takes the first of the system's languages that has a catalog", () => {
    expect(resolveLanguage("system", ["fr-FR", "de-CH", "en"])).toBe("de");
    expect(resolveLanguage("system", ["fr-FR", "en-GB", "de"])).toBe("en");
  });

  it("is English when the system prefers nothing there is a catalog for, or says nothing", () => {
    expect(resolveLanguage("system", ["fr-FR", "ja"])).toBe("en");
    expect(resolveLanguage("system", [])).toBe("en");
  });

  it("lets the setting override the system, both ways", () => {
    expect(resolveLanguage("en", ["de-DE"])).toBe("en");
    expect(resolveLanguage("de", ["en-US"])).toBe("de");
  });

  it("treats a missing or unknown setting (an older settings document) as the system's", () => {
    expect(resolveLanguage(undefined, ["de-DE"])).toBe("de");
    expect(resolveLanguage("fr", ["de-DE"])).toBe("de");
  });

  it("reads tags however the system writes them", () => {
    expect(systemLanguage(["DE_de"])).toBe("de");
    expect(systemLanguage(["de_DE.UTF-8"])).toBe("de");
  });
});

describe("formattingLocale", () => {
  it("keeps the system's region for the language shown (de-AT month names, en-GB day order)", () => {
    expect(formattingLocale("de", ["de-AT", "en-US"])).toBe("de-AT");
    expect(formattingLocale("en", ["de-DE", "en-GB"])).toBe("en-GB");
  });

  it("is the bare language when the system does not prefer it (German chosen on an English system)", () => {
    expect(formattingLocale("de", ["en-US"])).toBe("de");
  });

  it("never passes Intl a tag it refuses", () => {
    expect(formattingLocale("de", ["de_DE.UTF-8"])).toBe("de");
  });
});

// The running instance: what a person sees. Each test loads the module afresh, as a page load does,
// with the browser's languages and storage stubbed.
describe("the UI's language", () => {
  const memory = new Map<string, string>();
  const storage = {
    getItem: (key: string) => memory.get(key) ?? null,
    setItem: (key: string, value: string) => void memory.set(key, value),
    removeItem: (key: string) => void memory.delete(key),
  };

  async function load(languages: string[]) {
    vi.resetModules();
    vi.stubGlobal("navigator", { languages, language: languages[0] });
    vi.stubGlobal("localStorage", storage);
    return import("./index");
  }

  afterEach(() => {
    vi.unstubAllGlobals();
    memory.clear();
  });

  it("is German for a browser that says de-DE, with dates formatted for de-DE", async () => {
    const { i18n, currentLanguage, currentLocale } = await load(["de-DE", "en"]);
    expect(currentLanguage()).toBe("de");
    expect(currentLocale()).toBe("de-DE");
    expect(i18n.t("start.unlock")).toBe("Entsperren");
  });

  it("is English for an English browser (what the browser tests and most people get)", async () => {
    const { i18n, currentLanguage } = await load(["en-US"]);
    expect(currentLanguage()).toBe("en");
    expect(i18n.t("start.unlock")).toBe("Unlock");
  });

  it("follows the setting over the system, at once, and back to the system", async () => {
    const { i18n, applyLanguageSetting, currentLanguage, currentLocale } = await load(["en-US"]);
    applyLanguageSetting("de");
    expect(currentLanguage(), "the change applies without waiting").toBe("de");
    expect(currentLocale(), "German chosen on an English system formats as de").toBe("de");
    expect(i18n.t("groupInfo.members", { count: 1 })).toBe("1 Mitglied");
    expect(i18n.t("groupInfo.members", { count: 3 })).toBe("3 Mitglieder");
    applyLanguageSetting("system");
    expect(currentLanguage()).toBe("en");
    expect(i18n.t("groupInfo.members", { count: 3 })).toBe("3 members");
  });

  it("keeps the last choice for the screens before unlock, and forgets it for 'system'", async () => {
    const first = await load(["en-US"]);
    first.applyLanguageSetting("de");
    const next = await load(["en-US"]);
    expect(next.currentLanguage(), "the unlock screen after a restart").toBe("de");
    expect(next.currentLanguageSetting()).toBe("de");
    next.applyLanguageSetting("system");
    const after = await load(["en-US"]);
    expect(after.currentLanguage()).toBe("en");
  });

  it("points every date and size at the language shown, a German choice on an English system too", async () => {
    const { applyLanguageSetting } = await load(["en-US"]);
    // The same module instances the i18n layer wired (load() started a fresh module graph).
    const { currentLocale } = await import("../logic/locale");
    const { formatSize } = await import("../logic/format");
    expect(currentLocale()).toBe("en-US");
    expect(formatSize(1_500)).toBe("1.5 kB");
    applyLanguageSetting("de");
    expect(currentLocale()).toBe("de");
    expect(formatSize(1_500), "the German decimal mark, without a reload").toBe("1,5 kB");
  });

  it("treats a settings document without a language as following the system", async () => {
    const { applyLanguageSetting, currentLanguage } = await load(["de-DE"]);
    applyLanguageSetting(undefined);
    expect(currentLanguage()).toBe("de");
  });

  it("tells listeners of a change, and stops when asked", async () => {
    const { applyLanguageSetting, onLanguageChanged } = await load(["en-US"]);
    const heard: string[] = [];
    const stop = onLanguageChanged((language) => heard.push(language));
    applyLanguageSetting("de");
    stop();
    applyLanguageSetting("en");
    expect(heard).toEqual(["de"]);
  });

  it("describes error codes in the language shown, and unknown codes by their code", async () => {
    const { applyLanguageSetting } = await load(["en-US"]);
    const { describeError } = await import("./errors");
    expect(describeError({ code: "wrong_passphrase", message: "ignored" })).toBe(
      "That passphrase is not right. Try again.",
    );
    applyLanguageSetting("de");
    expect(describeError({ code: "wrong_passphrase", message: "ignored" })).toBe(
      "Diese Passphrase stimmt nicht. Versuch es noch einmal.",
    );
    expect(describeError({ code: "internal", message: "ignored" })).toBe("Etwas ist schiefgelaufen (internal).");
    expect(describeError({ code: "invalid_group", message: "the name is too long" })).toBe(
      "Das geht in dieser Gruppe nicht: the name is too long.",
    );
  });
});
