// The demo's rule for networks to review (the engine's `interop_to_review`, over
// consent/ledger.rs `consented_under`): a network counts as allowed under the disclosure of its
// latest interop decision only, and one allowed under an older disclosure is asked about again.
import type { AccountInfo, LedgerEntry } from "../bindings";

/** The networks `account`'s latest "allowed" decision was made under `version`. */
export function consentedUnder(ledger: LedgerEntry[], account: string, version: string): Set<string> {
  const latest = new Map<string, boolean>();
  for (const entry of ledger) {
    if (entry.account !== account) continue;
    if (entry.decision === "interop_enabled") latest.set(entry.counterpart, entry.disclosure_version === version);
    else if (entry.decision === "interop_disabled") latest.delete(entry.counterpart);
  }
  return new Set([...latest].filter(([, current]) => current).map(([network]) => network));
}

/** The networks `info` allows that were not allowed under the current disclosure `version`. */
export function interopToReview(info: AccountInfo, ledger: LedgerEntry[], version: string): string[] {
  const current = consentedUnder(ledger, info.address, version);
  return info.interop.filter((network) => !current.has(network));
}
