import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { Dialog } from "./Dialog";

const meta = {
  title: "Components/Dialog",
  component: Dialog,
  args: {
    title: "A dialog",
    onClose: fn(),
    children: <p>Dialogs trap focus, close on Escape and return focus where it was.</p>,
  },
} satisfies Meta<typeof Dialog>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
export const Wide: Story = { args: { wide: true, title: "A wide dialog" } };
export const Alert: Story = { args: { role: "alertdialog", title: "Something needs your attention" } };
export const LongTitle: Story = {
  args: { title: "Write to gwendolyn.featherstonehaugh-montgomery-smythe@harbor.example?" },
};
