import type { Meta, StoryObj } from "@storybook/react-vite";
import { scrollToMiddle } from "../stories/play";
import { fn } from "storybook/test";
import { defaultSettings } from "../backend/backend";
import { networksOf } from "../logic/inbox";
import { conversations, world } from "../stories/world";
import { Inbox } from "./Inbox";

const all = conversations();
const NETWORKS = networksOf(all, ["meadow.example", "harbor.example"]);

const meta = {
  title: "Components/Inbox",
  component: Inbox,
  args: {
    status: { kind: "ready" },
    onRetry: fn(),
    conversations: all,
    networks: NETWORKS,
    layout: "combined",
    settings: defaultSettings,
    selected: null,
    onSelect: fn(),
    filter: { kind: "all" },
    onFilter: fn(),
  },
  decorators: [
    (Story) => (
      <div className="story-frame">
        <nav className="sidebar" aria-label="Chats" style={{ flex: "none", width: "var(--size-sidebar)" }}>
          <Story />
        </nav>
      </div>
    ),
  ],
} satisfies Meta<typeof Inbox>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Default: Story = {};
export const Selected: Story = { args: { selected: all[2]?.id ?? null } };
export const Empty: Story = { args: { conversations: [] } };
export const Loading: Story = { args: { status: { kind: "loading" }, conversations: [] } };
export const Error: Story = {
  args: { status: { kind: "error", message: "Reading the chats failed." }, conversations: [] },
};
export const Requests: Story = { args: { filter: { kind: "requests" } } };
export const NoRequests: Story = {
  args: { filter: { kind: "requests" }, conversations: all.filter((c) => !c.request) },
};
export const SeparateFolder: Story = { args: { layout: "separate", filter: { kind: "other-networks" } } };
export const PinnedMutedArchived: Story = {
  args: {
    settings: {
      ...defaultSettings,
      pinned: all.slice(3, 4).map((c) => c.id),
      muted: all.slice(4, 6).map((c) => c.id),
      archived: all.slice(0, 1).map((c) => c.id),
    },
  },
};
export const TenThousandChats: Story = {
  args: { conversations: conversations(world({ chats: 10_000 })) },
  play: scrollToMiddle,
};
/** Requests with the demo's group invitation (Book club) among the message requests, selected. */
export const GroupInvitationInRequests: Story = {
  args: { filter: { kind: "requests" }, selected: all.find((c) => c.group !== null && c.request)?.id ?? null },
};
/** Group chats among the others: the group's name and a group mark instead of an address. */
export const GroupChats: Story = {
  args: { conversations: all.filter((c) => c.group !== null || c.peer.network === "harbor.example") },
};
/** Chats with a draft show it instead of their last message, marked "Draft:". */
export const Drafts: Story = {
  args: {
    drafts: Object.fromEntries(
      all
        .filter((c) => !c.request)
        .slice(1, 3)
        .map((c, index) => [c.id, index === 0 ? "See you at eight —\nI'll bring the maps" : "Thanks!"]),
    ),
  },
};
/** Matrix chats among the others: the Matrix mark and the person's Matrix id, one room not
 * encrypted, a Matrix invitation under Requests; the Matrix filter is offered. */
export const MatrixChats: Story = {
  args: {
    conversations: all.filter((c) => c.matrix !== null || c.peer.network === "harbor.example"),
  },
};
/** The Matrix filter chosen: only Matrix chats. */
export const MatrixFilter: Story = { args: { filter: { kind: "matrix" } } };
