import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { defaultSettings } from "../backend/backend";
import { world } from "../stories/world";
import { Shell } from "./Shell";

const meta = {
  title: "Components/Shell",
  component: Shell,
  args: {
    accounts: world().accounts,
    settings: defaultSettings,
    onSettings: fn(),
    onAccountsChanged: fn(),
    onLock: fn(),
    onboarding: null,
    onOnboarded: fn(),
  },
} satisfies Meta<typeof Shell>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
export const ChatOpen: Story = { args: { openChat: "ada@meadow.example|heron@harbor.example" } };
/** Right after adding an account: the interop onboarding opens over the app. */
export const Onboarding: Story = { args: { onboarding: world().accounts[2] ?? null } };
export const Offline: Story = { parameters: { demo: { offline: true } } };
