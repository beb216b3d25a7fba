import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, openChat, openInbox } from "./helpers";

const box = (page: Page) => page.getByRole("textbox", { name: "Message" });
const draftRow = (page: Page, text: string) => page.getByRole("option").filter({ hasText: `Draft: ${text}` });

test("drafts across chat switches: kept, shown in the inbox, gone once sent", async ({ page }) => {
  await openInbox(page);
  await openChat(page, "bea");
  await box(page).fill("Meet at the bridge at eight?");
  await openChat(page, "cedric");
  // Another chat has its own (empty) composer: a draft belongs to one conversation.
  await expect(box(page)).toHaveValue("");
  await expect(draftRow(page, "Meet at the bridge at eight?")).toBeVisible();
  await expectAccessible(page, "inbox with a draft");

  await openChat(page, "bea");
  // The composer was rebuilt for the chat, and opened with what was typed before the switch.
  await expect(box(page)).toHaveValue("Meet at the bridge at eight?");
  await box(page).press("Enter");
  await expect(page.getByRole("log").getByText("Meet at the bridge at eight?")).toBeVisible();
  await expect(box(page)).toHaveValue("");
  // Sending removed the draft: no preview, and switching away and back brings nothing back.
  await expect(draftRow(page, "Meet at the bridge at eight?")).toHaveCount(0);
  await openChat(page, "cedric");
  await openChat(page, "bea");
  await expect(box(page)).toHaveValue("");
  await expect(page.getByRole("option").filter({ hasText: "Draft:" })).toHaveCount(0);
});

test("a group chat keeps its own draft, and a paused draft is saved without leaving", async ({ page }) => {
  await openInbox(page);
  await openChat(page, "Bridge builders");
  await box(page).pressSequentially("Who brings the rope");
  // Saved after a pause in typing, while the chat stays open.
  await expect(draftRow(page, "Who brings the rope")).toBeVisible();
  await openChat(page, "bea");
  await expect(box(page)).toHaveValue("");
  await openChat(page, "Bridge builders");
  await expect(box(page)).toHaveValue("Who brings the rope");
  // Emptying the composer removes the draft.
  await box(page).fill("");
  await expect(draftRow(page, "Who brings the rope")).toHaveCount(0);
});

test("a draft outlives a lock", async ({ page }) => {
  await openInbox(page);
  await openChat(page, "cedric");
  // Typed and locked at once, well within the pause: leaving the field saves it.
  await box(page).fill("Half a thought");
  await page.getByRole("button", { name: "Settings" }).click();
  await page.getByRole("dialog", { name: "Settings" }).getByRole("button", { name: "Lock now" }).click();
  await page.getByLabel("Passphrase").fill("correct horse battery");
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(draftRow(page, "Half a thought")).toBeVisible();
  await openChat(page, "cedric");
  await expect(box(page)).toHaveValue("Half a thought");
});
