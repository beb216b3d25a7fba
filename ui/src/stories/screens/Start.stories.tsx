import type { Meta, StoryObj } from "@storybook/react-vite";
import { expect, userEvent, within } from "storybook/test";
import type { DemoParameters } from "../backend";
import { StoryApp } from "./app";

const meta = {
  title: "Screens/Start",
  component: StoryApp,
} satisfies Meta<typeof StoryApp>;
export default meta;
type Story = StoryObj<typeof meta>;
const demo = (parameters: DemoParameters) => ({ demo: parameters });

/** First start: no profile yet. */
export const CreateProfile: Story = { parameters: demo({ profile: "missing" }) };
/** A profile exists and is locked. */
export const Unlock: Story = { parameters: demo({ profile: "locked" }) };
/** The profile state has not arrived yet. */
export const Opening: Story = { parameters: demo({ hang: ["profileState"] }) };
/** The profile could not be opened. */
export const ProfileError: Story = {
  parameters: demo({
    fail: ["profileState"],
    failWith: { code: "storage_corrupt", message: "The profile database is damaged." },
  }),
};
/** A new profile, before the first account. */
export const AddFirstAccount: Story = {
  parameters: demo({ profile: "missing", setup: (backend) => backend.createProfile("correct horse battery") }),
};
/** Adding the first account fails: the relay does not answer. */
export const AddFirstAccountError: Story = {
  parameters: demo({
    profile: "missing",
    setup: (backend) => backend.createProfile("correct horse battery"),
    fail: ["addAccount"],
  }),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.type(await canvas.findByLabelText(/Your name on that network/), "ada");
    await userEvent.click(canvas.getByRole("button", { name: "Add account" }));
    await expect(await canvas.findByRole("alert")).toHaveTextContent(/answer/);
  },
};
/** Unlocking with a wrong passphrase. */
export const UnlockWrongPassphrase: Story = {
  parameters: demo({ profile: "locked" }),
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await userEvent.type(await canvas.findByLabelText("Passphrase"), "not the passphrase");
    await userEvent.click(canvas.getByRole("button", { name: "Unlock" }));
    await expect(await canvas.findByRole("alert")).toBeVisible();
  },
};
