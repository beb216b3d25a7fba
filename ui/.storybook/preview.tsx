// Every story gets the real tokens and styles, a DemoBackend seeded for it, a fixed clock, and
// the theme and the language from the toolbar (English unless switched: the visual baselines are).
import type { Preview } from "@storybook/react-vite";
import { useEffect } from "react";
import { i18n } from "../src/i18n";
import { installFixedClock } from "../src/stories/clock";
import { withDemoBackend } from "../src/stories/backend";
import "../src/tokens.css";
import "../src/styles.css";
import "./preview.css";

installFixedClock();

const preview: Preview = {
  globalTypes: {
    theme: {
      description: "Color theme",
      toolbar: {
        title: "Theme",
        icon: "mirror",
        items: [
          { value: "light", title: "Light", icon: "sun" },
          { value: "dark", title: "Dark", icon: "moon" },
        ],
        dynamicTitle: true,
      },
    },
    language: {
      description: "Language of the UI",
      toolbar: {
        title: "Language",
        icon: "globe",
        items: [
          { value: "en", title: "English" },
          { value: "de", title: "Deutsch" },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: "light", language: "en" },
  parameters: {
    layout: "fullscreen",
    controls: { disable: true },
    options: {
      storySort: { order: ["Design", ["Tokens"], "Screens", "Components"] },
    },
  },
  decorators: [
    withDemoBackend,
    (Story, context) => {
      const theme = context.globals.theme === "dark" ? "dark" : "light";
      useEffect(() => {
        document.documentElement.setAttribute("data-theme", theme);
      }, [theme]);
      document.documentElement.setAttribute("data-theme", theme);
      return <Story />;
    },
    (Story, context) => {
      // Set before the story renders, so its first frame is already in the toolbar's language.
      const language = context.globals.language === "de" ? "de" : "en";
      if (i18n.language !== language) void i18n.changeLanguage(language);
      return <Story />;
    },
  ],
};
export default preview;
