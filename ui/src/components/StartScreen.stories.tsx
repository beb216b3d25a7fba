import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { StartScreen } from "./StartScreen";

const meta = {
  title: "Components/StartScreen",
  component: StartScreen,
  args: { state: "locked", onUnlocked: fn() },
  parameters: { demo: { profile: "locked" } },
} satisfies Meta<typeof StartScreen>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Unlock: Story = {};
export const CreateProfile: Story = { args: { state: "missing" }, parameters: { demo: { profile: "missing" } } };
