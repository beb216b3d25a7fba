import type { Meta, StoryObj } from "@storybook/react-vite";
import { scrollToMiddle } from "../play";
import type { DemoParameters } from "../backend";
import { StoryApp } from "./app";

const meta = {
  title: "Screens/Inbox",
  component: StoryApp,
} satisfies Meta<typeof StoryApp>;
export default meta;
type Story = StoryObj<typeof meta>;
const demo = (parameters: DemoParameters) => ({ demo: parameters });

/** Three accounts on two networks, requests, a read-only chat, long names. */
export const Default: Story = {};
/** An account with no chats yet. */
export const Empty: Story = { parameters: demo({ chats: 0 }) };
/** The chat list has not arrived. */
export const Loading: Story = { parameters: demo({ hang: ["conversations"] }) };
/** The chat list could not be loaded. */
export const Error: Story = {
  parameters: demo({ fail: ["conversations"], failWith: { code: "storage", message: "Reading the chats failed." } }),
};
/** No relay answers: every account is offline. */
export const Offline: Story = { parameters: demo({ offline: true }) };
/** 10,000 chats (virtualized: only the rows in view are in the page). */
export const TenThousandChats: Story = { parameters: demo({ chats: 10_000 }), play: scrollToMiddle };
/** Chats with other networks in their own folder. */
export const SeparateFolder: Story = { parameters: demo({ setup: (backend) => backend.setInboxLayout("separate") }) };
/** After turning harbor off for ada@meadow.example: its chats there are marked read-only. */
export const AfterRevocation: Story = {
  parameters: demo({ setup: (backend) => void backend.disableInterop("ada@meadow.example", "harbor.example") }),
};
