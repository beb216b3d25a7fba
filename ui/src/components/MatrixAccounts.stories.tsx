import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { DEMO_MATRIX } from "../demo/matrixFixtures";
import type { DemoParameters } from "../stories/backend";
import { MatrixAccounts } from "./MatrixAccounts";

const ULLA = DEMO_MATRIX.account;
const demo = (parameters: DemoParameters) => ({ demo: parameters });
const meta = {
  title: "Components/MatrixAccounts",
  component: MatrixAccounts,
  args: { onChanged: fn() },
  decorators: [
    (Story) => (
      <div className="story-pad">
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof MatrixAccounts>;
export default meta;
type Story = StoryObj<typeof meta>;

/** The demo account, on: its chats are synced and can be written in. */
export const On: Story = {};
/** Matrix turned off for the account: nothing synced, its chats read-only. */
export const Off: Story = {
  parameters: demo({ setup: (backend) => void backend.matrixSetEnabled(ULLA, false, null) }),
};
/** No Matrix account signed in. */
export const NoAccount: Story = {
  parameters: demo({ setup: (backend) => void backend.matrixSignOut(ULLA) }),
};
/** The sign-in form: Matrix id, password, and the homeserver only when it cannot be found. */
export const SignIn: Story = {
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await canvas.findByRole("button", { name: "Sign in to a Matrix account" }));
  },
};
/** Signing in with a password the homeserver refuses (the demo's is "wrong"). */
export const SignInRefused: Story = {
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await canvas.findByRole("button", { name: "Sign in to a Matrix account" }));
    await userEvent.type(await canvas.findByLabelText(/^Matrix id/), "@wren:example.org");
    await userEvent.type(canvas.getByLabelText("Password"), "wrong");
    await userEvent.click(canvas.getByRole("button", { name: "Sign in" }));
    await canvas.findByRole("alert");
  },
};
/** Signed in: the new account is off until its disclosure is read. */
export const SignedIn: Story = {
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await canvas.findByRole("button", { name: "Sign in to a Matrix account" }));
    await userEvent.type(await canvas.findByLabelText(/^Matrix id/), "@wren:example.org");
    await userEvent.type(canvas.getByLabelText("Password"), "demo");
    await userEvent.click(canvas.getByRole("button", { name: "Sign in" }));
    await canvas.findByRole("status");
  },
};
/** The accounts have not arrived. */
export const Loading: Story = { parameters: { demo: { hang: ["matrixAccounts"] } } };
