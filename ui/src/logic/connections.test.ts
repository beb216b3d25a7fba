import { describe, expect, it } from "vitest";
import type { MatrixAccountInfo } from "../bindings";
import { accountsDown, watchedAccounts } from "./connections";

const matrix = (address: string, enabled: boolean): MatrixAccountInfo => ({
  user_id: `@${address.replace("@", ":")}`,
  address,
  homeserver: "https://matrix.example/",
  device_id: "D",
  enabled,
});

describe("the connection banner", () => {
  it("watches Isthmus accounts and the Matrix accounts that are on", () => {
    const watched = watchedAccounts(
      [{ address: "ada@meadow.example" }],
      [matrix("ulla@matrix.example", true), matrix("home@matrix.example", false)],
    );
    expect(watched).toEqual(["ada@meadow.example", "ulla@matrix.example"]);
  });

  it("names a Matrix account whose homeserver cannot be reached, and says offline", () => {
    const { down, offline } = accountsDown(["ada@meadow.example", "ulla@matrix.example"], {
      "ada@meadow.example": { state: "connected", retryInMs: null },
      "ulla@matrix.example": { state: "offline", retryInMs: 4000 },
    });
    expect(down).toEqual(["ulla@matrix.example"]);
    expect(offline).toBe(true);
  });

  it("does not name an account turned off, nor one not heard of yet", () => {
    const { down } = accountsDown(["ada@meadow.example"], {
      "home@matrix.example": { state: "offline", retryInMs: 4000 },
    });
    expect(down).toEqual([]);
  });

  it("says connecting, not offline, while an account is connecting", () => {
    const { down, offline } = accountsDown(["ada@meadow.example"], {
      "ada@meadow.example": { state: "connecting", retryInMs: null },
    });
    expect(down).toEqual(["ada@meadow.example"]);
    expect(offline).toBe(false);
  });
});
