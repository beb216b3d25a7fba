import type { Meta, StoryObj } from "@storybook/react-vite";
import { chatKey, StoryApp } from "./app";

const ADA = "ada@meadow.example";
const meta = {
  title: "Screens/Dialogs",
  component: StoryApp,
} satisfies Meta<typeof StoryApp>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Settings: accounts and interop per network, layout, privacy, theme, passphrase, the consent record. */
export const Settings: Story = { args: { openDialog: "settings" } };
/** Settings while the consent record is still loading. */
export const SettingsLoading: Story = { args: { openDialog: "settings" }, parameters: { demo: { hang: ["ledger"] } } };
/** Start a chat by address. */
export const NewChat: Story = { args: { openDialog: "new-chat" } };
/** Contact details: safety number as digits and QR code. */
export const ContactDetails: Story = { args: { openChat: chatKey(ADA, "bea@meadow.example"), openDialog: "contact" } };
/** Contact details after a key change. */
export const ContactDetailsKeyChanged: Story = {
  args: { openChat: chatKey(ADA, "marta@harbor.example"), openDialog: "contact" },
};
