import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { ShortcutSheet } from "./ShortcutSheet";

const meta = {
  title: "Components/ShortcutSheet",
  component: ShortcutSheet,
  args: { onClose: fn() },
} satisfies Meta<typeof ShortcutSheet>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Every shortcut from the one table the keyboard handler reads, and the keys that work in place. */
export const Default: Story = {};
