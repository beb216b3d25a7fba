import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { InteropReviewBanner } from "./InteropReviewBanner";

const ACCOUNTS = ["ada@meadow.example", "adalovelace@harbor.example", "ada.lab@meadow.example"];
const meta = {
  title: "Components/InteropReviewBanner",
  component: InteropReviewBanner,
  args: { accounts: ACCOUNTS, toReview: { "ada.lab@meadow.example": ["harbor.example"] }, onAllowed: fn() },
  decorators: [
    (Story) => (
      <div style={{ maxWidth: 360 }}>
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof InteropReviewBanner>;
export default meta;
type Story = StoryObj<typeof meta>;

/** An account allowed a network before group chats worked across networks: the inbox asks again. */
export const ReviewOneNetwork: Story = {};
/** The only account: the banner does not name it. */
export const OnlyAccount: Story = {
  args: { accounts: ["ada.lab@meadow.example"] },
};
/** Nothing to review: no banner. */
export const NothingToReview: Story = { args: { toReview: {} } };
