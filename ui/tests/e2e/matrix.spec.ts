import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, openInbox } from "./helpers";

const WREN = "@wren:example.org";

async function openSettings(page: Page) {
  await page.getByRole("button", { name: "Settings" }).click();
  const settings = page.getByRole("dialog", { name: "Settings" });
  await expect(settings).toBeVisible();
  return settings;
}

test("sign in a Matrix account, turn it on through the disclosure, chat, turn it off: read-only", async ({ page }) => {
  await openInbox(page);

  // Sign in: the account arrives off, and nothing about it is decided yet.
  let settings = await openSettings(page);
  const matrix = settings.getByRole("region", { name: "Matrix accounts" });
  await matrix.getByRole("button", { name: "Sign in to a Matrix account" }).click();
  await matrix.getByLabel("Matrix id").fill("not an id");
  await matrix.getByLabel("Password").fill("demo");
  await matrix.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(matrix.getByRole("alert")).toContainText("Matrix ids look like @name:server");
  await matrix.getByLabel("Matrix id").fill(WREN);
  await matrix.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(matrix.getByRole("status")).toContainText(`Signed in as ${WREN}. Matrix is off for it`);
  await expect(matrix).toContainText("Off: nothing is synced");
  await expectAccessible(page, "settings: a Matrix account signed in, off");

  // Turning it on shows the engine's Matrix disclosure first; "Turn on Matrix" records its version.
  await matrix.getByRole("button", { name: `Turn on Matrix for ${WREN}` }).click();
  const disclosure = page.getByRole("dialog", { name: "Turn on chats with Matrix?" });
  await expect(disclosure).toContainText("Matrix is an open federation");
  await expect(disclosure).toContainText("Some rooms are not encrypted");
  await expect(disclosure).toContainText("Your Matrix chats then become read-only");
  await expectAccessible(page, "the Matrix disclosure");
  await disclosure.getByRole("button", { name: "Turn on Matrix" }).click();
  await expect(disclosure).toBeHidden();
  await expect(matrix.getByRole("button", { name: `Turn off Matrix for ${WREN}` })).toBeVisible();
  await expect(settings.getByRole("table")).toContainText("Allowed network (matrix-disclosure-v1)");
  await settings.getByRole("button", { name: "Close" }).first().click();

  // A new chat from the Matrix account, with a Matrix id; it is an ordinary chat to write in.
  await page.getByRole("button", { name: "New chat" }).click();
  const newChat = page.getByRole("dialog", { name: "New chat" });
  await newChat.getByLabel("From account").selectOption(WREN);
  await newChat.getByLabel("Their Matrix id").fill("@liv:example.org");
  await expectAccessible(page, "new chat from a Matrix account");
  await newChat.getByRole("button", { name: "Start chat" }).click();
  await expect(newChat).toBeHidden();
  await expect(page.getByRole("heading", { level: 2, name: "liv" })).toBeVisible();
  const header = page.locator(".conversation__address");
  await expect(header).toContainText("@liv:example.org");
  await expect(header).toContainText("Matrix");
  await expect(header).toContainText(`via ${WREN}`);
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("Hello over Matrix");
  await box.press("Enter");
  const sent = page.getByRole("log").getByRole("article").filter({ hasText: "Hello over Matrix" });
  await expect(sent).toBeVisible();
  await expect(sent.getByRole("img", { name: "Read" })).toBeVisible();
  await expectAccessible(page, "a Matrix chat");

  // Turned off: the chat stays, read-only, and says why.
  settings = await openSettings(page);
  await settings.getByRole("button", { name: `Turn off Matrix for ${WREN}` }).click();
  const off = page.getByRole("dialog", { name: `Turn off Matrix for ${WREN}?` });
  await expect(off).toContainText("become read-only");
  await off.getByRole("button", { name: "Turn off" }).click();
  await expect(settings.getByRole("button", { name: `Turn on Matrix for ${WREN}` })).toBeVisible();
  await settings.getByRole("button", { name: "Close" }).first().click();
  await expect(page.getByRole("note").filter({ hasText: `Read-only: Matrix is off for ${WREN}` })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "This chat is read-only" })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Message" })).toHaveCount(0);
  await expect(page.getByRole("option", { selected: true })).toContainText("read-only");
  // Only that account's chats: the demo's other Matrix account still writes to maren.
  const other = page.getByRole("option").filter({ hasText: "@maren:example.org" });
  await expect(other).toBeVisible();
  await expect(other).not.toContainText("read-only");
  await expectAccessible(page, "a Matrix chat, read-only");
});
