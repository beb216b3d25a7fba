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

test("report a member from group info, with the messages of theirs chosen, and block them", async ({ page }) => {
  await openInbox(page);
  await openChat(page, "Bridge builders");
  await page.getByRole("button", { name: "Group info" }).click();
  const info = page.getByRole("dialog", { name: "Bridge builders" });
  // Anyone but the user can be reported; there is no "Report" for oneself.
  await expect(info.getByRole("button", { name: /^Report / })).toHaveCount(4);
  await info.getByRole("button", { name: "Report heron@harbor.example" }).click();
  const report = page.getByRole("dialog", { name: "Report heron@harbor.example" });
  const choices = report.getByRole("group", { name: "Their messages to include" });
  // Only heron's own messages in the group are offered, each chosen to begin with.
  await expect(choices.getByRole("checkbox")).toHaveCount(2);
  await expect(choices).toContainText("Hello from the harbor side");
  await expect(choices).not.toContainText("Saturday works for me");
  await choices.getByRole("checkbox", { name: /Hello from the harbor side/ }).uncheck();
  await report.getByLabel("Reason").selectOption("harassment");
  await expectAccessible(page, "report from a group");
  await report.getByRole("button", { name: "Report" }).click();
  await expect(info.getByRole("status")).toContainText("Reported heron@harbor.example and blocked them.");
});

test("report the person who invited the account, from the invitation bar", async ({ page }) => {
  await openInbox(page);
  await page.getByRole("button", { name: /^Requests/ }).click();
  await openChat(page, "Book club");
  const bar = page.getByRole("region", { name: "Group invitation" });
  await bar.getByRole("button", { name: "Report tove@harbor.example" }).click();
  const report = page.getByRole("dialog", { name: "Report tove@harbor.example" });
  // tove wrote nothing the account can see: the report goes without messages.
  await expect(report).toContainText("the report goes without messages");
  await report.getByLabel("Also block tove@harbor.example").uncheck();
  await report.getByRole("button", { name: "Report" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Reported tove@harbor.example." })).toBeVisible();
  // The invitation is still there to answer.
  await expect(bar.getByRole("button", { name: "Join group" })).toBeVisible();
});

test("a network allowed before groups worked across networks: review it from the inbox and allow it again", async ({
  page,
}) => {
  await openInbox(page);
  const banner = page.getByRole("region", { name: "Network to review" });
  await expect(banner).toContainText(
    "You allowed harbor.example for ada.lab@meadow.example before group chats worked across networks.",
  );
  await expectAccessible(page, "inbox with a network to review");
  await banner.getByRole("button", { name: "Review what changes" }).click();
  const disclosure = page.getByRole("dialog", { name: "Let people on harbor.example reach you?" });
  // The current disclosure, with what groups do across networks.
  await expect(disclosure).toContainText("In a group, every member sees your address and network");
  await expect(disclosure).toContainText("cannot add you to groups until you allow harbor.example again");
  await expectAccessible(page, "network review");
  await disclosure.getByRole("button", { name: "Allow harbor.example" }).click();
  await expect(disclosure).toBeHidden();
  await expect(banner).toBeHidden();
  // Settings has nothing left to review, and the consent record has the new decision.
  await page.getByRole("button", { name: "Settings" }).click();
  const settings = page.getByRole("dialog", { name: "Settings" });
  await expect(settings.getByRole("button", { name: /^Review / })).toHaveCount(0);
  await expect(
    settings.getByRole("button", { name: "Turn off harbor.example for ada.lab@meadow.example" }),
  ).toBeVisible();
});

test("in a group, a member's typing is named, and a sent message tells how many members have it", async ({ page }) => {
  // As designed (speed 1): the typing line shows for about a second, which a loaded machine must not miss.
  await openInbox(page, "", 1);
  await openChat(page, "Bridge builders");
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("Ten by the north end it is");
  await box.press("Enter");
  const mine = timeline(page).getByRole("article").filter({ hasText: "Ten by the north end it is" });
  // A member types before answering: the line names them.
  await expect(page.locator(".typing")).toContainText(/(bea|heron|priya|cedric) is typing…/, { timeout: 10_000 });
  await expect(mine.getByRole("button", { name: "Delivery details" })).toBeVisible({ timeout: 10_000 });
  await mine.getByRole("button", { name: "Delivery details" }).click();
  await expect(mine.getByRole("status")).toContainText(/Delivered to \d of 4, read by \d/);
  await expectAccessible(page, "group delivery details");
});
