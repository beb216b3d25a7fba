// Which language the UI speaks, decided without side effects so tests can hand in the system's
// list: the person's choice in Settings, else the first of the system's preferred languages
// that has a catalog, else English.

/** The languages with a complete catalog (en.json, de.json; catalogs.test.ts holds them equal). */
export const LANGUAGES = ["en", "de"] as const;
export type Language = (typeof LANGUAGES)[number];

/** What Settings stores: follow the system, or one language whatever the system says. */
export type LanguageSetting = "system" | Language;

/** The language of the catalog every other one is checked against, and the last resort. */
export const FALLBACK_LANGUAGE: Language = "en";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

export function isLanguageSetting(value: unknown): value is LanguageSetting {
  return value === "system" || isLanguage(value);
}

/** The language part of a BCP 47 tag: "de-AT" and "de_AT" → "de". */
function languageOf(tag: string): string {
  return (tag.split(/[-_]/)[0] ?? "").toLowerCase();
}

/** The first of the system's preferred languages (`navigator.languages`, in order) that has a catalog. */
export function systemLanguage(systemLocales: readonly string[]): Language {
  for (const tag of systemLocales) {
    const language = languageOf(tag);
    if (isLanguage(language)) return language;
  }
  return FALLBACK_LANGUAGE;
}

/** The language to show for a setting; anything that is not a known setting counts as "system". */
export function resolveLanguage(setting: unknown, systemLocales: readonly string[]): Language {
  return isLanguage(setting) ? setting : systemLanguage(systemLocales);
}

/**
 * The locale to format dates and numbers with (`Intl`): the system's own tag for the language shown,
 * so de-AT keeps its month names and en-GB its day-month order; the bare language when the system
 * prefers none of that language (a German UI chosen on an English system formats as "de").
 */
export function formattingLocale(language: Language, systemLocales: readonly string[]): string {
  for (const tag of systemLocales) {
    if (languageOf(tag) !== language) continue;
    try {
      return Intl.getCanonicalLocales(tag)[0] ?? language;
    } catch {
      // Not a valid tag (a system can say "de_DE.UTF-8"): the language alone is still right.
      return language;
    }
  }
  return language;
}

/** Each language by its own name, the same in every catalog (a person looks for "Deutsch", not "German"). */
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", de: "Deutsch" };
