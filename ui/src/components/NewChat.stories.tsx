import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { world } from "../stories/world";
import { NewChatDialog } from "./NewChat";

const meta = {
  title: "Components/NewChat",
  component: NewChatDialog,
  args: { accounts: world().accounts, onClose: fn(), onOpened: fn() },
} satisfies Meta<typeof NewChatDialog>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
export const OneAccount: Story = { args: { accounts: world().accounts.slice(0, 1) } };
