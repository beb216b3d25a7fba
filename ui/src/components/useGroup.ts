// The group record behind a group chat (members, admins, where the account stands), loaded from
// the backend and loaded again whenever the chat changes (a change in the group always touches it).
import { useEffect, useState } from "react";
import type { Conversation, Group } from "../bindings";
import { addressText } from "../logic/address";
import { useBackend } from "./context";

export function useGroup(conversation: Conversation | null): Group | null {
  const backend = useBackend();
  const [group, setGroup] = useState<Group | null>(null);
  const account = conversation ? addressText(conversation.account) : null;
  const id = conversation?.group ?? null;
  useEffect(() => {
    if (!account || !id) {
      setGroup(null);
      return;
    }
    let live = true;
    backend.group(account, id).then(
      (loaded) => live && setGroup(loaded),
      () => live && setGroup(null),
    );
    return () => {
      live = false;
    };
  }, [
    backend,
    account,
    id,
    conversation?.last_activity,
    conversation?.request,
    conversation?.read_only,
    conversation?.title,
  ]);
  return group;
}
