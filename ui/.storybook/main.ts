// Storybook for designers: every component and screen in every state, fed by the demo fixtures.
import type { StorybookConfig } from "@storybook/react-vite";

const config: StorybookConfig = {
  stories: ["../src/**/*.stories.@(ts|tsx)"],
  framework: { name: "@storybook/react-vite", options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // Prop tables are not worth the build time on a shared two-core machine.
  typescript: { reactDocgen: false },
  async viteFinal(viteConfig) {
    // No source maps in the static build: it is for looking at, and it builds faster.
    return { ...viteConfig, build: { ...viteConfig.build, sourcemap: false, chunkSizeWarningLimit: 4096 } };
  },
};
export default config;
