import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import { world } from "../stories/world";
import {
  ConfirmDialog,
  DisclosureDialog,
  FirstContactDialog,
  InteropOnboarding,
  KeyChangeDialog,
  LinkDialog,
  ReportDialog,
  RevokeDialog,
} from "./ConsentDialogs";
import { memberMessages } from "./GroupReport";

const ADA = "ada@meadow.example";
const newAccount = {
  address: "wren@meadow.example",
  network: "meadow.example",
  relay_url: "https://meadow.example",
  interop: [],
  private_ca: false,
};
const NETWORKS = ["meadow.example", "harbor.example"];
const meta = { title: "Components/ConsentDialogs" } satisfies Meta;
export default meta;
type Story = StoryObj<typeof meta>;

export const OnboardingIntro: Story = {
  render: () => <InteropOnboarding account={newAccount} networks={NETWORKS} onClose={fn()} />,
};
export const OnboardingDisclosure: Story = {
  render: () => <InteropOnboarding account={newAccount} networks={NETWORKS} onClose={fn()} initialStep="disclosure" />,
};
export const OnboardingLayout: Story = {
  render: () => <InteropOnboarding account={newAccount} networks={NETWORKS} onClose={fn()} initialStep="layout" />,
};
/** No other network has an agreement with this one: nothing to turn on. */
export const OnboardingNoOtherNetworks: Story = {
  render: () => <InteropOnboarding account={newAccount} networks={["meadow.example"]} onClose={fn()} />,
};
export const Disclosure: Story = {
  render: () => (
    <DisclosureDialog
      account={world().accounts[2]?.address ?? ADA}
      network="harbor.example"
      onClose={fn()}
      onDone={fn()}
    />
  ),
};
export const DisclosureLoading: Story = {
  render: () => <DisclosureDialog account={ADA} network="harbor.example" onClose={fn()} onDone={fn()} />,
  parameters: { demo: { hang: ["disclosure"] } },
};
export const Revocation: Story = {
  render: () => <RevokeDialog account={ADA} network="harbor.example" onClose={fn()} onDone={fn()} />,
};
export const FirstContact: Story = {
  render: () => <FirstContactDialog account={ADA} peer="newbie@harbor.example" onClose={fn()} onConfirm={fn()} />,
};
export const FirstContactLongName: Story = {
  render: () => (
    <FirstContactDialog
      account={ADA}
      peer="gwendolyn.featherstonehaugh-montgomery-smythe@harbor.example"
      onClose={fn()}
      onConfirm={fn()}
    />
  ),
};
export const KeyChange: Story = {
  render: () => <KeyChangeDialog peer="marta@harbor.example" onClose={fn()} onAcknowledge={fn()} onVerify={fn()} />,
};
export const OpenLink: Story = {
  render: () => <LinkDialog url="https://example.org/articles/bridges?ref=isthmus" onClose={fn()} onOpen={fn()} />,
};
export const Confirm: Story = {
  render: () => (
    <ConfirmDialog
      title="Block zara@meadow.example?"
      facts={[
        "zara@meadow.example can no longer reach you, from any network.",
        "They are not told.",
        "The request is removed.",
      ]}
      confirmLabel="Block"
      danger
      onClose={fn()}
      onConfirm={fn()}
    />
  ),
};
/** A network allowed before the disclosure said what groups do: read what changes, then allow it again. */
export const DisclosureReview: Story = {
  render: () => (
    <DisclosureDialog account="ada.lab@meadow.example" network="harbor.example" review onClose={fn()} onDone={fn()} />
  ),
};
/** Reporting from a group: their messages in the group to choose from. */
export const ReportFromGroup: Story = {
  render: () => (
    <ReportDialog
      peer="heron@harbor.example"
      choices={memberMessages(world().messages.get("g1") ?? [], "heron@harbor.example")}
      onClose={fn()}
      onReport={fn()}
    />
  ),
};
export const Report: Story = {
  render: () => <ReportDialog peer="prize.desk@harbor.example" onClose={fn()} onReport={fn()} />,
};
