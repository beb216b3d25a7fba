import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, openChat, openInbox } from "./helpers";

/** The desktop app's Content Security Policy, as Tauri sets it on the page. */
function desktopCsp(): string {
  const config = JSON.parse(readFileSync(new URL("../../../src-tauri/tauri.conf.json", import.meta.url), "utf8"));
  return config.app.security.csp as string;
}

const composer = (page: Page) => page.getByRole("textbox", { name: "Message" });

/** Requests to any other origin than the app's own: the emoji data is bundled, never fetched. */
function watchOtherOrigins(page: Page, origin: string): string[] {
  const seen: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith("data:")) seen.push(request.url());
  });
  return seen;
}

test("the emoji picker inserts where the caret was, by mouse or by keyboard", async ({ page, baseURL }) => {
  const elsewhere = watchOtherOrigins(page, baseURL ?? "");
  await openInbox(page);
  await openChat(page, "bea");
  const box = composer(page);
  await box.fill("Hi there");
  // The caret after "Hi".
  await box.press("Home");
  await box.press("ArrowRight");
  await box.press("ArrowRight");

  await page.getByRole("button", { name: "Insert emoji" }).click();
  const picker = page.getByRole("dialog", { name: "Emoji" });
  const search = picker.getByRole("searchbox", { name: "Search emoji" });
  await expect(search).toBeFocused();
  await expectAccessible(page, "emoji picker");
  await search.fill("grinning face");
  await picker.getByRole("gridcell", { name: "Grinning face", exact: true }).click();
  await expect(picker).toBeHidden();
  await expect(box).toHaveValue("Hi😀 there");
  await expect(box).toBeFocused();

  // Keyboard only: Tab back to the button, Enter opens, type, arrows, Enter picks, focus returns.
  await box.press("End");
  await page.keyboard.press("Shift+Tab");
  await expect(page.getByRole("button", { name: "Insert emoji" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(search).toBeFocused();
  await page.keyboard.type("thumbs up");
  const thumbs = picker.getByRole("gridcell", { name: "Thumbs up", exact: true });
  await expect(thumbs).toBeVisible();
  await page.keyboard.press("ArrowDown");
  await expect(thumbs).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Enter");
  // The picked 👍 is the same text as the quick reaction's (no U+FE0F after it).
  await expect(box).toHaveValue("Hi😀 there👍");
  await expect(box).toBeFocused();

  // Escape closes the picker and leaves the text as it was.
  await page.getByRole("button", { name: "Insert emoji" }).click();
  await expect(search).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(picker).toBeHidden();
  await expect(box).toHaveValue("Hi😀 there👍");

  expect(elsewhere, "the picker fetched nothing from another origin (CSP default-src 'self')").toEqual([]);
});

test("react with any emoji through 'More reactions'; the six quick ones stay", async ({ page }) => {
  await openInbox(page);
  await openChat(page, "cedric");
  const message = page.getByRole("log").getByRole("article").last();
  await message.hover();
  await expect(message.getByRole("button", { name: "React 👍" })).toBeVisible();
  await message.getByRole("button", { name: "More reactions" }).click();
  const dialog = page.getByRole("dialog", { name: "React with an emoji" });
  await expect(dialog.getByRole("searchbox", { name: "Search emoji" })).toBeFocused();
  await page.keyboard.type("rocket");
  await dialog.getByRole("gridcell", { name: "Rocket", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(message.getByRole("list", { name: "Reactions" })).toContainText("🚀");
});

test("Copy text puts a message's text on the clipboard and says so", async ({ page, context, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  await openInbox(page);
  await openChat(page, "heron");
  const message = page
    .getByRole("log")
    .getByRole("article")
    .filter({ has: page.locator(".message__text") })
    .last();
  const text = ((await message.locator(".message__text").textContent()) ?? "").trim();
  expect(text).not.toBe("");
  await message.hover();
  await message.getByRole("button", { name: "Copy text" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
});

test("the picker works under the desktop app's CSP: its data is part of the app", async ({ page }) => {
  const csp = desktopCsp();
  const refused: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  // Served with the policy the desktop app's pages have.
  await page.route(
    (url) => url.pathname === "/",
    async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace(
        "<head>",
        `<head><meta http-equiv="Content-Security-Policy" content="${csp}">`,
      );
      await route.fulfill({ response, body: html });
    },
  );
  await openInbox(page);
  await openChat(page, "bea");
  await page.getByRole("button", { name: "Insert emoji" }).click();
  await page
    .getByRole("dialog", { name: "Emoji" })
    .getByRole("gridcell", { name: "Grinning face", exact: true })
    .click();
  await expect(page.getByRole("textbox", { name: "Message" })).toHaveValue("😀");
  expect(refused).toEqual([]);
});
