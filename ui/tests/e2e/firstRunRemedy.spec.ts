import { expect, test } from "@playwright/test";
import { openInbox } from "./helpers";

test("a new chat to a network that is off offers to turn it on there, then starts the chat", async ({ page }) => {
  await openInbox(page);
  await page.getByRole("button", { name: "New chat" }).click();
  const newChat = page.getByRole("dialog", { name: "New chat" });
  // adalovelace@harbor.example turned meadow.example off (the demo's consent record).
  await newChat.getByLabel("From account").selectOption("adalovelace@harbor.example");
  await newChat.getByLabel("Their address").fill("newcomer@meadow.example");
  await newChat.getByRole("button", { name: "Start chat" }).click();
  const refusal = newChat.getByRole("alert");
  await expect(refusal).toContainText("Chats with meadow.example are off for adalovelace@harbor.example.");

  // The remedy is in place: the same consent dialog as in Settings.
  await refusal.getByRole("button", { name: "Turn on meadow.example…" }).click();
  await page.getByRole("button", { name: "Allow meadow.example" }).click();
  // Then the first message to another network is asked about, as always.
  await page
    .getByRole("dialog", { name: "Write to newcomer@meadow.example?" })
    .getByRole("button", { name: "Write to newcomer@meadow.example" })
    .click();
  await expect(page.getByRole("heading", { level: 2, name: /^newcomer/ })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Message" })).toBeEnabled();
});

test("a chat read-only because its network is off offers to turn it on where it says so", async ({ page }) => {
  await openInbox(page);
  // The same person through two accounts: the switcher tells them apart by the account.
  await page.keyboard.press("Control+k");
  await page.keyboard.type("bea@meadow");
  await page.getByRole("option").filter({ hasText: "via adalovelace@harbor.example" }).click();
  await expect(page.getByText(/^This chat is read-only/)).toBeVisible();
  await page.getByRole("button", { name: "Turn on meadow.example…" }).click();
  await page.getByRole("button", { name: "Allow meadow.example" }).click();
  await expect(page.getByRole("textbox", { name: "Message" })).toBeEnabled();
});
