import { expect, test } from "@playwright/test";
import { expectAccessible } from "./helpers";

test("create a profile, add an account, opt into interop with the disclosure, get a request", async ({ page }) => {
  await page.goto("/?backend=demo&seed=1&profile=missing&speed=0.2");
  await expect(page.getByRole("heading", { name: "Isthmus" })).toBeVisible();
  await expectAccessible(page, "create profile");
  await page.getByLabel("Passphrase", { exact: true }).fill("short");
  await page.getByLabel("Passphrase again").fill("short");
  await page.getByRole("button", { name: "Create profile" }).click();
  await expect(page.getByRole("alert")).toContainText("at least 8");
  await page.getByLabel("Passphrase", { exact: true }).fill("a long passphrase");
  await page.getByLabel("Passphrase again").fill("a long passphrase");
  await page.getByRole("button", { name: "Create profile" }).click();

  await expect(page.getByRole("heading", { name: "Add an account" })).toBeVisible();
  await expectAccessible(page, "add account");
  await page.getByLabel("Your name on that network").fill("taken");
  await page.getByRole("button", { name: "Add account" }).click();
  await expect(page.getByRole("alert")).toContainText("taken");
  await page.getByLabel("Your name on that network").fill("ada");
  await page.getByRole("button", { name: "Add account" }).click();

  const onboarding = page.getByRole("dialog", { name: "Chats with other networks" });
  await expect(onboarding).toBeVisible();
  await expectAccessible(page, "interop onboarding: intro");
  await onboarding.getByRole("button", { name: "Continue" }).click();
  // The disclosure states the facts before anything is turned on.
  await expect(onboarding).toContainText("People who use harbor.example will be able to send you messages");
  await expect(onboarding).toContainText("Spam and scams may be more common");
  await expect(onboarding).toContainText("own policies");
  await expect(onboarding).toContainText("profile photo is not shared");
  await expectAccessible(page, "interop onboarding: disclosure");
  await onboarding.getByLabel("Let people on harbor.example reach me").check();
  await onboarding.getByRole("button", { name: "Allow harbor.example" }).click();
  await onboarding.getByLabel("In a separate “Other networks” folder").check();
  await expectAccessible(page, "interop onboarding: layout");
  await onboarding.getByRole("button", { name: "Done" }).click();
  await expect(onboarding).toBeHidden();

  // Someone on harbor writes: a request, counted in the filter.
  await expect(page.getByRole("button", { name: /Requests \(1\)/ })).toBeVisible({ timeout: 10_000 });
  await page.getByRole("button", { name: /Requests/ }).click();
  await expect(page.getByRole("option")).toHaveCount(1);
  await expectAccessible(page, "inbox after onboarding");

  // The consent record has the decision with the disclosure version.
  await page.getByRole("button", { name: "Settings" }).click();
  const settings = page.getByRole("dialog", { name: "Settings" });
  await expect(settings.getByRole("table")).toContainText("Allowed network (interop-disclosure-v2)");
  await expectAccessible(page, "settings");
});

test("unlock: a wrong passphrase is refused", async ({ page }) => {
  await page.goto("/?backend=demo&seed=1&profile=locked&quiet");
  await page.getByLabel("Passphrase").fill("wrong one");
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByRole("alert")).toContainText("not right");
  await expectAccessible(page, "unlock with error");
  await page.getByLabel("Passphrase").fill("correct horse battery");
  await page.getByRole("button", { name: "Unlock" }).click();
  await expect(page.getByRole("listbox", { name: "Chats" })).toBeVisible();
});
