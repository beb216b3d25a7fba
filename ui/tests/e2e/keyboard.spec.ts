import { expect, test, type Page } from "@playwright/test";
import { SHORTCUTS, shortcutKeys } from "../../src/logic/shortcuts";
import { words } from "./catalog";
import { expectAccessible, openChat, openInbox } from "./helpers";

const chatList = (page: Page) => page.getByRole("listbox", { name: "Chats" });
const heading = (page: Page) => page.getByRole("heading", { level: 2 }).first();
const composer = (page: Page) => page.getByRole("textbox", { name: "Message" });

test("Ctrl+K: the quick switcher finds a chat by part of its name, arrows and Enter open it", async ({ page }) => {
  await openInbox(page);
  await page.keyboard.press("Control+k");
  const switcher = page.getByRole("dialog", { name: "Go to a chat or person" });
  const field = switcher.getByRole("combobox", { name: "Name or address" });
  // The field has the focus at once: typing goes straight to the search.
  await expect(field).toBeFocused();
  await expectAccessible(page, "quick switcher");

  // Case and accents do not matter (the inbox's own normalize).
  await page.keyboard.type("HÉRON");
  const options = switcher.getByRole("option");
  await expect(options.first()).toContainText("heron@harbor.example");
  await expect(options.first()).toHaveAttribute("aria-selected", "true");
  // The field points screen readers at the option the arrow keys are on.
  await expect(field).toHaveAttribute("aria-activedescendant", (await options.first().getAttribute("id")) ?? "");

  await page.keyboard.press("Enter");
  await expect(switcher).toBeHidden();
  await expect(heading(page)).toHaveText(/^heron/);
  // A chat opened from the keyboard is ready to type in.
  await expect(composer(page)).toBeFocused();

  // Arrow keys move through the options; Escape closes and gives the focus back.
  await page.keyboard.press("Control+k");
  await expect(field).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(options.nth(1)).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("ArrowUp");
  await expect(options.first()).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Escape");
  await expect(switcher).toBeHidden();
  await expect(composer(page)).toBeFocused();
  await expect(heading(page)).toHaveText(/^heron/);
});

test("the quick switcher offers a group's member without a chat, and starts one with them", async ({ page }) => {
  await openInbox(page);
  const switcher = page.getByRole("dialog", { name: "Go to a chat or person" });
  await expect(async () => {
    await page.keyboard.press("Control+k");
    await expect(switcher).toBeVisible({ timeout: 1000 });
  }).toPass();
  await page.keyboard.type("ulla");
  const person = switcher.getByRole("option").filter({ hasText: "ulla@harbor.example" });
  await expect(person).toContainText("Start a chat");
  // Enter opens the highlighted row: the arrow keys bring it to ulla's.
  await expect(async () => {
    if ((await person.getAttribute("aria-selected")) !== "true") await page.keyboard.press("ArrowDown");
    await expect(person).toHaveAttribute("aria-selected", "true", { timeout: 300 });
  }).toPass();
  await page.keyboard.press("Enter");
  // Another network: the first contact is asked, exactly as for a typed address.
  const confirm = page.getByRole("dialog", { name: "Write to ulla@harbor.example?" });
  await confirm.getByRole("button", { name: "Write to ulla@harbor.example" }).click();
  await expect(heading(page)).toHaveText(/^ulla/);
});

test("Ctrl+Shift+U opens the next unread chat; Alt+Down and Alt+Up step through the list", async ({ page }) => {
  await openInbox(page);
  const rows = chatList(page).getByRole("option");
  // The list's first unread chats, in its order (the demo's newest chats have unread messages).
  const unread = rows.filter({ has: page.getByLabel(/^\d+ unread$/) });
  const first = ((await unread.nth(0).locator(".chat-row__name").textContent()) ?? "").trim();
  const second = ((await unread.nth(1).locator(".chat-row__name").textContent()) ?? "").trim();

  await page.keyboard.press("Control+Shift+U");
  await expect(heading(page)).toHaveText(new RegExp(`^${first}`));
  // Opening it read it: the next press goes on to the one after.
  await expect(
    rows
      .filter({ hasText: first })
      .first()
      .getByLabel(/unread$/),
  ).toHaveCount(0);
  await page.keyboard.press("Control+Shift+U");
  await expect(heading(page)).toHaveText(new RegExp(`^${second}`));

  // In the composer the same keys are the text field's (GTK and IBus start Unicode input): nothing moves.
  await composer(page).focus();
  await page.keyboard.press("Control+Shift+U");
  await expect(heading(page)).toHaveText(new RegExp(`^${second}`));

  // Alt+Down and Alt+Up follow the list's order, from the composer too.
  const names = (await rows.locator(".chat-row__name").allTextContents()).map((name) => name.trim());
  const at = names.indexOf(second);
  await page.keyboard.press("Alt+ArrowDown");
  await expect(heading(page)).toHaveText(new RegExp(`^${names[at + 1]}`));
  await page.keyboard.press("Alt+ArrowUp");
  await expect(heading(page)).toHaveText(new RegExp(`^${second}`));
  await expect(chatList(page).getByRole("option", { selected: true })).toContainText(second);
});

test("Ctrl+/ lists every shortcut from the one table; Ctrl+F goes to the search", async ({ page }) => {
  await openInbox(page);
  await openChat(page, "bea");
  await composer(page).focus();
  await page.keyboard.press("Control+/");
  const sheet = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(sheet).toBeVisible();
  for (const shortcut of SHORTCUTS) {
    // Each shortcut the handler knows is on the sheet, with its keys.
    const row = sheet.locator(".shortcut-list__row").filter({ hasText: words("en", shortcut.label) });
    await expect(row).toHaveCount(1);
    await expect(row.locator("kbd")).toHaveText(shortcutKeys(shortcut));
  }
  await expectAccessible(page, "shortcut sheet");
  await page.keyboard.press("Escape");
  await expect(sheet).toBeHidden();

  await page.keyboard.press("Control+f");
  await expect(page.getByRole("searchbox", { name: "Search chats and messages" })).toBeFocused();

  // Without a mouse: the sidebar's hints open both too.
  await page.getByRole("button", { name: /^Shortcuts/ }).press("Enter");
  await expect(sheet).toBeVisible();
});
