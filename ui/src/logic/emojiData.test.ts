import { describe, expect, it } from "vitest";
import emojis from "emojibase-data/en/data.json";
import messages from "emojibase-data/en/messages.json";
import { fullyQualified, NEWEST_EMOJI_VERSION, pickerData, type EmojibaseEmoji } from "./emojiData";

describe("the emoji picker's bundled data", () => {
  const data = pickerData(emojis as EmojibaseEmoji[], messages, "en");

  it("holds the usual categories and emoji, labelled for the picker's grid", () => {
    expect(data.categories.map((category) => category.label)).toContain("Smileys & emotion");
    expect(data.emojis.find((emoji) => emoji.emoji === "😀")?.label).toBe("Grinning face");
    expect(data.emojis.length).toBeGreaterThan(1500);
  });

  it("leaves out components (skin tone swatches) and emoji newer than the system font draws", () => {
    expect(data.categories.some((category) => /component/i.test(category.label))).toBe(false);
    expect(data.emojis.some((emoji) => emoji.emoji === "🏻")).toBe(false);
    expect(Math.max(...data.emojis.map((emoji) => emoji.version))).toBeLessThanOrEqual(NEWEST_EMOJI_VERSION);
    const newest = pickerData(
      [{ emoji: "🫩", label: "face with bags under eyes", group: 0, version: 16 }],
      messages,
      "en",
    );
    expect(newest.emojis).toEqual([]);
  });

  it("writes each emoji as the quick reactions do, so a picked 👍 and a quick 👍 are one reaction", () => {
    const byLabel = (label: string) => data.emojis.find((emoji) => emoji.label === label)?.emoji;
    expect(byLabel("Thumbs up")).toBe("👍");
    // A character that is text by default keeps the selector that makes it an emoji.
    expect(byLabel("Red heart")).toBe("❤️");
    expect(fullyQualified("👨‍👩‍👧")).toBe("👨‍👩‍👧");
  });
});
