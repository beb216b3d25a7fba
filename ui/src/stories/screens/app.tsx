// The whole app, on the story's DemoBackend (from the decorator).
import type { ComponentProps } from "react";
import { App } from "../../components/App";
import { useBackend } from "../../components/context";

export function StoryApp(props: Omit<ComponentProps<typeof App>, "backend">) {
  return <App backend={useBackend()} {...props} />;
}

/** Opens the chat with `peer` from `account`, in the form Shell's `openChat` takes. */
export function chatKey(account: string, peer: string): string {
  return `${account}|${peer}`;
}
