import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { sendBlockedReason } from "../logic/composer";
import { chat, message } from "../stories/world";
import { Composer } from "./Composer";

const replyTo = message((m) => m.direction === "incoming" && m.body.length > 20 && !m.deleted);
const mine = message((m) => m.direction === "outgoing" && m.body.length > 10 && !m.deleted);
const contact = { verified: false, blocked: false, key_change_held: false, first_contact_confirmed: true };

const meta = {
  title: "Components/Composer",
  component: Composer,
  args: {
    blockedReason: null,
    mode: { kind: "new" },
    onCancelMode: fn(),
    onSend: fn(async () => true),
    onSendFiles: fn(async () => true),
    onTyping: fn(),
    pendingFiles: [],
    setPendingFiles: fn(),
    error: null,
    peerLabel: "bea",
  },
  decorators: [
    (Story) => (
      <div style={{ marginTop: "var(--space-7)" }}>
        <Story />
      </div>
    ),
  ],
} satisfies Meta<typeof Composer>;
export default meta;
type Story = StoryObj<typeof meta>;

export const Empty: Story = {};
/** Opened with the chat's draft, as it was left (kept across chat switches, restarts and lock). */
export const RestoredDraft: Story = {
  args: { initialText: "Running ten minutes late, save me a seat —\nand the agenda if there is one" },
};
export const Reply: Story = { args: { mode: { kind: "reply", message: replyTo } } };
export const Edit: Story = { args: { mode: { kind: "edit", message: mine } } };
export const WithFiles: Story = {
  args: {
    pendingFiles: [
      new File([new Uint8Array(734_003)], "IMG_2044.jpg", { type: "image/jpeg" }),
      new File([new Uint8Array(20_480)], "minutes-2026-03.pdf", { type: "application/pdf" }),
    ],
  },
};
export const SendError: Story = {
  args: { error: "The network's server does not answer. Check the address and your connection." },
};
/** A message request: no reply until accepted. */
export const PendingRequest: Story = { args: { blockedReason: sendBlockedReason(chat("zara@meadow.example"), null) } };
/** Read-only after interop was turned off. */
export const ReadOnly: Story = {
  args: {
    blockedReason: sendBlockedReason(
      { ...chat("bea@meadow.example", "adalovelace@harbor.example"), read_only: true },
      contact,
    ),
  },
};
/** Read-only because the network is off: the remedy is offered where the reason is. */
export const ReadOnlyWithRemedy: Story = {
  args: { ...ReadOnly.args, remedy: { label: "Turn on meadow.example…", onClick: fn() } },
};
export const KeyChange: Story = {
  args: { blockedReason: sendBlockedReason(chat("marta@harbor.example"), { ...contact, key_change_held: true }) },
};
export const Blocked: Story = {
  args: { blockedReason: sendBlockedReason(chat("cedric@meadow.example"), { ...contact, blocked: true }) },
};
/** A held key change, with the button that opens the review. */
export const KeyChangeWithRemedy: Story = {
  args: { ...KeyChange.args, remedy: { label: "Review the change", onClick: fn() } },
};
/** Spell checking turned off in Settings. */
export const NoSpellCheck: Story = { args: { spellCheck: false } };
