// "More reactions…": any emoji as a reaction to one message, in a modal dialog (Escape closes it).
import { useTranslation } from "react-i18next";
import { Dialog } from "./Dialog";
import { EmojiPicker } from "./EmojiPicker";

export function ReactionPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog title={t("emoji.react")} onClose={onClose}>
      <EmojiPicker onPick={onPick} />
    </Dialog>
  );
}
