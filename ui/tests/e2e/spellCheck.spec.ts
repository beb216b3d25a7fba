import { expect, test } from "@playwright/test";
import { openChat, openInbox } from "./helpers";

test("the composer checks spelling unless the setting is turned off", async ({ page }) => {
  await openInbox(page);
  await openChat(page, "bea");
  const box = page.getByRole("textbox", { name: "Message" });
  // On by default: the web view underlines misspelt words.
  await expect(box).toHaveAttribute("spellcheck", "true");

  await page.getByRole("button", { name: "Settings" }).click();
  const settings = page.getByRole("dialog", { name: "Settings" });
  const setting = settings.getByRole("checkbox", { name: "Check spelling while I type a message" });
  await expect(setting).toBeChecked();
  await setting.uncheck();
  await settings.getByRole("button", { name: "Close" }).first().click();
  await expect(box).toHaveAttribute("spellcheck", "false");

  // It is a setting, not the one field's state: the next chat's composer has it off too.
  await openChat(page, "heron");
  await expect(page.getByRole("textbox", { name: "Message" })).toHaveAttribute("spellcheck", "false");
});
