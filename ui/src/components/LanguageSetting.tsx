// The language choice in Settings: follow the system (saying which language that is now), or one
// of the languages with a catalog, each by its own name. The choice applies at once and is saved
// with the other settings; App applies the saved one when Settings are read after unlock.
import { useTranslation } from "react-i18next";
import type { Settings } from "../backend/backend";
import { applyLanguageSetting, systemLocales as currentSystemLocales } from "../i18n";
import { LANGUAGE_NAMES, LANGUAGES, systemLanguage, type LanguageSetting as Choice } from "../i18n/language";

type Props = {
  settings: Settings;
  onSettings: (settings: Settings) => void;
  /** The system's preferred languages, in order (`navigator.languages`; stories pass their own). */
  systemLocales?: readonly string[];
};

export function LanguageSetting({ settings, onSettings, systemLocales = currentSystemLocales() }: Props) {
  const { t } = useTranslation();
  const choose = (language: Choice) => {
    applyLanguageSetting(language);
    onSettings({ ...settings, language });
  };
  const choices: Choice[] = ["system", ...LANGUAGES];
  return (
    <fieldset className="stack">
      <legend>{t("language.legend")}</legend>
      {choices.map((choice) => (
        <label key={choice} className="check">
          <input
            type="radio"
            name="settings-language"
            checked={settings.language === choice}
            onChange={() => choose(choice)}
          />
          {choice === "system" ? (
            t("language.system", { language: LANGUAGE_NAMES[systemLanguage(systemLocales)] })
          ) : (
            <span lang={choice}>{LANGUAGE_NAMES[choice]}</span>
          )}
        </label>
      ))}
    </fieldset>
  );
}
