import type { Meta, StoryObj } from "@storybook/react-vite";
import { QrCode } from "./QrCode";

const meta = {
  title: "Components/QrCode",
  component: QrCode,
  parameters: { layout: "padded" },
  args: {
    value: "5e1f0c3a9b7d2e4f6a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5b7d9f1a3c5e7b9d0f",
    label: "QR code of a safety number",
  },
} satisfies Meta<typeof QrCode>;
export default meta;
export const SafetyNumber: StoryObj<typeof meta> = {};
