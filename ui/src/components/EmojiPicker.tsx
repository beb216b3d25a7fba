// The emoji picker (frimousse, unstyled): a search field over a grid of every emoji, arrow keys
// and Enter to choose. Its data is the Emojibase set bundled with the app (logic/emojiData.ts) in
// the language shown, loaded as a chunk of the app the first time a picker opens in that language:
// nothing is fetched from elsewhere.
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import {
  EmojiPicker as Picker,
  type EmojiData,
  type EmojiPickerListCategoryHeaderProps,
  type EmojiPickerListEmojiProps,
  type EmojiPickerListRowProps,
  type Locale,
} from "frimousse";
import { currentLanguage } from "../i18n";
import { FALLBACK_LANGUAGE, isLanguage, type Language } from "../i18n/language";
import { pickerData } from "../logic/emojiData";
import "./EmojiPicker.css";

/** Each language's Emojibase data and names, as its own chunk of the app (one per language: a
 * German picker never loads the English names, nor the other way round). */
const EMOJI_DATA: Record<Language, () => Promise<EmojiData>> = {
  en: () =>
    Promise.all([import("emojibase-data/en/data.json"), import("emojibase-data/en/messages.json")]).then(
      ([emojis, messages]) => pickerData(emojis.default, messages.default, "en"),
    ),
  de: () =>
    Promise.all([import("emojibase-data/de/data.json"), import("emojibase-data/de/messages.json")]).then(
      ([emojis, messages]) => pickerData(emojis.default, messages.default, "de"),
    ),
};

const loading = new Map<Language, Promise<EmojiData>>();

/** The picker's data for `locale` (the language shown), loaded once per language. */
function loadEmojiData(locale: Locale): Promise<EmojiData> {
  const language = isLanguage(locale) ? locale : FALLBACK_LANGUAGE;
  let data = loading.get(language);
  if (!data) {
    data = EMOJI_DATA[language]();
    loading.set(language, data);
  }
  return data;
}

function CategoryHeader({ category, ...props }: EmojiPickerListCategoryHeaderProps) {
  return (
    <div {...props} className="emoji-picker__category">
      {category.label}
    </div>
  );
}

/** ARIA grid positions count from 1; frimousse (0.4.0) counts rows and columns from 0. */
function fromOne(index: unknown): number | undefined {
  return typeof index === "number" ? index + 1 : undefined;
}

function Row(props: EmojiPickerListRowProps) {
  return <div {...props} aria-rowindex={fromOne(props["aria-rowindex"])} />;
}

function EmojiButton({ emoji, ...props }: EmojiPickerListEmojiProps) {
  return (
    <button {...props} aria-colindex={fromOne(props["aria-colindex"])} className="emoji-picker__emoji">
      {emoji.emoji}
    </button>
  );
}

type Props = {
  onPick: (emoji: string) => void;
  /** Escape in the picker: the popover closes (a dialog closes on Escape by itself). */
  onEscape?: () => void;
};

export function EmojiPicker({ onPick, onEscape }: Props) {
  // Renders again when the language changes; frimousse then resolves the data for the new locale.
  const { t } = useTranslation();
  const language = currentLanguage();
  const search = useRef<HTMLInputElement>(null);
  // Focus the search once the picker is in place (a dialog opens after its children mount).
  useEffect(() => {
    const timer = setTimeout(() => search.current?.focus(), 0);
    return () => clearTimeout(timer);
  }, []);
  return (
    <Picker.Root
      className="emoji-picker"
      locale={language}
      columns={8}
      resolveEmojiData={loadEmojiData}
      onEmojiSelect={({ emoji }) => onPick(emoji)}
      onKeyDown={(event) => {
        if (event.key !== "Escape" || !onEscape) return;
        event.preventDefault();
        event.stopPropagation();
        onEscape();
      }}
    >
      <Picker.Search
        ref={search}
        className="input emoji-picker__search"
        aria-label={t("emoji.search")}
        placeholder={t("emoji.search")}
      />
      <Picker.Viewport className="emoji-picker__viewport">
        <Picker.Loading className="emoji-picker__note">{t("emoji.loading")}</Picker.Loading>
        <Picker.Empty className="emoji-picker__note">{t("emoji.none")}</Picker.Empty>
        <Picker.List
          className="emoji-picker__list"
          aria-label={t("emoji.label")}
          components={{ CategoryHeader, Row, Emoji: EmojiButton }}
        />
      </Picker.Viewport>
    </Picker.Root>
  );
}
