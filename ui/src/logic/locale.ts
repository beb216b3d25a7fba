// The one place the UI's locale comes from: dates, times and sizes are formatted for it. By
// default the system's language as the web view reports it; the i18n layer points it at the
// language shown (`setLocaleSource`), and every formatter follows.

const FALLBACK = "en";

/** The system's locale, as the web view reports it. */
function systemLocale(): string {
  const language = typeof navigator === "undefined" ? undefined : navigator.language;
  if (!language) return FALLBACK;
  // A tag Intl does not take (an odd system setting) must not break every date on screen.
  try {
    return Intl.getCanonicalLocales(language)[0] ?? FALLBACK;
  } catch {
    return FALLBACK;
  }
}

let source: () => string = systemLocale;

/** The locale every date, time and size in the UI is formatted for. */
export function currentLocale(): string {
  return source();
}

/** Points `currentLocale` elsewhere: the i18n layer hands in its locale for the language shown
 * (i18n/index.ts; this module imports nothing of i18n, so tests can hand in any locale). */
export function setLocaleSource(next: () => string): void {
  source = next;
}

/** `text` with its first letter upper case as `locale` writes it ("today" at a line's start is "Today"). */
export function capitalized(text: string, locale: string): string {
  const first = Array.from(text)[0];
  return first === undefined ? text : first.toLocaleUpperCase(locale) + text.slice(first.length);
}
