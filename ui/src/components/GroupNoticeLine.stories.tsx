import type { Meta, StoryObj } from "@storybook/react-vite";
import type { GroupChangeKind, Message } from "../bindings";
import { messagesOf } from "../demo/fixtures";
import { DEMO_GROUPS } from "../demo/groupFixtures";
import { groupChat, world } from "../stories/world";
import { GroupNoticeLine } from "./GroupNoticeLine";

const ADA = "ada@meadow.example";
const base = messagesOf(world(), groupChat(DEMO_GROUPS.bridge.name).id).find((m) => m.notice !== null);

function notice(kind: GroupChangeKind, by: string, targets: string[] = []): Message {
  if (!base) throw new Error("a notice in the fixtures");
  return { ...base, id: `${kind}-${by}`, notice: { kind, by, targets, name: DEMO_GROUPS.bridge.name } };
}

/** Every kind of group change, as the timeline words it (from the notice's fields, not its body). */
function AllNotices() {
  const lines = [
    notice("created", ADA),
    notice("added", ADA, ["bea@meadow.example", "heron@harbor.example"]),
    notice("added_you", "noor@harbor.example", [ADA]),
    notice("renamed", "bea@meadow.example"),
    notice("made_admin", ADA, ["bea@meadow.example"]),
    notice("made_admin", "noor@harbor.example", [ADA]),
    notice("removed", "jon@meadow.example", ["sana@meadow.example"]),
    notice("removed", "jon@meadow.example", [ADA]),
    notice("left", "priya@harbor.example"),
    notice("left", ADA, [ADA]),
  ];
  return (
    <div className="timeline">
      {lines.map((line) => (
        <GroupNoticeLine key={line.id} message={line} own={ADA} />
      ))}
    </div>
  );
}

const meta = { title: "Components/GroupNoticeLine", component: AllNotices } satisfies Meta<typeof AllNotices>;
export default meta;
type Story = StoryObj<typeof meta>;

export const EveryKind: Story = {};
