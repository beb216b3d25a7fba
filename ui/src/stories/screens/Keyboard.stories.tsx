import type { Meta, StoryObj } from "@storybook/react-vite";
import { chatKey, StoryApp } from "./app";

const meta = {
  title: "Screens/Keyboard",
  component: StoryApp,
} satisfies Meta<typeof StoryApp>;
export default meta;
type Story = StoryObj<typeof meta>;
const ADA = "ada@meadow.example";

/** Ctrl+K over the inbox: every chat, and the people known from groups. */
export const QuickSwitcher: Story = { args: { openDialog: "switcher" } };
/** Ctrl+/: the shortcut sheet. */
export const ShortcutSheet: Story = { args: { openDialog: "shortcuts" } };
/** The composer's emoji picker, open over a chat. */
export const EmojiPicker: Story = {
  args: { openChat: chatKey(ADA, "bea@meadow.example") },
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await canvas.findByRole("button", { name: "Insert emoji" }));
    await canvas.findByRole("gridcell", { name: "Grinning face" });
  },
};
