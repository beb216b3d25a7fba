import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, openChat, openInbox } from "./helpers";

const timeline = (page: Page) => page.getByRole("log");
const messageWith = (page: Page, text: string) =>
  timeline(page)
    .getByRole("article")
    .filter({ has: page.locator(".message__text, .attachment__name", { hasText: text }) })
    .last();

async function send(page: Page, text: string) {
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill(text);
  await box.press("Enter");
  await expect(messageWith(page, text)).toBeVisible();
}

test("send and receive, with delivery marks, typing and an answer", async ({ page }) => {
  // Real-time pacing: the typing indicator shows for 1.2 s, long enough to be seen on a busy machine.
  await openInbox(page, "", 1);
  await openChat(page, "bea");
  await expectAccessible(page, "conversation");
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("first line");
  await box.press("Shift+Enter");
  await box.pressSequentially("second line");
  await expect(box).toHaveValue("first line\nsecond line");
  await box.press("Enter");
  const mine = messageWith(page, "second line");
  await expect(mine).toBeVisible();
  await expect(box).toHaveValue("");
  await expect(mine.getByRole("img", { name: "Read" })).toBeVisible();
  await expect(page.getByText("bea is typing…")).toBeVisible();
  await expect(timeline(page).getByRole("article").last()).toHaveAttribute("aria-label", /^bea@meadow\.example/);
});

