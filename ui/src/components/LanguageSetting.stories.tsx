import type { Meta, StoryObj } from "@storybook/react-vite";
import { useState } from "react";
import { defaultSettings, type Settings } from "../backend/backend";
import type { LanguageSetting as Choice } from "../i18n/language";
import { LanguageSetting } from "./LanguageSetting";

const meta = { title: "Components/LanguageSetting", parameters: { layout: "padded" } } satisfies Meta;
export default meta;
type Story = StoryObj<typeof meta>;

/** Choosing applies at once: the whole story (and the page) switches language. */
function Chooser({ language, systemLocales }: { language: Choice; systemLocales: string[] }) {
  const [settings, setSettings] = useState<Settings>({ ...defaultSettings, language });
  return (
    <div className="story-pad" style={{ maxWidth: "440px" }}>
      <LanguageSetting settings={settings} onSettings={setSettings} systemLocales={systemLocales} />
    </div>
  );
}

export const FollowsAnEnglishSystem: Story = {
  render: () => <Chooser language="system" systemLocales={["en-US"]} />,
};
/** A system that prefers French, then German: German is the first with a catalog. */
export const FollowsAGermanSystem: Story = {
  render: () => <Chooser language="system" systemLocales={["fr-FR", "de-DE", "en"]} />,
};
export const DeutschChosen: Story = {
  render: () => <Chooser language="de" systemLocales={["en-US"]} />,
};
