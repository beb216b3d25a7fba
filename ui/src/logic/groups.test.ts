import { describe, expect, it } from "vitest";
import type { Conversation, Group, GroupNotice } from "../bindings";
import { defaultSettings } from "../backend/backend";
import { i18n } from "../i18n";
import { address } from "../demo/fixtures";
import { chatName, groupBlockedReason, groupCandidates, memberDraft, memberNetworks, noticeText } from "./groups";
import { inboxRows } from "./inbox";
import { matchesName } from "./search";
import { chat } from "../test/conversations";

const ME = "ada@meadow.example";

const groupChat = (id: string, title: string, extra: Partial<Conversation> = {}) =>
  chat(id, ME, { group: `g-${id}`, title, ...extra });

function group(extra: Partial<Group> = {}): Group {
  return {
    id: "g1",
    account: address(ME),
    name: "Bridge builders",
    creator: "noor@harbor.example",
    revision: 3,
    members: [
      { address: "noor@harbor.example", admin: true },
      { address: ME, admin: false },
      { address: "bea@meadow.example", admin: false },
    ],
    membership: { state: "member" },
    conversation: "c1",
    ...extra,
  };
}

const notice = (kind: GroupNotice["kind"], by: string, targets: string[] = []): GroupNotice => ({
  kind,
  by,
  targets,
  name: "Bridge builders",
});

describe("group notices are worded from their fields, from the user's point of view", () => {
  it("says 'you' for the user, whoever made the change", () => {
    expect(noticeText(notice("created", ME), ME)).toBe("You created the group “Bridge builders”");
    expect(noticeText(notice("added_you", "noor@harbor.example", [ME]), ME)).toBe(
      "noor@harbor.example added you to “Bridge builders”",
    );
    expect(noticeText(notice("invited_you", "tove@harbor.example", [ME]), ME)).toBe(
      "tove@harbor.example invited you to “Bridge builders”",
    );
    expect(noticeText(notice("removed", "noor@harbor.example", [ME]), ME)).toBe(
      "noor@harbor.example removed you from the group",
    );
    expect(noticeText(notice("made_admin", "noor@harbor.example", [ME]), ME)).toBe(
      "noor@harbor.example made you an admin",
    );
    expect(noticeText(notice("left", ME, [ME]), ME)).toBe("You left the group");
  });
  it("lists several people with 'and', and names the new name", () => {
    expect(
      noticeText(notice("added", ME, ["bea@meadow.example", "heron@harbor.example", "priya@harbor.example"]), ME),
    ).toBe("You added bea@meadow.example, heron@harbor.example and priya@harbor.example");
    expect(noticeText(notice("made_admin", ME, ["bea@meadow.example", "heron@harbor.example"]), ME)).toBe(
      "You made bea@meadow.example and heron@harbor.example admins",
    );
    expect(noticeText(notice("renamed", "bea@meadow.example"), ME)).toBe(
      "bea@meadow.example renamed the group to “Bridge builders”",
    );
  });
  it("says them in the language shown, the verb agreeing with who did it (German: du hast, er hat)", async () => {
    await i18n.changeLanguage("de");
    try {
      expect(noticeText(notice("created", ME), ME)).toBe("Du hast die Gruppe „Bridge builders“ erstellt");
      expect(noticeText(notice("created", "noor@harbor.example"), ME)).toBe(
        "noor@harbor.example hat die Gruppe „Bridge builders“ erstellt",
      );
      // "you" among others is the object: "dich", not "du".
      expect(noticeText(notice("added", "noor@harbor.example", ["bea@meadow.example", ME]), ME)).toBe(
        "noor@harbor.example hat bea@meadow.example und dich hinzugefügt",
      );
      expect(noticeText(notice("made_admin", ME, ["bea@meadow.example", "heron@harbor.example"]), ME)).toBe(
        "Du hast bea@meadow.example und heron@harbor.example zu Admins gemacht",
      );
    } finally {
      // English is what every other test here expects.
      await i18n.changeLanguage("en");
    }
  });
});

