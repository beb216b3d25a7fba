// The networks each account allowed under an older interop disclosure (`interopToReview`): loaded
// for every account, and again whenever a consent decision is recorded (allowing a network again
// under the current disclosure records one) or events were lost.
import { useEffect, useState } from "react";
import type { AccountInfo } from "../bindings";
import { useBackend } from "./context";

export function useInteropReview(accounts: AccountInfo[]): Record<string, string[]> {
  const backend = useBackend();
  const [toReview, setToReview] = useState<Record<string, string[]>>({});
  const [generation, setGeneration] = useState(0);
  const key = accounts.map((account) => `${account.address}:${account.interop.join(",")}`).join(" ");

  useEffect(
    () =>
      backend.subscribe((event) => {
        if (event.type === "consent_recorded" || event.type === "resync") setGeneration((value) => value + 1);
      }),
    [backend],
  );

  useEffect(() => {
    let live = true;
    const addresses = key === "" ? [] : key.split(" ").map((entry) => entry.slice(0, entry.lastIndexOf(":")));
    void Promise.all(
      addresses.map((account) =>
        backend.interopToReview(account).then(
          (networks) => [account, networks] as const,
          () => [account, []] as const,
        ),
      ),
    ).then((entries) => {
      if (live) setToReview(Object.fromEntries(entries));
    });
    return () => {
      live = false;
    };
  }, [backend, key, generation]);

  return toReview;
}
