// The composer's emoji button and the picker it opens above the text field. The picker closes
// when an emoji is chosen, on Escape, and when focus or a click goes elsewhere.
import { useEffect, useRef, useState, type FocusEvent } from "react";
import { Smile } from "lucide-react";
import { useTranslation } from "react-i18next";
import { EmojiPicker } from "./EmojiPicker";
import { Icon } from "./Icon";

export function ComposerEmojiButton({ onInsert }: { onInsert: (emoji: string) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  const onBlur = (event: FocusEvent) => {
    const next = event.relatedTarget;
    if (next instanceof Node && !root.current?.contains(next)) setOpen(false);
  };

  return (
    <div className="composer__emoji" ref={root} onBlur={onBlur}>
      <button
        ref={button}
        type="button"
        className="button button--ghost"
        aria-label={t("composer.insertEmoji")}
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        <Icon icon={Smile} />
      </button>
      {open && (
        <div className="composer__emoji-panel" role="dialog" aria-label={t("emoji.label")}>
          <EmojiPicker
            onPick={(emoji) => {
              setOpen(false);
              onInsert(emoji);
            }}
            onEscape={() => {
              setOpen(false);
              button.current?.focus();
            }}
          />
        </div>
      )}
    </div>
  );
}
