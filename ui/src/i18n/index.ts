// The UI's translations: one i18next instance with the catalogs bundled (the page fetches nothing;
// the CSP is `default-src 'self'`), and the one place that knows which language is shown.
//
// The language comes from the setting (Settings.language, "system" by default) and the system's
// preferred languages (`navigator.languages`). The settings document is sealed in the profile, so
// it cannot be read before unlock: the last explicit choice is also kept in localStorage, so the
// unlock screen speaks it too. A language choice is no secret; nothing else is kept there.
//
// Components translate with `useTranslation()` (react-i18next), which renders again when the
// language changes. Code outside React reads `currentLanguage()` / `currentLocale()` and, where it
// caches formatters, listens with `onLanguageChanged`.
import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { setLocaleSource } from "../logic/locale";
import de from "./de.json";
import en from "./en.json";
import {
  FALLBACK_LANGUAGE,
  formattingLocale,
  isLanguage,
  isLanguageSetting,
  resolveLanguage,
  type Language,
  type LanguageSetting,
} from "./language";

export type { Language, LanguageSetting } from "./language";
export { LANGUAGES } from "./language";

export const catalogs = { en, de } as const satisfies Record<Language, unknown>;

/** Where the last explicit choice is kept for the screens before unlock. */
export const STORED_SETTING_KEY = "isthmus.language";

/** The system's preferred languages, in order (none outside a browser). */
export function systemLocales(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  if (navigator.languages && navigator.languages.length > 0) return navigator.languages;
  return navigator.language ? [navigator.language] : [];
}

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    // Storage refused (a sandboxed frame): the choice then lives only in Settings.
    return null;
  }
}

function storedSetting(): LanguageSetting {
  const stored = storage()?.getItem(STORED_SETTING_KEY);
  return isLanguageSetting(stored) ? stored : "system";
}

let setting: LanguageSetting = storedSetting();

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, de: { translation: de } },
  lng: resolveLanguage(setting, systemLocales()),
  fallbackLng: FALLBACK_LANGUAGE,
  supportedLngs: ["en", "de"],
  // The catalogs are in the bundle: initialise at once, so the first render has its strings.
  initAsync: false,
  // React escapes what it renders; escaping here too would show "&amp;".
  interpolation: { escapeValue: false },
  returnNull: false,
  react: { useSuspense: false },
});

function showLanguage(language: string): void {
  if (typeof document !== "undefined") document.documentElement.lang = language;
}
showLanguage(i18n.language);
i18n.on("languageChanged", showLanguage);

/** The language the UI shows now. */
export function currentLanguage(): Language {
  const language = i18n.resolvedLanguage ?? i18n.language;
  return isLanguage(language) ? language : FALLBACK_LANGUAGE;
}

/** The locale for `Intl` (dates, numbers, lists): see `formattingLocale`. */
export function currentLocale(): string {
  return formattingLocale(currentLanguage(), systemLocales());
}

// Every date, time and size the UI formats (logic/locale.ts) follows the language shown. The
// formatters build their Intl objects per call and cache none, so nothing needs resetting on a change.
setLocaleSource(currentLocale);

/** The setting in force (as applied last, or as kept from the last session before unlock). */
export function currentLanguageSetting(): LanguageSetting {
  return setting;
}

/**
 * Applies the language setting: when Settings are read after unlock, and when the person changes it.
 * A value that is not a known setting (an older settings document has none) counts as "system".
 */
export function applyLanguageSetting(next: unknown): void {
  setting = isLanguageSetting(next) ? next : "system";
  const kept = storage();
  try {
    if (setting === "system") kept?.removeItem(STORED_SETTING_KEY);
    else kept?.setItem(STORED_SETTING_KEY, setting);
  } catch {
    // Storage full or refused: the setting still applies for this session.
  }
  void i18n.changeLanguage(resolveLanguage(setting, systemLocales()));
}

/** Calls `listener` with the new language after every change; returns the unsubscribe. */
export function onLanguageChanged(listener: (language: Language) => void): () => void {
  const handler = () => listener(currentLanguage());
  i18n.on("languageChanged", handler);
  return () => i18n.off("languageChanged", handler);
}

// The system's languages can change while the app runs (the desktop's region settings).
if (typeof window !== "undefined") {
  window.addEventListener("languagechange", () => {
    if (setting === "system") void i18n.changeLanguage(resolveLanguage(setting, systemLocales()));
  });
}
