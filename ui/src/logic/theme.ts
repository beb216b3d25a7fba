// The theme the page shows: the user's choice, or the system's when the choice is "system".
// tokens.css has one dark palette, under data-theme="dark", so the page always names a theme.
import type { ThemeSetting } from "../backend/backend";

export function effectiveTheme(setting: ThemeSetting, systemPrefersDark: boolean): "light" | "dark" {
  if (setting === "system") return systemPrefersDark ? "dark" : "light";
  return setting;
}
