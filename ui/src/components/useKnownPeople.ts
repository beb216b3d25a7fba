// The people the profile knows beyond its one-to-one chats: the members of each account's
// groups, for the quick switcher. Asked when `wanted` turns true (the switcher opens), not before.
import { useEffect, useState } from "react";
import type { AccountInfo } from "../bindings";
import type { Backend } from "../backend/backend";
import type { KnownPerson } from "../logic/quickSwitcher";

const NOBODY: KnownPerson[] = [];

export function useKnownPeople(backend: Backend, accounts: AccountInfo[], wanted: boolean): KnownPerson[] {
  const [people, setPeople] = useState<KnownPerson[]>(NOBODY);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    void Promise.all(
      accounts.map(async ({ address: account }) => {
        const groups = await backend.groups(account).catch(() => []);
        return groups.flatMap((group) => group.members.map((member) => ({ account, address: member.address })));
      }),
    ).then((lists) => {
      if (live) setPeople(lists.flat());
    });
    return () => {
      live = false;
    };
  }, [backend, accounts, wanted]);
  return people;
}
