import { describe, expect, it } from "vitest";
import { chat } from "../test/conversations";
import { filterEntries, switcherEntries } from "./quickSwitcher";

const conversations = [
  chat("a", "zoë@meadow.example", { last_activity: 5 }),
  chat("b", "heron@harbor.example", { last_activity: 9, unread: 3 }),
  chat("g", "ada@meadow.example", { last_activity: 1, group: "g1", title: "Book club" }),
];
const people = [
  { account: "ada@meadow.example", address: "heron@harbor.example" },
  { account: "ada@meadow.example", address: "cedric@meadow.example" },
  { account: "ada@meadow.example", address: "cedric@meadow.example" },
  { account: "ada@meadow.example", address: "ada@meadow.example" },
  { account: "ada@meadow.example", address: "anselm@harbor.example" },
];
const entries = switcherEntries(conversations, people);
const titles = (list: typeof entries) => list.map((entry) => entry.title);

describe("what the quick switcher offers", () => {
  it("lists chats most recent first, then people without a chat, each once and never the account itself", () => {
    expect(titles(entries)).toEqual(["heron", "zoë", "Book club", "anselm", "cedric"]);
    expect(entries.map((entry) => entry.kind)).toEqual(["chat", "chat", "chat", "person", "person"]);
    // Keys name options in the DOM: they must be unique.
    expect(new Set(entries.map((entry) => entry.key)).size).toBe(entries.length);
  });

  it("finds names and addresses ignoring case and accents", () => {
    expect(titles(filterEntries(entries, "ZOE"))).toEqual(["zoë"]);
    expect(titles(filterEntries(entries, "harbor"))).toEqual(["heron", "anselm"]);
    expect(titles(filterEntries(entries, "book"))).toEqual(["Book club"]);
    expect(filterEntries(entries, "nobody-by-this-name")).toEqual([]);
  });

  it("puts names that start with the query before words that do, before any other match", () => {
    const ranked = switcherEntries(
      [
        chat("1", "marianne@meadow.example", { last_activity: 9 }),
        chat("2", "anna.mar@meadow.example", { last_activity: 8 }),
        chat("3", "mar@harbor.example", { last_activity: 1 }),
      ],
      [],
    );
    expect(titles(filterEntries(ranked, "mar"))).toEqual(["marianne", "mar", "anna.mar"]);
    expect(titles(filterEntries(ranked, "rian"))).toEqual(["marianne"]);
  });

  it("shows everything (up to the limit) for an empty query", () => {
    expect(filterEntries(entries, "  ")).toHaveLength(entries.length);
    expect(filterEntries(entries, "", 2)).toHaveLength(2);
  });
});
