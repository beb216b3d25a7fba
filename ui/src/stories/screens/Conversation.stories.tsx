import type { Meta, StoryObj } from "@storybook/react-vite";
import { addressText } from "../../logic/address";
import type { DemoParameters } from "../backend";
import { chatRichIn, isEmoji, isLong, isRtl } from "../world";
import { chatKey, StoryApp } from "./app";

const meta = {
  title: "Screens/Conversation",
  component: StoryApp,
} satisfies Meta<typeof StoryApp>;
export default meta;
type Story = StoryObj<typeof meta>;
const demo = (parameters: DemoParameters) => ({ demo: parameters });
const ADA = "ada@meadow.example";
const richIn = (test: Parameters<typeof chatRichIn>[0]) => {
  const conversation = chatRichIn(test);
  return chatKey(addressText(conversation.account), addressText(conversation.peer));
};

/** A verified contact on the same network. */
export const Default: Story = { args: { openChat: chatKey(ADA, "bea@meadow.example") } };
/** A contact on another network: the chat says so. */
export const OtherNetwork: Story = { args: { openChat: chatKey(ADA, "heron@harbor.example") } };
/** The longest name in the fixtures, and long messages. */
export const LongNamesAndMessages: Story = {
  args: { openChat: chatKey(ADA, "gwendolyn.featherstonehaugh-montgomery-smythe@meadow.example") },
};
/** The chat whose latest messages hold the most long ones. */
export const LongMessages: Story = { args: { openChat: richIn(isLong) } };
/** Right-to-left text (Arabic, Hebrew) among left-to-right. */
export const RightToLeft: Story = { args: { openChat: richIn(isRtl) } };
/** Emoji-only messages are shown large, without a bubble. */
export const EmojiOnly: Story = { args: { openChat: richIn(isEmoji) } };
/** A 50,000-message chat: one page loaded, only the rows in view in the page. */
export const FiftyThousandMessages: Story = {
  args: { openChat: chatKey(ADA, "archive.bot@meadow.example") },
  parameters: demo({ bigChatMessages: 50_000 }),
};
/** The messages have not arrived. */
export const Loading: Story = {
  args: { openChat: chatKey(ADA, "bea@meadow.example") },
  parameters: demo({ hang: ["messages"] }),
};
/** The messages could not be loaded. */
export const Error: Story = {
  args: { openChat: chatKey(ADA, "bea@meadow.example") },
  parameters: demo({ fail: ["messages"], failWith: { code: "storage", message: "Reading the messages failed." } }),
};
/** Offline: what you send waits (pending) until the connection is back. */
export const Offline: Story = {
  args: { openChat: chatKey(ADA, "bea@meadow.example") },
  parameters: demo({ offline: true }),
};
/** A message request: the request bar; links inert, no receipts, nothing downloaded. */
export const PendingRequest: Story = { args: { openChat: chatKey(ADA, "zara@meadow.example") } };
/** A request from another network with a picture that is not downloaded. */
export const PendingRequestWithPicture: Story = { args: { openChat: chatKey(ADA, "prize.desk@harbor.example") } };
/** The harbor account withdrew meadow: its chat with bea is read-only. */
export const ReadOnlyAfterRevocation: Story = {
  args: { openChat: chatKey("adalovelace@harbor.example", "bea@meadow.example") },
};
/** marta's safety number changed: sending waits until it is acknowledged. */
export const KeyChange: Story = { args: { openChat: chatKey(ADA, "marta@harbor.example") } };
/** A blocked contact. */
export const Blocked: Story = {
  args: { openChat: chatKey(ADA, "cedric@meadow.example") },
  parameters: demo({ setup: (backend) => void backend.block(ADA, "cedric@meadow.example") }),
};
