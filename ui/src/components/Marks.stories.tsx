import type { Meta, StoryObj } from "@storybook/react-vite";
import type { MessageStatus } from "../bindings";
import { Avatar, MatrixMark, NetworkMark, StatusMark, UnencryptedMark } from "./Marks";

const meta = { title: "Components/Marks", parameters: { layout: "padded" } } satisfies Meta;
export default meta;
type Story = StoryObj<typeof meta>;

const NETWORKS = ["meadow.example", "harbor.example", "lagoon.example", "elsewhere.example"];
const STATUSES: MessageStatus[] = ["pending", "sent", "delivered", "read", "failed", "received"];

/** Each network's mark, in its token color (--network-meadow, --network-harbor, --network-lagoon, --network-other). */
export const NetworkMarks: Story = {
  render: () => (
    <div className="story-pad">
      {NETWORKS.map((network) => (
        <NetworkMark key={network} network={network} />
      ))}
    </div>
  ),
};
/** A Matrix chat's mark (token --network-matrix), and the mark of a Matrix room that is not
 * encrypted (compact, as in the chat list: the icon alone, named, with the explanation as its title). */
export const MatrixMarks: Story = {
  render: () => (
    <div className="story-pad">
      <MatrixMark />
      <UnencryptedMark />
      <UnencryptedMark compact />
    </div>
  ),
};
export const Avatars: Story = {
  render: () => (
    <div className="story-pad">
      {["bea", "dana.okafor", "gwendolyn.featherstonehaugh-montgomery-smythe", "مرحبا", "🎉"].map((name) => (
        <span key={name} style={{ display: "flex", gap: "var(--space-2)" }}>
          <Avatar name={name} />
          <Avatar name={name} size="small" />
        </span>
      ))}
    </div>
  ),
};
export const DeliveryStatus: Story = {
  render: () => (
    <ul className="story-pad">
      {STATUSES.map((status) => (
        <li key={status}>
          {status}: <StatusMark status={status} />
        </li>
      ))}
    </ul>
  ),
};
