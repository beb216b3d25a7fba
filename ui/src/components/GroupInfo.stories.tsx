import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { DEMO_GROUPS } from "../demo/groupFixtures";
import { conversations, groupChat } from "../stories/world";
import { GroupInfo } from "./GroupInfo";

const meta = {
  title: "Components/GroupInfo",
  component: GroupInfo,
  args: { conversation: groupChat(DEMO_GROUPS.bridge.name), conversations: conversations(), onClose: fn() },
} satisfies Meta<typeof GroupInfo>;
export default meta;
type Story = StoryObj<typeof meta>;

/** The user is an admin: rename, add people, make admin, remove, leave. */
export const Admin: Story = {};
/** The user is a member, not an admin. */
export const Member: Story = { args: { conversation: groupChat(DEMO_GROUPS.walks.name) } };
/** An invitation not answered yet. */
export const Invited: Story = { args: { conversation: groupChat(DEMO_GROUPS.invitation.name) } };
/** Removed by an admin: nothing can be changed any more. */
export const Removed: Story = { args: { conversation: groupChat(DEMO_GROUPS.removed.name) } };
export const Loading: Story = { parameters: { demo: { hang: ["group"] } } };
