import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { defaultSettings } from "../backend/backend";
import { world } from "../stories/world";
import { SettingsDialog } from "./SettingsDialog";

const meta = {
  title: "Components/SettingsDialog",
  component: SettingsDialog,
  args: {
    accounts: world().accounts,
    networks: ["meadow.example", "harbor.example"],
    settings: defaultSettings,
    layout: "combined",
    onSettings: fn(),
    onLayout: fn(),
    onAccountsChanged: fn(),
    onLock: fn(),
    onClose: fn(),
  },
} satisfies Meta<typeof SettingsDialog>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
export const SeparateLayoutDarkTheme: Story = {
  args: { layout: "separate", settings: { ...defaultSettings, theme: "dark", readReceipts: false } },
};
export const OneAccount: Story = { args: { accounts: world().accounts.slice(0, 1) } };
/** No relay answers: a report made before is kept and shown as not sent yet, under the account. */
export const ReportNotSentYet: Story = { parameters: { demo: { offline: true } } };
export const ConsentRecordLoading: Story = { parameters: { demo: { hang: ["ledger"] } } };
