import { expect, test } from "@playwright/test";
import { expectAccessible, openChat, openInbox } from "./helpers";

test("search across chat names and message text", async ({ page }) => {
  await openInbox(page);
  await page.getByLabel("Search chats and messages").fill("hero");
  await expect(page.getByRole("option")).toHaveCount(1);
  await expect(page.getByRole("option").first()).toContainText("heron@harbor.example");
  await page.getByLabel("Search chats and messages").fill("Daily digest #1499");
  const hits = page.getByRole("region", { name: "Messages" });
  await expect(hits).toContainText("archive.bot@meadow.example");
  await expectAccessible(page, "search");
  await hits.getByRole("button").first().click();
  await expect(page.getByRole("heading", { level: 2, name: "archive.bot" })).toBeVisible();
});

test("filters: per network, unread, archived, and the title counts unread", async ({ page }) => {
  await openInbox(page);
  await expect(page).toHaveTitle(/^\(\d+\) Isthmus$/);
  await page.getByRole("button", { name: "Harbor", exact: true }).click();
  const options = page.getByRole("option");
  await expect(options.first()).toContainText("harbor.example");
  for (const text of await options.allTextContents()) expect(text).toContain("harbor.example");
  await page.getByRole("button", { name: "Unread", exact: true }).click();
  for (const text of await options.allTextContents()) expect(text).toMatch(/\d+$/);
  await page.getByRole("button", { name: "All", exact: true }).click();
  await openChat(page, "elif");
  await page.getByRole("button", { name: "Archive", exact: true }).click();
  await expect(page.getByRole("option").filter({ hasText: "elif@" })).toHaveCount(0);
  await page.getByRole("button", { name: "Archived", exact: true }).click();
  await expect(page.getByRole("option").filter({ hasText: "elif@" })).toHaveCount(1);
});

test("the inbox works from the keyboard and the big chat is virtualized", async ({ page }) => {
  await openInbox(page);
  const list = page.getByRole("listbox", { name: "Chats" });
  await list.focus();
  await page.keyboard.press("Home");
  await page.keyboard.press("ArrowDown");
  const second = page.getByRole("option").nth(1);
  await expect(second).toHaveAttribute("aria-selected", "true");
  await expect(list).toHaveAttribute("aria-activedescendant", (await second.getAttribute("id")) ?? "");
  await openChat(page, "archive.bot");
  // 1,500 messages, a page of 80 loaded, only the visible few in the DOM.
  await expect(page.getByRole("log").getByRole("article").first()).toBeVisible();
  expect(await page.getByRole("log").getByRole("article").count()).toBeLessThan(40);
});

test("the dark theme keeps contrast", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await openInbox(page);
  await openChat(page, "bea");
  // The "system" setting follows the system's dark preference, and the dark palette applies.
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe("rgb(255, 255, 255)");
  await expectAccessible(page, "conversation, dark");
  await page.emulateMedia({ colorScheme: "light" });
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
});

test("10,000 chats and a 50,000-message chat open quickly (?chats= and ?big=)", async ({ page }) => {
  const started = Date.now();
  await openInbox(page, "&chats=10000&big=50000");
  // Virtualized: ten thousand chats, a screenful of rows in the DOM.
  expect(await page.getByRole("option").count()).toBeLessThan(40);
  await openChat(page, "archive.bot");
  await expect(page.getByRole("log").getByRole("article").last()).toContainText("Daily digest #50000");
  expect(Date.now() - started, "the scaled demo opens within seconds").toBeLessThan(10_000);
});
