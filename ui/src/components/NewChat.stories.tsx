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
/** The account has that network turned off: the refusal offers to turn it on, there and then. */
export const NetworkOff: Story = {
  args: { initial: { account: "adalovelace@harbor.example", peer: "newcomer@meadow.example" } },
  play: async ({ canvas }) => {
    await canvas.findByRole("button", { name: "Turn on meadow.example…" });
  },
};
