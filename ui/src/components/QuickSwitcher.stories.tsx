import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { switcherEntries } from "../logic/quickSwitcher";
import { conversations } from "../stories/world";
import { QuickSwitcher } from "./QuickSwitcher";

const ADA = "ada@meadow.example";
// Every chat of the fixtures, and two group members without a chat of their own.
const entries = switcherEntries(conversations(), [
  { account: ADA, address: "ulla@harbor.example" },
  { account: ADA, address: "pia@meadow.example" },
]);

const meta = {
  title: "Components/QuickSwitcher",
  component: QuickSwitcher,
  args: { entries, onPick: fn(), onClose: fn() },
} satisfies Meta<typeof QuickSwitcher>;
export default meta;
type Story = StoryObj<typeof meta>;

/** Opened with nothing typed: the most recent chats first. */
export const Recent: Story = {};
/** Part of an address: names and addresses match, accents and case aside. */
export const Filtered: Story = { args: { initialQuery: "harbor" } };
/** A group member with no chat yet is offered too, to start one. */
export const Person: Story = { args: { initialQuery: "ulla" } };
/** Nothing matches: where to go instead. */
export const NoMatch: Story = { args: { initialQuery: "nobody-by-this-name" } };
