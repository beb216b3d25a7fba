// Every story gets the real tokens and styles, a DemoBackend seeded for it, a fixed clock, and
// the theme from the toolbar.
import type { Preview } from "@storybook/react-vite";
import { useEffect } from "react";
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
  },
  initialGlobals: { theme: "light" },
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
  ],
};
export default preview;
