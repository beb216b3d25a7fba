// Each consent prompt step over the app, as a user meets it.
import type { Meta, StoryObj } from "@storybook/react-vite";
import { fn } from "storybook/test";
import {
  DisclosureDialog,
  FirstContactDialog,
  InteropOnboarding,
  KeyChangeDialog,
  RevokeDialog,
} from "../../components/ConsentDialogs";
import { world } from "../world";
import { chatKey, StoryApp } from "./app";

const ADA = "ada@meadow.example";
const meta = {
  title: "Screens/Consent",
  component: StoryApp,
} satisfies Meta<typeof StoryApp>;
export default meta;
type Story = StoryObj<typeof meta>;

const lab = world().accounts.find((account) => account.address === "ada.lab@meadow.example");
const newAccount = {
  address: "wren@meadow.example",
  network: "meadow.example",
  relay_url: "https://meadow.example",
  interop: [],
  private_ca: false,
};
const NETWORKS = ["meadow.example", "harbor.example"];

/** Interop onboarding, step 1 of 3: what interop is (after adding an account). */
export const OnboardingIntro: Story = {
  render: (args) => (
    <>
      <StoryApp {...args} />
      <InteropOnboarding account={newAccount} networks={NETWORKS} onClose={fn()} />
    </>
  ),
};
/** Interop onboarding, step 2 of 3: the disclosure for each network, each its own choice. */
export const OnboardingDisclosure: Story = {
  render: (args) => (
    <>
      <StoryApp {...args} />
      <InteropOnboarding account={newAccount} networks={NETWORKS} onClose={fn()} initialStep="disclosure" />
    </>
  ),
};
/** Interop onboarding, step 3 of 3: one inbox or a separate folder. */
export const OnboardingLayout: Story = {
  render: (args) => (
    <>
      <StoryApp {...args} />
      <InteropOnboarding account={newAccount} networks={NETWORKS} onClose={fn()} initialStep="layout" />
    </>
  ),
};
/** Turning interop on from Settings: the disclosure. */
export const EnableDisclosure: Story = {
  render: (args) => (
    <>
      <StoryApp {...args} />
      <DisclosureDialog account={lab?.address ?? ADA} network="harbor.example" onClose={fn()} onDone={fn()} />
    </>
  ),
};
/** Before the first message to someone on another network. */
export const FirstContactConfirmation: Story = {
  render: (args) => (
    <>
      <StoryApp {...args} />
      <FirstContactDialog account={ADA} peer="newbie@harbor.example" onClose={fn()} onConfirm={fn()} />
    </>
  ),
};
/** The request bar of a message request (accept, block, report, delete). */
export const RequestBar: Story = { args: { openChat: chatKey(ADA, "zara@meadow.example") } };
/** Turning interop off: chats become read-only. */
export const RevocationConfirmation: Story = {
  render: (args) => (
    <>
      <StoryApp {...args} />
      <RevokeDialog account={ADA} network="harbor.example" onClose={fn()} onDone={fn()} />
    </>
  ),
};
/** A contact's safety number changed: acknowledge (or compare first). */
export const KeyChangeAcknowledgement: Story = {
  args: { openChat: chatKey(ADA, "marta@harbor.example") },
  render: (args) => (
    <>
      <StoryApp {...args} />
      <KeyChangeDialog peer="marta@harbor.example" onClose={fn()} onAcknowledge={fn()} onVerify={fn()} />
    </>
  ),
};
