// Matrix in the same inbox: the Matrix chats among the others, each state of a Matrix chat, the
// Matrix accounts in Settings (none, off, on), the Matrix disclosure, and a new chat from Matrix.
import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { MatrixDisclosureDialog } from "../../components/MatrixDialogs";
import { DEMO_MATRIX } from "../../demo/matrixFixtures";
import type { DemoParameters } from "../backend";
import { scrollToId } from "../play";
import { chatKey, StoryApp } from "./app";

const meta = {
  title: "Screens/Matrix",
  component: StoryApp,
} satisfies Meta<typeof StoryApp>;
export default meta;
type Story = StoryObj<typeof meta>;
const demo = (parameters: DemoParameters) => ({ demo: parameters });
const ULLA = DEMO_MATRIX.account;
const ULLA_ADDRESS = "ulla@matrix.example";
const turnedOff = demo({ setup: (backend) => void backend.matrixSetEnabled(ULLA, false, null) });
const signedOut = demo({ setup: (backend) => void backend.matrixSignOut(ULLA) });

/** The inbox with only the Matrix chats (the Matrix filter): a Matrix mark on each, one not encrypted. */
export const InboxMatrixFilter: Story = {
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await canvas.findByRole("button", { name: "Matrix" }));
  },
};
/** An encrypted direct chat on Matrix: the person's Matrix id, Matrix's note, writing as usual. */
export const DirectChat: Story = { args: { openChat: chatKey(ULLA_ADDRESS, "maren@example.org") } };
/** A chat in a room that is not end-to-end encrypted: marked, and said why it matters. */
export const UnencryptedChat: Story = { args: { openChat: chatKey(ULLA_ADDRESS, "rune@oldserver.example") } };
/** A stranger's Matrix invitation: a request like any other (accept, block, report, delete). */
export const Invitation: Story = { args: { openChat: chatKey(ULLA_ADDRESS, "hedda@freehold.example") } };
/** Matrix turned off for the account: its chats are read-only, and say where to turn it on. */
export const ReadOnlyWhenOff: Story = {
  args: { openChat: chatKey(ULLA_ADDRESS, "maren@example.org") },
  parameters: turnedOff,
};
/** The Matrix person's details: their Matrix id, the room's encryption, no safety number. */
export const ContactDetails: Story = {
  args: { openChat: chatKey(ULLA_ADDRESS, "maren@example.org"), openDialog: "contact" },
};
/** Settings → Matrix accounts, with the demo account on. */
export const SettingsOn: Story = { args: { openDialog: "settings" }, play: scrollToId("settings-matrix") };
/** Settings → Matrix accounts, with Matrix turned off for the account. */
export const SettingsOff: Story = {
  args: { openDialog: "settings" },
  parameters: turnedOff,
  play: scrollToId("settings-matrix"),
};
/** Settings → Matrix accounts with none signed in (the demo account signed out). */
export const SettingsNoAccount: Story = {
  args: { openDialog: "settings" },
  parameters: signedOut,
  play: scrollToId("settings-matrix"),
};
/** Turning Matrix on: the engine's Matrix disclosure, over the app. */
export const Disclosure: Story = {
  render: (args) => (
    <>
      <StoryApp {...args} />
      <MatrixDisclosureDialog userId={ULLA} onClose={fn()} onDone={fn()} />
    </>
  ),
};
/** New chat from the Matrix account: a Matrix id instead of an address. */
export const NewChatFromMatrix: Story = {
  args: { openDialog: "new-chat" },
  play: async ({ canvas, userEvent }) => {
    const select = await canvas.findByRole("combobox");
    await canvas.findByRole("option", { name: ULLA });
    await userEvent.selectOptions(select, ULLA);
  },
};
