import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { conversations, world } from "../stories/world";
import { NewGroupDialog } from "./NewGroup";

const meta = {
  title: "Components/NewGroup",
  component: NewGroupDialog,
  args: { accounts: world().accounts, conversations: conversations(), onClose: fn(), onOpened: fn() },
} satisfies Meta<typeof NewGroupDialog>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
/** Nobody to pick from yet: people are typed by address. */
export const NoChatsYet: Story = { args: { conversations: [] } };
