// One chat's draft while it is open: saved after a pause in typing, at once when the window
// hides and when the chat is left (the view unmounts), never after the text was sent.
import { useEffect, useMemo, useRef } from "react";
import type { ConversationId } from "../bindings";
import type { Backend } from "../backend/backend";
import { draftSaver, type DraftSaver } from "../logic/drafts";

/**
 * `saved` is the chat's draft as the inbox has it when the chat opens; `onDraft` hears of every
 * draft the chat saves (and of the removal a send makes), so the inbox's preview follows.
 */
export function useDraft(
  backend: Backend,
  conversation: ConversationId,
  saved: string,
  onDraft: (conversation: ConversationId, text: string) => void,
): DraftSaver {
  const report = useRef(onDraft);
  report.current = onDraft;
  const latest = useRef(saved);
  latest.current = saved;

  const saver = useMemo(() => {
    const inner = draftSaver(latest.current, (text) => {
      report.current(conversation, text);
      return backend.saveDraft(conversation, text);
    });
    return {
      ...inner,
      sent() {
        inner.sent();
        report.current(conversation, "");
      },
    };
  }, [backend, conversation]);

  useEffect(() => {
    const onHidden = () => {
      if (document.visibilityState === "hidden") void saver.flush();
    };
    document.addEventListener("visibilitychange", onHidden);
    return () => {
      document.removeEventListener("visibilitychange", onHidden);
      void saver.flush();
    };
  }, [saver]);

  return saver;
}
