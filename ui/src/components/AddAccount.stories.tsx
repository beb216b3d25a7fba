import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { AddAccountForm, AddAccountScreen } from "./AddAccount";

const meta = { title: "Components/AddAccount" } satisfies Meta;
export default meta;
type Story = StoryObj<typeof meta>;

export const Screen: Story = { render: () => <AddAccountScreen onAdded={fn()} /> };
export const Form: Story = {
  render: () => (
    <div className="story-pad" style={{ maxWidth: "440px" }}>
      <AddAccountForm onAdded={fn()} />
    </div>
  ),
};
