// Picks the implementation: Tauri inside the desktop app, the demo anywhere else
// (and whenever ?backend=demo asks for it).
import type { Backend } from "./backend";
import { DemoBackend, demoOptionsFromUrl } from "./demo";
import { TauriBackend } from "./tauri";

export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

export function selectBackend(location: { search: string }): Backend {
  const forced = new URLSearchParams(location.search).get("backend");
  if (forced !== "demo" && inTauri()) return new TauriBackend();
  return new DemoBackend(demoOptionsFromUrl(location.search));
}
