import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { chat } from "../stories/world";
import { ContactDetails } from "./ContactDetails";

const ADA = "ada@meadow.example";
const meta = {
  title: "Components/ContactDetails",
  component: ContactDetails,
  args: { conversation: chat("bea@meadow.example", ADA), onClose: fn(), onChanged: fn() },
} satisfies Meta<typeof ContactDetails>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Verified. */
export const Verified: Story = {};
export const NotVerified: Story = { args: { conversation: chat("heron@harbor.example", ADA) } };
export const KeyChanged: Story = { args: { conversation: chat("marta@harbor.example", ADA) } };
export const LongName: Story = {
  args: { conversation: chat("gwendolyn.featherstonehaugh-montgomery-smythe@meadow.example", ADA) },
};
export const Loading: Story = { parameters: { demo: { hang: ["safetyNumber", "contact"] } } };
export const Error: Story = {
  parameters: {
    demo: { fail: ["safetyNumber"], failWith: { code: "crypto", message: "The safety number could not be computed." } },
  },
};
