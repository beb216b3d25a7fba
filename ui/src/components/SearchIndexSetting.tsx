// Settings: rebuilding the search index from every stored message (the engine keeps it current
// by itself; this is for a profile whose index went wrong, and for testers).
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { asUserError } from "../backend/backend";
import { describeError } from "../i18n/errors";
import { useBackend } from "./context";

type State =
  { kind: "idle" } | { kind: "busy" } | { kind: "done"; count: number } | { kind: "failed"; message: string };

export function SearchIndexSetting() {
  const backend = useBackend();
  const { t } = useTranslation();
  const [state, setState] = useState<State>({ kind: "idle" });
  const rebuild = () => {
    setState({ kind: "busy" });
    backend.rebuildSearchIndex().then(
      (count) => setState({ kind: "done", count }),
      (error: unknown) => setState({ kind: "failed", message: describeError(asUserError(error)) }),
    );
  };
  return (
    <section className="settings-section" aria-labelledby="settings-search">
      <h3 id="settings-search" className="section-title">
        {t("settings.search")}
      </h3>
      <p className="muted">{t("settings.searchLead")}</p>
      <button type="button" className="button" onClick={rebuild} disabled={state.kind === "busy"}>
        {t("settings.rebuildIndex")}
      </button>
      <p role="status" className={state.kind === "failed" ? "notice notice--error" : "muted"}>
        {state.kind === "busy"
          ? t("settings.rebuilding")
          : state.kind === "done"
            ? t("settings.rebuilt", { count: state.count })
            : state.kind === "failed"
              ? state.message
              : ""}
      </p>
    </section>
  );
}
