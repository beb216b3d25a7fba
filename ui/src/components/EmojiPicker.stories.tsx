import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { ComposerEmojiButton } from "./ComposerEmojiButton";
import { EmojiPicker } from "./EmojiPicker";
import { ReactionPicker } from "./ReactionPicker";

const meta = {
  title: "Components/EmojiPicker",
  component: EmojiPicker,
  args: { onPick: fn(), onEscape: fn() },
  decorators: [
    (Story) => (
      <div style={{ padding: "var(--space-5)" }}>
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof EmojiPicker>;
export default meta;
type Story = StoryObj<typeof meta>;

/** The picker itself: search over every emoji (the bundled data, loaded on first open). */
export const Picker: Story = {};
/** Searching: the grid keeps what matches a name or a tag. */
export const Searching: Story = {
  play: async ({ canvas, userEvent }) => {
    await userEvent.type(await canvas.findByRole("searchbox", { name: "Search emoji" }), "heart");
    await canvas.findByRole("gridcell", { name: "Red heart" });
  },
};
/** Nothing matches. */
export const NoMatch: Story = {
  play: async ({ canvas, userEvent }) => {
    await userEvent.type(await canvas.findByRole("searchbox", { name: "Search emoji" }), "zzzzzz");
    await canvas.findByText("No emoji match.");
  },
};
/** "More reactions" on a message: any emoji as a reaction, in a dialog. */
export const ForAReaction: Story = {
  render: (args) => <ReactionPicker onPick={args.onPick} onClose={fn()} />,
};
/** In the composer: the button opens the picker above the message field. */
export const InTheComposer: Story = {
  render: (args) => (
    <div style={{ paddingTop: "24rem" }}>
      <ComposerEmojiButton onInsert={args.onPick} />
    </div>
  ),
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await canvas.findByRole("button", { name: "Insert emoji" }));
    await canvas.findByRole("dialog", { name: "Emoji" });
  },
};
