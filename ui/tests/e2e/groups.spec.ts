import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, openChat, openInbox } from "./helpers";

const timeline = (page: Page) => page.getByRole("log");
const shots = process.env.ISTHMUS_UI_SHOTS;
const shot = async (page: Page, name: string) => {
  if (shots) await page.screenshot({ path: `${shots}/${name}.png` });
};

test("create a group with people on two networks, send to it, and a member answers", async ({ page }) => {
  await openInbox(page);
  await page.getByRole("button", { name: "New group" }).click();
  const dialog = page.getByRole("dialog", { name: "New group" });
  await dialog.getByLabel("Group name").fill("Picnic planning");
  // One person picked from the chats, one typed on the other network.
  await dialog.getByLabel("Find people you chat with").fill("bea@");
  await dialog.getByRole("checkbox", { name: /bea@meadow\.example/ }).check();
  await dialog.getByLabel("Add by address").fill("heron@harbor.example");
  await dialog.getByRole("button", { name: "Add address" }).click();
  const chosen = dialog.getByRole("list", { name: "Chosen people" });
  await expect(chosen).toContainText("bea@meadow.example");
  await expect(chosen).toContainText("heron@harbor.example");
  await expectAccessible(page, "new group");
  await shot(page, "new-group");
  await dialog.getByRole("button", { name: "Create group" }).click();

  await expect(page.getByRole("heading", { level: 2, name: "Picnic planning" })).toBeVisible();
  await expect(timeline(page)).toContainText("You created the group “Picnic planning”");
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("Bring blankets!");
  await box.press("Enter");
  await expect(timeline(page).getByRole("article").filter({ hasText: "Bring blankets!" })).toBeVisible();
  // A member answers: their message says who wrote it, and on which network.
  const answer = timeline(page)
    .getByRole("article", { name: /^(bea@meadow|heron@harbor)\.example/ })
    .last();
  await expect(answer).toBeVisible({ timeout: 10_000 });
  await expect(answer.locator(".message__author")).toContainText(/bea|heron/);
  await expect(page.getByRole("option").filter({ hasText: "Picnic planning" })).toContainText("Group");
  await expectAccessible(page, "group chat");
});

test("a group invitation waits in Requests: nothing can be written until it is accepted", async ({ page }) => {
  await openInbox(page);
  await page.getByRole("button", { name: /^Requests/ }).click();
  await expect(page.getByRole("option").filter({ hasText: "Book club" })).toContainText("Group invitation");
  await openChat(page, "Book club");
  const bar = page.getByRole("region", { name: "Group invitation" });
  await expect(bar).toContainText("tove@harbor.example");
  await expect(page.getByRole("textbox", { name: "Message" })).toHaveCount(0);
  await expectAccessible(page, "group invitation");
  await shot(page, "group-invitation");
  await bar.getByRole("button", { name: "Join group" }).click();
  await expect(bar).toBeHidden();
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("Thanks for the invitation!");
  await box.press("Enter");
  await expect(timeline(page).getByRole("article").filter({ hasText: "Thanks for the invitation!" })).toBeVisible();
});

test("group info: members with networks; leaving makes the chat read-only", async ({ page }) => {
  await openInbox(page);
  await openChat(page, "Harbor walks");
  await page.getByRole("button", { name: "Group info" }).click();
  const info = page.getByRole("dialog", { name: "Harbor walks" });
  const members = info.getByRole("list", { name: "Members" });
  await expect(members.getByRole("listitem")).toHaveCount(4);
  await expect(members).toContainText("noor@harbor.example");
  await expect(members).toContainText("Admin");
  // Not an admin here: nobody can be removed from this side.
  await expect(info.getByRole("button", { name: /^Remove/ })).toHaveCount(0);
  await expectAccessible(page, "group info");
  await shot(page, "group-info-member");
  await info.getByRole("button", { name: "Leave group" }).click();
  const confirm = page.getByRole("dialog", { name: "Leave Harbor walks?" });
  await expect(confirm).toContainText("read-only");
  await confirm.getByRole("button", { name: "Leave group" }).click();
  await info.getByRole("button", { name: "Close" }).first().click();
  await expect(timeline(page)).toContainText("You left the group");
  await expect(page.getByRole("note").filter({ hasText: "Read-only" })).toContainText("You left this group");
  await expect(page.getByRole("textbox", { name: "Message" })).toHaveCount(0);
  await shot(page, "group-left");
});

test("an admin renames the group and removes a member; each change is a line in the timeline", async ({ page }) => {
  await openInbox(page);
  await openChat(page, "Bridge builders");
  await expect(timeline(page)).toContainText("bea@meadow.example renamed the group to “Bridge builders”");
  await shot(page, "group-chat");
  await page.getByRole("button", { name: "Group info" }).click();
  const info = page.getByRole("dialog", { name: "Bridge builders" });
  await info.getByRole("button", { name: "Remove cedric@meadow.example" }).click();
  await page
    .getByRole("dialog", { name: "Remove cedric@meadow.example?" })
    .getByRole("button", { name: "Remove" })
    .click();
  await expect(info.getByRole("list", { name: "Members" })).not.toContainText("cedric");
  await info.getByLabel("Group name").fill("Bridge walkers");
  await info.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByRole("dialog", { name: "Bridge walkers" })).toBeVisible();
  await shot(page, "group-info-admin");
  await page.keyboard.press("Escape");
  await expect(timeline(page)).toContainText("You renamed the group to “Bridge walkers”");
  await expect(timeline(page)).toContainText("You removed cedric@meadow.example");
  await expect(page.getByRole("heading", { level: 2, name: "Bridge walkers" })).toBeVisible();
});

test("who can add me to groups is chosen per account, next to who can find it", async ({ page }) => {
  await openInbox(page);
  await page.getByRole("button", { name: "Settings" }).click();
  const settings = page.getByRole("dialog", { name: "Settings" });
  const adds = settings.getByLabel("Who can add ada@meadow.example to groups");
  await expect(adds).toHaveValue("contacts");
  await adds.selectOption("nobody");
  await expect(adds).toHaveValue("nobody");
  await expectAccessible(page, "settings with group adds");
});
