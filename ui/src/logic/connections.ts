// Which accounts the connection banner names: every Isthmus account and every Matrix account that
// is on, whose last connection event was not "connected". A Matrix account that is off or signed
// out is not watched: its client does not run, by the user's choice.
import type { ConnectionState, MatrixAccountInfo } from "../bindings";

export type Connection = { state: ConnectionState; retryInMs: number | null };

/** The addresses the banner watches: the Isthmus accounts', then the Matrix accounts' that are on. */
export function watchedAccounts(accounts: { address: string }[], matrix: MatrixAccountInfo[]): string[] {
  return [...accounts.map((account) => account.address), ...matrix.filter((m) => m.enabled).map((m) => m.address)];
}

/** The watched accounts that are not connected, and whether any of them is offline (rather than
 * connecting). An account no event has been heard of yet is not down. */
export function accountsDown(
  watched: string[],
  connections: Record<string, Connection>,
): { down: string[]; offline: boolean } {
  const down = watched.filter((address) => {
    const connection = connections[address];
    return connection !== undefined && connection.state !== "connected";
  });
  return { down, offline: down.some((address) => connections[address]?.state === "offline") };
}