describe("group chats in the inbox", () => {
  it("are named by the group's name and found by it, not by the account they share their peer with", () => {
    const walks = groupChat("g", "Harbor walks");
    expect(chatName(walks)).toBe("Harbor walks");
    expect(chatName(chat("c", "bea@meadow.example"))).toBe("bea");
    expect(matchesName(walks, "harbor wa")).toBe(true);
    // The peer of a group chat is the account itself: searching for the user's own name must not list every group.
    expect(matchesName(walks, "ada@")).toBe(false);
  });
  it("an invitation shows only under Requests, like any request", () => {
    const invitation = groupChat("i", "Book club", {
      request: true,
      read_only: true,
      send_refusal: "not_group_member",
    });
    const member = groupChat("m", "Harbor walks", { last_activity: 5 });
    const rows = (kind: "all" | "requests") => inboxRows([invitation, member], { kind }, "combined", defaultSettings);
    expect(rows("all").map((c) => c.id)).toEqual(["m"]);
    expect(rows("requests").map((c) => c.id)).toEqual(["i"]);
  });
});

describe("why a group chat cannot send", () => {
  it("follows the engine's code and the user's standing in the group", () => {
    const refused = groupChat("g", "Harbor walks", { read_only: true, send_refusal: "not_group_member" });
    expect(groupBlockedReason(groupChat("g", "Harbor walks"), null)).toBeNull();
    expect(groupBlockedReason(refused, group({ membership: { state: "left" } }))).toMatch(/You left this group/);
    expect(groupBlockedReason(refused, group({ membership: { state: "removed" } }))).toMatch(/removed/);
    expect(groupBlockedReason({ ...refused, request: true }, null)).toMatch(/Accept the invitation/);
    const homeOff = groupChat("g", "Harbor walks", { read_only: true, send_refusal: "interop_off" });
    expect(groupBlockedReason(homeOff, group())).toMatch(/harbor\.example/);
  });
});

describe("choosing people for a group", () => {
  it("keeps each address once, never the account itself, and sets aside what is no address", () => {
    expect(memberDraft(["bea@meadow.example, Heron@Harbor.Example", "bea@meadow.example", ME, "nobody"], ME)).toEqual({
      members: ["bea@meadow.example", "Heron@harbor.example"],
      invalid: ["nobody"],
    });
  });
  it("offers the account's accepted one-to-one chats, by name, without groups, requests or other accounts", () => {
    const list = [
      chat("1", "heron@harbor.example"),
      chat("2", "bea@meadow.example"),
      chat("3", "zara@meadow.example", { request: true }),
      groupChat("4", "Harbor walks"),
      { ...chat("5", "quentin@harbor.example"), account: address("adalovelace@harbor.example") },
    ];
    expect(groupCandidates(list, ME, ["heron@harbor.example"]).map((c) => c.address)).toEqual(["bea@meadow.example"]);
    expect(memberNetworks(group().members)).toEqual(["harbor.example", "meadow.example"]);
  });
});

describe("desktop notifications in groups", () => {
  it("name the group and the author, and stay quiet about the user's own changes", async () => {
    const { noticeFor } = await import("./notifications");
    const walks = groupChat("g", "Harbor walks");
    const prefs = { notifications: true, notificationPreview: true, muted: [] };
    const base = {
      id: "m",
      conversation: "g",
      seq: 1,
      direction: "incoming" as const,
      author: "noor@harbor.example",
      body: "Sunday?",
      sent_at: 0,
      stored_at: 0,
      status: "received" as const,
      failure: null,
      quote: null,
      reactions: [],
      edited: false,
      deleted: false,
      attachments: [],
      notice: null,
    };
    expect(noticeFor(base, walks, prefs, false, new Set())).toEqual({ title: "Harbor walks", body: "noor: Sunday?" });
    const own = { ...base, author: ME, notice: notice("renamed", ME) };
    expect(noticeFor(own, walks, prefs, false, new Set())).toBeNull();
    const invitation = groupChat("i", "Book club", { request: true });
    expect(noticeFor(base, invitation, prefs, false, new Set())?.title).toBe("New group invitation");
  });
});
