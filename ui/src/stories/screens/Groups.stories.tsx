import type { Meta, StoryObj } from "@storybook/react-vite";
import { DEMO_GROUPS } from "../../demo/groupFixtures";
import type { DemoParameters } from "../backend";
import { chatKey, StoryApp } from "./app";

const ADA = "ada@meadow.example";
const meta = {
  title: "Screens/Groups",
  component: StoryApp,
} satisfies Meta<typeof StoryApp>;
export default meta;
type Story = StoryObj<typeof meta>;
const demo = (parameters: DemoParameters) => ({ demo: parameters });
const group = (name: string) => chatKey(ADA, name);

/** A group with people on meadow and harbor: changes as lines of their own, each author with their network. */
export const GroupChat: Story = { args: { openChat: group(DEMO_GROUPS.bridge.name) } };
/** Group info as an admin: rename, add, make admin, remove, leave. */
export const GroupInfoAdmin: Story = { args: { openChat: group(DEMO_GROUPS.bridge.name), openDialog: "contact" } };
/** Group info as a member who is no admin: the members and their networks, and leaving. */
export const GroupInfoMember: Story = { args: { openChat: group(DEMO_GROUPS.walks.name), openDialog: "contact" } };
/** An invitation (the add was not allowed by "who can add me"): join, decline, or block who invited. */
export const Invitation: Story = { args: { openChat: group(DEMO_GROUPS.invitation.name) } };
/** An admin removed the user: the chat stays, read-only. */
export const Removed: Story = { args: { openChat: group(DEMO_GROUPS.removed.name) } };
/** The user left: the chat stays, read-only. */
export const Left: Story = {
  args: { openChat: group(DEMO_GROUPS.walks.name) },
  parameters: demo({ setup: (backend) => void backend.leaveGroup(ADA, DEMO_GROUPS.walks.id) }),
};
/** Start a group: a name, an account, people picked from chats or typed, each with their network. */
export const NewGroup: Story = { args: { openDialog: "new-group" } };
/** Reporting a member from group info: reason, note, their messages in the group to choose, block. */
export const ReportMember: Story = {
  args: { openChat: group(DEMO_GROUPS.bridge.name), openDialog: "contact" },
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await canvas.findByRole("button", { name: "Report heron@harbor.example" }));
    await canvas.findByRole("dialog", { name: "Report heron@harbor.example" });
  },
};
