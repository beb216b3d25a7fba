import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { defaultSettings } from "../backend/backend";
import type { DemoParameters } from "../stories/backend";
import { DEMO_GROUPS } from "../demo/groupFixtures";
import { chat, chatRichIn, groupChat, isEmoji, isRtl, world } from "../stories/world";
import { ConversationView } from "./ConversationView";

const ADA = "ada@meadow.example";
const contact = { verified: false, blocked: false, key_change_held: false, first_contact_confirmed: true };
const demo = (parameters: DemoParameters) => ({ demo: parameters });

const meta = {
  title: "Components/ConversationView",
  component: ConversationView,
  args: {
    conversation: chat("bea@meadow.example", ADA),
    contact: { ...contact, verified: true },
    settings: defaultSettings,
    typing: [],
    draft: "",
    onDraft: fn(),
    onContactDetails: fn(),
    onToggleFlag: fn(),
    onMute: fn(),
    onContactChanged: fn(),
    onClosed: fn(),
  },
  decorators: [
    (Story) => (
      <div className="story-frame">
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof ConversationView>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
export const Typing: Story = { args: { typing: ["bea@meadow.example"] } };
/** Two members of a group typing at once: each is named. */
export const TypingInGroup: Story = {
  args: {
    conversation: groupChat(DEMO_GROUPS.bridge.name),
    typing: ["heron@harbor.example", "priya@harbor.example"],
  },
};
/** A chat just started: the demo backend's first new chat is "n1". */
export const Empty: Story = {
  args: {
    conversation: {
      ...chat("bea@meadow.example", ADA),
      id: "n1",
      peer: { name: "newbie", network: "meadow.example", device: 1 },
      unread: 0,
      last_preview: "",
    },
    contact,
  },
  parameters: demo({ setup: (backend) => void backend.startConversation(ADA, "newbie@meadow.example") }),
};
export const Loading: Story = { parameters: demo({ hang: ["messages"] }) };
export const Error: Story = { parameters: demo({ fail: ["messages"] }) };
export const OtherNetwork: Story = { args: { conversation: chat("heron@harbor.example", ADA), contact } };
export const RightToLeft: Story = { args: { conversation: chatRichIn(isRtl), contact } };
export const EmojiOnly: Story = { args: { conversation: chatRichIn(isEmoji), contact } };
export const LongName: Story = {
  args: { conversation: chat("gwendolyn.featherstonehaugh-montgomery-smythe@meadow.example", ADA), contact },
};
export const PendingRequest: Story = {
  args: { conversation: chat("zara@meadow.example", ADA), contact: { ...contact, first_contact_confirmed: false } },
};
export const ReadOnlyAfterRevocation: Story = {
  args: { conversation: { ...chat("bea@meadow.example", "adalovelace@harbor.example"), read_only: true }, contact },
};
export const KeyChange: Story = {
  args: { conversation: chat("marta@harbor.example", ADA), contact: { ...contact, key_change_held: true } },
};
export const Blocked: Story = {
  args: { conversation: chat("cedric@meadow.example", ADA), contact: { ...contact, blocked: true } },
};
export const FiftyThousandMessages: Story = {
  args: { conversation: chat("archive.bot@meadow.example", ADA, world({ bigChatMessages: 50_000 })), contact },
  parameters: demo({ bigChatMessages: 50_000 }),
};
