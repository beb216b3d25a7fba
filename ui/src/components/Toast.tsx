// A short confirmation at the bottom of the window ("Copied"), read out by screen readers, gone
// after a moment. `useToast` gives the text to show and the function that shows one.
import { useCallback, useEffect, useRef, useState } from "react";
import "./Toast.css";

const SHOWN_MS = 2500;

export function useToast(): [string | null, (text: string) => void] {
  const [text, setText] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const show = useCallback((next: string) => {
    if (timer.current) clearTimeout(timer.current);
    setText(next);
    timer.current = setTimeout(() => setText(null), SHOWN_MS);
  }, []);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return [text, show];
}

/** Always in the page (empty when quiet), so the live region exists before its text arrives. */
export function Toast({ text }: { text: string | null }) {
  return (
    <div className="toast-region" role="status" aria-live="polite">
      {text && <p className="toast">{text}</p>}
    </div>
  );
}
