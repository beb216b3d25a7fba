import type { Meta, StoryObj } from "@storybook/react-vite";
import { conversations, world } from "../stories/world";
import { VirtualList } from "./VirtualList";

const meta = { title: "Components/VirtualList" } satisfies Meta;
export default meta;
type Story = StoryObj<typeof meta>;

/** 10,000 rows: only those in view (and a few more) are in the page. */
export const TenThousandRows: Story = {
  render: () => (
    <div className="story-frame">
      <VirtualList
        className="inbox__list"
        items={conversations(world({ chats: 10_000 }))}
        keyOf={(conversation) => conversation.id}
        estimate={() => 40}
        render={(conversation, index) => (
          <p style={{ margin: 0, padding: "var(--space-2) var(--space-4)" }}>
            {index + 1}. {conversation.peer.name}@{conversation.peer.network}
          </p>
        )}
      />
    </div>
  ),
};
/** A timeline that sticks to the bottom. */
export const StickToBottom: Story = {
  render: () => (
    <div className="story-frame">
      <VirtualList
        className="timeline"
        items={Array.from({ length: 500 }, (_, index) => index + 1)}
        keyOf={(n) => String(n)}
        estimate={() => 32}
        stickToBottom
        render={(n) => <p style={{ margin: 0, padding: "var(--space-1) var(--space-4)" }}>Row {n}</p>}
      />
    </div>
  ),
};
