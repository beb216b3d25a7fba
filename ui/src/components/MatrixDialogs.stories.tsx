import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { DEMO_MATRIX } from "../demo/matrixFixtures";
import { MatrixDisclosureDialog, MatrixOffDialog } from "./MatrixDialogs";

const ULLA = DEMO_MATRIX.account;
const meta = { title: "Components/MatrixDialogs" } satisfies Meta;
export default meta;
type Story = StoryObj<typeof meta>;

/** Turning Matrix on: the engine's Matrix disclosure, then "Turn on Matrix" under its version. */
export const Disclosure: Story = {
  render: () => <MatrixDisclosureDialog userId={ULLA} onClose={fn()} onDone={fn()} />,
};
export const DisclosureLoading: Story = {
  render: () => <MatrixDisclosureDialog userId={ULLA} onClose={fn()} onDone={fn()} />,
  parameters: { demo: { hang: ["matrixDisclosure"] } },
};
/** Turning Matrix on fails (here: the disclosure changed meanwhile). */
export const DisclosureOutdated: Story = {
  render: () => <MatrixDisclosureDialog userId={ULLA} onClose={fn()} onDone={fn()} />,
  parameters: {
    demo: {
      fail: ["matrixSetEnabled"],
      failWith: { code: "disclosure_outdated", message: "the disclosure was matrix-disclosure-v0" },
    },
  },
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await canvas.findByRole("button", { name: "Turn on Matrix" }));
    await canvas.findByRole("alert");
  },
};
/** Turning Matrix off: what becomes of the account's chats. */
export const TurnOff: Story = {
  render: () => <MatrixOffDialog userId={ULLA} onClose={fn()} onDone={fn()} />,
};
/** Signing out: the device goes, the chats stay read-only. */
export const SignOut: Story = {
  render: () => <MatrixOffDialog userId={ULLA} signOut onClose={fn()} onDone={fn()} />,
};
