import { expect, test } from "@playwright/test";
import { expectAccessible, openInbox } from "./helpers";

const hits = (page: import("@playwright/test").Page) => page.getByRole("region", { name: /^Messages/ });

test("search finds a message 1,500 messages back and opens the chat on it", async ({ page }) => {
  await openInbox(page);
  await page.getByLabel("Search chats and messages").fill("QUOKK");
  const hit = hits(page).getByRole("button").filter({ hasText: "First entry" });
  await expect(hit).toBeVisible();
  // The matched word is marked, as written.
  await expect(hit.locator("mark")).toHaveText("quokka");
  await expectAccessible(page, "search results");
  await hit.click();

  await expect(page.getByRole("heading", { level: 2, name: /^archive\.bot/ })).toBeVisible();
  const found = page.locator(".timeline-row--found");
  await expect(found).toContainText("First entry: a quokka crossed the bridge at dawn.");
  await expect(found).toBeInViewport();
  // Newer messages are read, a page at a time, as the reader scrolls down to the newest.
  await expect(async () => {
    await page.getByRole("log").evaluate((log) => (log.scrollTop = log.scrollHeight));
    await expect(page.getByRole("log").getByText(/Daily digest #1500:/)).toBeAttached({ timeout: 500 });
  }).toPass();
});

test("search words must start words; a short word matches whole words; more results page in", async ({ page }) => {
  await openInbox(page);
  const field = page.getByLabel("Search chats and messages");
  await field.fill("uokka");
  await expect(hits(page)).toHaveCount(0);
  await field.fill("digest");
  await expect(hits(page).getByRole("button").first()).toBeVisible();
  const shown = await hits(page).getByRole("listitem").count();
  expect(shown).toBe(30);
  await hits(page).getByRole("button", { name: "Show more" }).click();
  await expect(hits(page).getByRole("listitem")).toHaveCount(60);
});

test("the search index can be rebuilt from Settings", async ({ page }) => {
  await openInbox(page);
  await page.getByRole("navigation", { name: "Chats" }).getByRole("button", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Rebuild the search index" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^Indexed \d+ messages\.$/ })).toBeVisible();
});
