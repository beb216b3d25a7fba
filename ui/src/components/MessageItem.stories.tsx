import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import type { Message } from "../bindings";
import { isEmoji, isLong, isRtl, message } from "../stories/world";
import { MessageItem, type Transfer } from "./MessageItem";

const ADA = "ada@meadow.example";
const actions = {
  reply: fn(),
  react: fn(),
  moreReactions: fn(),
  copy: fn(),
  edit: fn(),
  remove: fn(),
  openLink: fn(),
  download: fn(),
  save: fn(),
  open: fn(),
};
const picture = message(
  (m) =>
    m.attachments[0]?.content_type.startsWith("image/") === true && m.attachments[0].thumbnail !== null && !m.deleted,
);
const file = message((m) => m.attachments[0]?.content_type === "application/pdf" && !m.deleted);
const link = message((m) => m.body.includes("https://") && !m.deleted);

const meta = {
  title: "Components/MessageItem",
  component: MessageItem,
  args: {
    message: message(
      (m) => m.direction === "incoming" && m.body !== "" && !m.deleted && m.attachments.length === 0 && !isEmoji(m),
    ),
    own: ADA,
    request: false,
    canWrite: true,
    transfers: new Map<string, Transfer>(),
    actions,
    peerName: "bea@meadow.example",
  },
  decorators: [
    (Story) => (
      <div className="timeline" style={{ padding: "var(--space-4)" }}>
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof MessageItem>;
export default meta;
type Story = StoryObj<typeof meta>;
const own = (m: Message): Message => ({
  ...m,
  direction: "outgoing",
  author: ADA,
  status: m.status === "received" ? "read" : m.status,
});

export const Incoming: Story = {};
export const Outgoing: Story = {
  args: {
    message: message(
      (m) => m.direction === "outgoing" && m.body !== "" && m.status === "read" && m.attachments.length === 0,
    ),
  },
};
export const Pending: Story = {
  args: { message: { ...own(message((m) => m.body !== "" && !isEmoji(m))), status: "pending" } },
};
export const Failed: Story = {
  args: {
    message: {
      ...own(message((m) => m.body !== "" && !isEmoji(m))),
      status: "failed",
      failure: "No relay answers at https://meadow.example.",
    },
  },
};
export const LongMessage: Story = { args: { message: message(isLong) } };
export const RightToLeft: Story = { args: { message: message(isRtl) } };
export const EmojiOnly: Story = { args: { message: message(isEmoji) } };
export const Quote: Story = { args: { message: message((m) => m.quote !== null) } };
export const Reactions: Story = { args: { message: message((m) => m.reactions.length > 0 && !m.deleted) } };
export const Edited: Story = { args: { message: message((m) => m.edited && !m.deleted) } };
export const Deleted: Story = { args: { message: message((m) => m.deleted) } };
export const PictureNotDownloaded: Story = {
  args: {
    message: {
      ...picture,
      direction: "incoming",
      attachments: picture.attachments.map((a) => ({ ...a, downloaded: false })),
    },
  },
};
export const PictureDownloaded: Story = {
  args: { message: { ...picture, attachments: picture.attachments.map((a) => ({ ...a, downloaded: true })) } },
};
export const PictureDownloading: Story = {
  args: {
    message: {
      ...picture,
      direction: "incoming",
      attachments: picture.attachments.map((a) => ({ ...a, downloaded: false })),
    },
    transfers: new Map([[`${picture.id}:0`, { done: 40, total: 100 }]]),
  },
};
export const File: Story = { args: { message: file } };
/** In an accepted chat a link is a link that asks before it opens. */
export const Link: Story = { args: { message: link } };
/** In a request a link is inert text and nothing is downloaded. */
export const InRequest: Story = {
  args: {
    message: {
      ...link,
      direction: "incoming",
      attachments: picture.attachments.map((a) => ({ ...a, downloaded: false })),
    },
    request: true,
    canWrite: false,
  },
};
/** Read-only chat: no reply, react, edit or delete. */
export const ReadOnly: Story = { args: { canWrite: false } };
