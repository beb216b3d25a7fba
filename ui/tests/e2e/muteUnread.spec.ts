import { expect, test, type Page } from "@playwright/test";
import { openChat, openInbox } from "./helpers";

/** The unread count in the window title ("(3) Isthmus"), 0 for none. */
async function titleCount(page: Page): Promise<number> {
  const match = /^\((\d+)\) Isthmus$/.exec(await page.title());
  return match ? Number(match[1]) : 0;
}

test("mark a read chat unread, then mute it for an hour: its unread leaves the title", async ({ page }) => {
  await openInbox(page);
  await openChat(page, "elif");
  const row = page.getByRole("option").filter({ hasText: "elif@" });
  // Opening the chat read it.
  await expect(row.getByLabel(/unread$/)).toHaveCount(0);
  const before = await titleCount(page);

  await page.getByRole("button", { name: "Mark as unread", exact: true }).click();
  await expect(row.getByLabel("1 unread")).toBeVisible();
  await expect(page).toHaveTitle(`(${before + 1}) Isthmus`);
  // The open chat is not read again at once: the reminder stays.
  await page.waitForTimeout(500);
  await expect(row.getByLabel("1 unread")).toBeVisible();

  await page.getByRole("button", { name: "Mute", exact: true }).click();
  await page.getByRole("group", { name: "Mute for" }).getByRole("button", { name: "1 hour" }).click();
  await expect(row.getByRole("img", { name: /^Muted until / })).toBeVisible();
  await expect(page.getByText(/^Muted until /).first()).toBeVisible();
  await expect(page).toHaveTitle(before === 0 ? "Isthmus" : `(${before}) Isthmus`);
  await expect(row.getByLabel("1 unread")).toBeVisible();
});
