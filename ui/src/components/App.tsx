// Start, add account, or the app — and the theme.
import { useCallback, useEffect, useState } from "react";
import type { AccountInfo } from "../bindings";
import { defaultSettings, type Backend, type ProfileState, type Settings } from "../backend/backend";
import { AddAccountScreen } from "./AddAccount";
import { BackendContext } from "./context";
import { Shell } from "./Shell";
import { StartScreen } from "./StartScreen";

export function App({ backend }: { backend: Backend }) {
  const [state, setState] = useState<ProfileState | null>(null);
  const [accounts, setAccounts] = useState<AccountInfo[] | null>(null);
  const [settings, setSettings] = useState<Settings>(defaultSettings);
  const [onboarding, setOnboarding] = useState<AccountInfo | null>(null);

  const refresh = useCallback(async () => {
    const next = await backend.profileState();
    setState(next);
    if (next === "unlocked") {
      const [list, prefs] = await Promise.all([backend.accounts(), backend.settings()]);
      setAccounts(list);
      setSettings(prefs);
    } else {
      setAccounts(null);
    }
  }, [backend]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    const root = document.documentElement;
    if (settings.theme === "system") root.removeAttribute("data-theme");
    else root.setAttribute("data-theme", settings.theme);
  }, [settings.theme]);

  const updateSettings = (next: Settings) => {
    setSettings(next);
    void backend.setSettings(next).then(setSettings);
  };

  let screen;
  if (state === null || (state === "unlocked" && accounts === null)) {
    screen = (
      <p className="loading" role="status">
        Opening…
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
      />
    );
  }
  return <BackendContext.Provider value={backend}>{screen}</BackendContext.Provider>;
}
