// The story decorator that gives every story its own DemoBackend, built from the same fixtures as
// the demo (makeFixtures), seeded, on the fixed clock. A story says what it needs in
// `parameters.demo`; the backend can be made to hang (loading states) or fail (error states).
import type { Decorator } from "@storybook/react-vite";
import { useEffect, useMemo } from "react";
import type { UserError } from "../bindings";
import { defaultSettings, type Backend, type ProfileState } from "../backend/backend";
import { DemoBackend } from "../backend/demo";
import { FIXTURE_NOW } from "../demo/fixtures";
import { BackendContext } from "../components/context";

export type BackendMethod = Exclude<keyof Backend, "kind">;

export type DemoParameters = {
  seed?: number;
  profile?: ProfileState;
  /** See makeFixtures: 0 is an empty inbox, 10_000 adds generated chats. */
  chats?: number;
  bigChatMessages?: number;
  /** Every account's connection is down (the relay does not answer). */
  offline?: boolean;
  /** These methods never answer: the screen stays in its loading state. */
  hang?: BackendMethod[];
  /** These methods fail with this error (code and message, as the shell sends them). */
  fail?: BackendMethod[];
  failWith?: UserError;
  /** Changes to the world before the story renders (e.g. a revocation, a key change). */
  setup?: (backend: DemoBackend) => void | Promise<void>;
};

export const STORY_ERROR: UserError = {
  code: "relay_unreachable",
  message: "No relay answers at https://meadow.example.",
};

/** A backend for a story: the demo, with some methods hanging or failing when asked. */
export function storyBackend(parameters: DemoParameters = {}): { backend: Backend; demo: DemoBackend } {
  const demo = new DemoBackend({
    seed: parameters.seed ?? 1,
    profile: parameters.profile ?? "unlocked",
    speed: 1,
    quiet: true,
    now: FIXTURE_NOW,
    chats: parameters.chats,
    bigChatMessages: parameters.bigChatMessages,
    offline: parameters.offline,
  });
  const hang = new Set<string>(parameters.hang ?? []);
  const fail = new Set<string>(parameters.fail ?? []);
  const failWith = parameters.failWith ?? STORY_ERROR;
  if (hang.size === 0 && fail.size === 0) return { backend: demo, demo };
  const backend = new Proxy(demo, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== "string" || typeof value !== "function") return value;
      if (hang.has(property)) return () => new Promise(() => undefined);
      if (fail.has(property)) return () => Promise.reject(failWith);
      return value.bind(target);
    },
  });
  return { backend, demo };
}

export const withDemoBackend: Decorator = (Story, context) => {
  const parameters = (context.parameters.demo ?? {}) as DemoParameters;
  const theme = context.globals.theme === "dark" ? "dark" : "light";
  const { backend, demo } = useMemo(() => {
    const made = storyBackend(parameters);
    // The app applies the theme from its settings, as it does for a user who chose one.
    void made.demo.setSettings({ ...defaultSettings, theme });
    void parameters.setup?.(made.demo);
    return made;
    // One backend per story and theme: switching either builds a fresh world.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [context.id, theme]);
  useEffect(() => () => demo.dispose(), [demo]);
  return (
    <BackendContext.Provider value={backend}>
      <Story />
    </BackendContext.Provider>
  );
};
