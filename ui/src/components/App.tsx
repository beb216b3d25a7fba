// Start, add account, or the app — and the theme.
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { AccountInfo } from "../bindings";
import { asUserError, defaultSettings, type Backend, type ProfileState, type Settings } from "../backend/backend";
import { describeError } from "../i18n/errors";
import { effectiveTheme } from "../logic/theme";
import { AddAccountScreen } from "./AddAccount";
import { BackendContext } from "./context";
import { Shell, type ShellDialog } from "./Shell";
import { StartScreen } from "./StartScreen";

/** `openChat` and `openDialog` open a chat or dialog once the inbox is there (stories, deep links). */
export function App({
  backend,
  openChat,
  openDialog,
}: {
  backend: Backend;
  openChat?: string;
  openDialog?: ShellDialog;
}) {
  const [state, setState] = useState<ProfileState | null>(null);
  const [accounts, setAccounts] = useState<AccountInfo[] | null>(null);
  const [settings, setSettings] = useState<Settings>(defaultSettings);
  const [onboarding, setOnboarding] = useState<AccountInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { t } = useTranslation();

  const refresh = useCallback(async () => {
    setError(null);
    try {
      const next = await backend.profileState();
      setState(next);
      if (next === "unlocked") {
        const [list, prefs] = await Promise.all([backend.accounts(), backend.settings()]);
        setAccounts(list);
        setSettings(prefs);
      } else {
        setAccounts(null);
      }
    } catch (caught) {
      setError(describeError(asUserError(caught)));
    }
  }, [backend]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    const system = window.matchMedia("(prefers-color-scheme: dark)");
    const apply = () =>
      document.documentElement.setAttribute("data-theme", effectiveTheme(settings.theme, system.matches));
    apply();
    if (settings.theme !== "system") return;
    system.addEventListener("change", apply);
    return () => system.removeEventListener("change", apply);
  }, [settings.theme]);

  const updateSettings = (next: Settings) => {
    // The web view's spell checker follows the setting at once (the desktop applies the stored
    // one itself at unlock); the composer's `spellcheck` attribute follows it from the settings.
    if (next.spellCheck !== settings.spellCheck) void backend.setSpellCheck(next.spellCheck).catch(() => undefined);
    setSettings(next);
    void backend.setSettings(next).then(setSettings, () => undefined);
  };

  let screen;
  if (error !== null) {
    screen = (
      <main className="start">
        <div className="start__card" role="alert">
          <h1 className="start__title">{t("app.openFailed")}</h1>
          <p className="notice notice--error">{error}</p>
          <button type="button" className="button button--primary" onClick={() => void refresh()}>
            {t("action.tryAgain")}
          </button>
        </div>
      </main>
    );
  } else if (state === null || (state === "unlocked" && accounts === null)) {
    screen = (
      <p className="loading" role="status">
        {t("app.opening")}
      </p>
    );
  } else if (state !== "unlocked") {
    screen = <StartScreen state={state} onUnlocked={() => void refresh()} />;
  } else if (!accounts || accounts.length === 0) {
    screen = (
      <AddAccountScreen
        onAdded={(account) => {
          setOnboarding(account);
          void refresh();
        }}
      />
    );
  } else {
    screen = (
      <Shell
        accounts={accounts}
        settings={settings}
        onSettings={updateSettings}
        onAccountsChanged={() => void backend.accounts().then(setAccounts)}
        onLock={() => void backend.lock().then(refresh)}
        onboarding={onboarding}
        onOnboarded={() => setOnboarding(null)}
        openChat={openChat}
        openDialog={openDialog}
      />
    );
  }
  return <BackendContext.Provider value={backend}>{screen}</BackendContext.Provider>;
}
