// One icon from the app's icon set (lucide), sized to the text beside it. Decorative (hidden from
// screen readers) unless it is given a label; a button with an icon says what it does itself.
import type { LucideIcon } from "lucide-react";
import "./Icon.css";

export function Icon({ icon: Glyph, label }: { icon: LucideIcon; label?: string }) {
  return label ? (
    <Glyph className="icon" role="img" aria-label={label} focusable="false" />
  ) : (
    <Glyph className="icon" aria-hidden="true" focusable="false" />
  );
}