test("reply, react, edit and delete", async ({ page }) => {
  await openInbox(page);
  await openChat(page, "cedric");
  await send(page, "Original words");
  const original = messageWith(page, "Original words");
  await original.hover();
  await original.getByRole("button", { name: "Reply" }).click();
  await expect(page.getByText("Replying to")).toBeVisible();
  await send(page, "A reply to it");
  await expect(messageWith(page, "A reply to it").locator("blockquote")).toContainText("Original words");

  await original.hover();
  await original.getByRole("button", { name: "React 👍" }).click();
  await expect(original.getByRole("list", { name: "Reactions" })).toContainText("👍");

  await original.hover();
  await original.getByRole("button", { name: "Edit" }).click();
  const box = page.getByRole("textbox", { name: "Message" });
  await expect(box).toHaveValue("Original words");
  await box.fill("Corrected words");
  await box.press("Enter");
  const edited = messageWith(page, "Corrected words");
  await expect(edited).toContainText("edited");

  await edited.hover();
  await edited.getByRole("button", { name: "Delete" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete this message for everyone?" });
  await expectAccessible(page, "delete confirmation");
  await confirm.getByRole("button", { name: "Delete for everyone" }).click();
  await expect(timeline(page)).toContainText("This message was deleted.");
});

test("attachments: send a file with progress, download a received picture, open and save", async ({ page }) => {
  await openInbox(page);
  await openChat(page, "dana.okafor");
  await page
    .locator('input[type="file"]')
    .setInputFiles({ name: "holiday.png", mimeType: "image/png", buffer: Buffer.alloc(40_000, 7) });
  await expect(page.getByRole("list", { name: "Files to send" })).toContainText("holiday.png");
  await page.getByRole("textbox", { name: "Caption" }).fill("From the beach");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  const sent = messageWith(page, "From the beach");
  await expect(sent).toContainText("holiday.png");
  await expect(sent.getByRole("img", { name: "Picture holiday.png" })).toBeVisible();

  await send(page, "Can you send me a photo?");
  const picture = messageWith(page, "IMG_2044.jpg");
  await expect(picture).toBeVisible({ timeout: 10_000 });
  await picture.getByRole("button", { name: "Download" }).click();
  await expect(picture.getByRole("button", { name: "Save" })).toBeVisible();
  await picture.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved to" })).toBeVisible();
  await expectAccessible(page, "conversation with attachments");
});

test("a request: links inert, nothing downloaded; accept, then write", async ({ page }) => {
  await openInbox(page);
  await page.getByRole("button", { name: /^Requests/ }).click();
  await openChat(page, "zara");
  const bar = page.getByRole("region", { name: "Message request" });
  await expect(bar).toContainText("wants to message");
  await expect(timeline(page).getByRole("link")).toHaveCount(0);
  await expect(timeline(page)).toContainText("https://slides.example/talk-42");
  await expect(page.getByRole("status").filter({ hasText: "Accept this request to reply" })).toBeVisible();
  await expectAccessible(page, "request");
  await bar.getByRole("button", { name: "Accept" }).click();
  await expect(bar).toBeHidden();
  // Accepted: the link becomes a link that asks first.
  await timeline(page).getByRole("link", { name: "https://slides.example/talk-42" }).click();
  const linkDialog = page.getByRole("dialog", { name: "Open this link?" });
  await expect(linkDialog).toContainText("slides.example");
  await expectAccessible(page, "link confirmation");
  await page.keyboard.press("Escape");
  await expect(linkDialog).toBeHidden();
  await send(page, "Yes, that's me");
});

test("a request: block removes it and records the decision", async ({ page }) => {
  await openInbox(page);
  await page.getByRole("button", { name: /^Requests/ }).click();
  await openChat(page, "prize.desk");
  await expect(timeline(page)).toContainText("Not downloaded until you accept the request.");
  await expect(timeline(page).getByRole("button", { name: "Download" })).toHaveCount(0);
  await page.getByRole("region", { name: "Message request" }).getByRole("button", { name: "Report" }).click();
  await expectAccessible(page, "report dialog");
  await page
    .getByRole("dialog", { name: /^Report/ })
    .getByRole("button", { name: "Cancel" })
    .click();
  await page.getByRole("region", { name: "Message request" }).getByRole("button", { name: "Block" }).click();
  const dialog = page.getByRole("dialog", { name: "Block prize.desk@harbor.example?" });
  await expectAccessible(page, "block confirmation");
  await dialog.getByRole("button", { name: "Block" }).click();
  await expect(page.getByRole("option").filter({ hasText: "prize.desk" })).toHaveCount(0);
  await page.getByRole("button", { name: "Settings" }).click();
  await expect(page.getByRole("dialog", { name: "Settings" }).getByRole("table")).toContainText("Blocked request");
});

test("a key change holds sending until acknowledged", async ({ page }) => {
  await openInbox(page);
  await openChat(page, "marta");
  await expect(page.getByRole("status").filter({ hasText: "safety number changed" })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Message" })).toHaveCount(0);
  await page.getByRole("alert").getByRole("button", { name: "Review" }).click();
  const dialog = page.getByRole("alertdialog", { name: "marta@harbor.example's safety number changed" });
  await expectAccessible(page, "key change dialog");
  await dialog.getByRole("button", { name: "Acknowledge and continue" }).click();
  await send(page, "Hi again");
});

test("turning interop off makes chats read-only; contact details show the safety number", async ({ page }) => {
  await openInbox(page);
  await openChat(page, "heron");
  await expect(page.getByRole("note").filter({ hasText: "another network" })).toContainText("end-to-end encrypted");
  await page.getByRole("button", { name: "Contact details" }).click();
  const details = page.getByRole("dialog", { name: "heron" });
  await expect(details.getByLabel(/^Safety number/)).toHaveText(/^(\d{5}){12}$/);
  await expect(details.getByRole("img", { name: /QR code/ })).toBeVisible();
  await expectAccessible(page, "contact details");
  await details.getByRole("button", { name: "Mark as verified" }).click();
  await expect(details.getByRole("button", { name: "Clear verification" })).toBeVisible();
  await page.keyboard.press("Escape");

  await page.getByRole("button", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Turn off harbor.example for ada@meadow.example" }).click();
  const revoke = page.getByRole("dialog", { name: "Turn off chats with harbor.example?" });
  await expect(revoke).toContainText("become read-only");
  await expectAccessible(page, "revocation confirmation");
  await revoke.getByRole("button", { name: "Turn off" }).click();
  await page.getByRole("dialog", { name: "Settings" }).getByRole("button", { name: "Close" }).click();
  await expect(page.getByRole("note").filter({ hasText: "Read-only" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "This chat is read-only" })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Message" })).toHaveCount(0);
});

test("first contact on another network asks who and which network", async ({ page }) => {
  await openInbox(page);
  await page.getByRole("button", { name: "New chat" }).click();
  const dialog = page.getByRole("dialog", { name: "New chat" });
  await dialog.getByLabel("Their address").fill("pebble@harbor.example");
  await expectAccessible(page, "new chat");
  await dialog.getByRole("button", { name: "Start chat" }).click();
  const confirm = page.getByRole("dialog", { name: "Write to pebble@harbor.example?" });
  await expect(confirm).toContainText("another network than yours");
  await expectAccessible(page, "first contact confirmation");
  await confirm.getByRole("button", { name: "Write to pebble@harbor.example" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "pebble" })).toBeVisible();
  await send(page, "Hello across networks");
});
