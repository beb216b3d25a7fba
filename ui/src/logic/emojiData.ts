// The emoji picker's data, made from the Emojibase dataset that is bundled with the app: the
// picker never fetches it (the page's CSP allows no other origin, and a messenger should not
// tell a CDN when someone opens its emoji picker).
import type { EmojiData } from "frimousse";
import { capitalized } from "./locale";

/** One entry of Emojibase's `data.json` (the fields used here). */
export type EmojibaseEmoji = {
  emoji: string;
  label: string;
  /** Absent for components (skin tone and hair swatches), which are no emoji to pick. */
  group?: number;
  version: number;
  tags?: string[];
};

/** Emojibase's `messages.json` (the fields used here). */
export type EmojibaseMessages = {
  groups: { key: string; message: string; order: number }[];
  skinTones: { key: string; message: string }[];
};

/** The newest Emoji version the picker offers. Debian 12's Noto Color Emoji draws Emoji 15.0:
 * newer ones would show as empty boxes there. */
export const NEWEST_EMOJI_VERSION = 15;

const SKIN_TONE_KEYS = ["light", "medium-light", "medium", "medium-dark", "dark"] as const;

/** The emoji in Unicode's fully-qualified form. Emojibase writes U+FE0F even after characters
 * that show as emoji by default ("👍\uFE0F"), which Unicode's list does not; a reaction picked
 * here must be the same text as the quick reaction "👍", or the two would count apart. */
export function fullyQualified(emoji: string): string {
  return emoji.replace(/(\p{Emoji_Presentation})\uFE0F/gu, "$1");
}

/** The picker's data: every emoji up to `newest`, in Emojibase's order, in its categories. */
export function pickerData(
  emojis: readonly EmojibaseEmoji[],
  messages: EmojibaseMessages,
  locale: string,
  newest = NEWEST_EMOJI_VERSION,
): EmojiData {
  const groups = messages.groups.filter((group) => group.key !== "component");
  const kept = new Set(groups.map((group) => group.order));
  const tones = new Map(messages.skinTones.map((tone) => [tone.key, capitalized(tone.message, locale)]));
  const skinTones = Object.fromEntries(
    SKIN_TONE_KEYS.map((key) => [key, tones.get(key) ?? key]),
  ) as EmojiData["skinTones"];
  return {
    locale,
    categories: groups.map((group) => ({ index: group.order, label: capitalized(group.message, locale) })),
    skinTones,
    emojis: emojis.flatMap((emoji) =>
      emoji.group !== undefined && kept.has(emoji.group) && emoji.version <= newest
        ? [
            {
              emoji: fullyQualified(emoji.emoji),
              category: emoji.group,
              label: capitalized(emoji.label, locale),
              version: emoji.version,
              tags: emoji.tags ?? [],
            },
          ]
        : [],
    ),
  };
}
