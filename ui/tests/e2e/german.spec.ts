import { expect, test } from "@playwright/test";
import { expectAccessible, inboxSearch, openChat } from "./helpers";

// The UI in German: a browser (or desktop) that prefers German gets it without being asked, and the
// choice in Settings wins over the system's, already on the screens before unlock.

test.describe("a German system", () => {
  test.use({ locale: "de-DE" });

  test("unlock screen, create profile, add account and the interop dialog speak German", async ({ page }) => {
    await page.goto("/?backend=demo&seed=1&profile=missing&speed=0.2");
    await expect(page.getByRole("heading", { name: "Isthmus" })).toBeVisible();
    // Screen readers pronounce by the page's language: it must say German too.
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    await expect(page.getByText("Erstelle dein Profil.")).toBeVisible();
    await page.getByLabel("Passphrase", { exact: true }).fill("kurz");
    await page.getByLabel("Passphrase wiederholen").fill("kurz");
    await page.getByRole("button", { name: "Profil erstellen" }).click();
    await expect(page.getByRole("alert")).toHaveText("Verwende mindestens 8 Zeichen.");
    await expectAccessible(page, "create profile, in German");
    await page.getByLabel("Passphrase", { exact: true }).fill("eine lange Passphrase");
    await page.getByLabel("Passphrase wiederholen").fill("eine lange Passphrase");
    await page.getByRole("button", { name: "Profil erstellen" }).click();

    await expect(page.getByRole("heading", { name: "Konto hinzufügen" })).toBeVisible();
    await page.getByLabel("Dein Name in diesem Netzwerk").fill("taken");
    await page.getByRole("button", { name: "Konto hinzufügen" }).click();
    // The engine's error code, worded from the German catalog (the UI never shows the engine's English).
    await expect(page.getByRole("alert")).toHaveText(
      "Dieser Name ist in diesem Netzwerk schon vergeben. Wähle einen anderen.",
    );
    await page.getByLabel("Dein Name in diesem Netzwerk").fill("ada");
    await page.getByRole("button", { name: "Konto hinzufügen" }).click();

    const onboarding = page.getByRole("dialog", { name: "Chats mit anderen Netzwerken" });
    await expect(onboarding).toBeVisible();
    await expect(onboarding).toContainText("Dein Konto ada@meadow.example ist in");
    await expect(onboarding.getByRole("button", { name: "Schließen" })).toBeVisible();
    await expectAccessible(page, "interop onboarding, in German");
    await onboarding.getByRole("button", { name: "Weiter" }).click();
    await onboarding.getByLabel("Personen in harbor.example dürfen mich erreichen").check();
    await onboarding.getByRole("button", { name: "harbor.example erlauben" }).click();
    await onboarding.getByLabel("In einem eigenen Ordner „Andere Netzwerke“").check();
    await onboarding.getByRole("button", { name: "Fertig" }).click();
    await expect(onboarding).toBeHidden();
  });

  test("a wrong passphrase is refused in German", async ({ page }) => {
    await page.goto("/?backend=demo&seed=1&profile=locked&quiet");
    await expect(page.getByText("Gib deine Passphrase ein, um dein Profil zu entsperren.")).toBeVisible();
    await expect(page.getByText("Demo: Die Passphrase lautet „correct horse battery“.")).toBeVisible();
    await page.getByLabel("Passphrase").fill("falsch");
    await page.getByRole("button", { name: "Entsperren" }).click();
    await expect(page.getByRole("alert")).toHaveText("Diese Passphrase stimmt nicht. Versuch es noch einmal.");
    await expectAccessible(page, "unlock with error, in German");
  });

  test("the new group dialog checks its fields in German", async ({ page }) => {
    await page.goto("/?backend=demo&seed=1&quiet&speed=0.3");
    await page.getByRole("button", { name: "Neue Gruppe" }).click();
    const dialog = page.getByRole("dialog", { name: "Neue Gruppe" });
    await expect(dialog.getByLabel("Gruppenname")).toBeVisible();
    await expect(dialog).toContainText("Noch niemand ausgewählt.");
    await dialog.getByRole("button", { name: "Gruppe erstellen" }).click();
    await expect(dialog.getByRole("alert")).toHaveText("Gib der Gruppe einen Namen.");
    await dialog.getByLabel("Gruppenname").fill("Picknick");
    await dialog.getByRole("button", { name: "Gruppe erstellen" }).click();
    await expect(dialog.getByRole("alert")).toHaveText("Wähle mindestens eine Person aus.");
    await dialog.getByLabel("Per Adresse hinzufügen").fill("kein-at-zeichen");
    await dialog.getByRole("button", { name: "Adresse hinzufügen" }).click();
    await expect(dialog.getByRole("alert").filter({ hasText: "Adressen sehen so aus: name@netzwerk" })).toBeVisible();
    await expectAccessible(page, "new group, in German");
  });

  test("the inbox speaks German: filters, search results and the list's empty state", async ({ page }) => {
    await page.goto("/?backend=demo&seed=1&quiet&speed=0.3");
    const filters = page.getByRole("toolbar", { name: "Chats filtern" });
    await expect(filters.getByRole("button", { name: "Alle", exact: true })).toHaveAttribute("aria-pressed", "true");
    await expect(filters.getByRole("button", { name: /^Anfragen \(\d+\)$/ })).toBeVisible();
    await expect(filters.getByRole("button", { name: "Ungelesen", exact: true })).toBeVisible();
    await expect(filters.getByRole("button", { name: "Archiviert", exact: true })).toBeVisible();

    // A word only a message far back holds: no chat's name matches, one message does.
    await page.getByRole("searchbox", { name: "Chats und Nachrichten durchsuchen" }).fill("quokka");
    await expect(page.getByText("Kein Chat passt.")).toBeVisible();
    // The results are named with the count in words, in German's plural (a screen reader says it).
    const hits = page.getByRole("region", { name: "Nachrichten: 1 Treffer", exact: true });
    await expect(hits.getByRole("heading", { name: /^Nachrichten/ })).toBeVisible();
    await expect(hits.getByRole("button").filter({ hasText: "quokka" })).toBeVisible();
    await expectAccessible(page, "inbox with search results, in German");
    await inboxSearch(page).fill("digest");
    await expect(page.getByRole("region", { name: /^Nachrichten: \d+ Treffer$/ })).toBeVisible();
    await expect(page.getByRole("button", { name: "Mehr anzeigen" })).toBeVisible();

    // The helper the other specs use finds the chat in German too.
    await inboxSearch(page).fill("");
    await openChat(page, "archive.bot");
    await expect(page.getByRole("log", { name: "Nachrichten mit archive.bot@meadow.example" })).toBeVisible();
  });

  test("a chat, its composer, the shortcut sheet and Settings speak German", async ({ page }) => {
    await page.goto("/?backend=demo&seed=1&quiet&speed=0.3");
    await expect(page.getByRole("button", { name: "Neuer Chat" })).toBeVisible();

    // The quick switcher opens the chat, from the keyboard (once the inbox, which listens for
    // the shortcut, is there).
    await expect(page.getByRole("listbox", { name: "Chats" })).toBeVisible();
    const switcher = page.getByRole("dialog", { name: "Zu einem Chat oder einer Person wechseln" });
    await expect(async () => {
      await page.keyboard.press("Control+k");
      await expect(switcher).toBeVisible({ timeout: 1000 });
    }).toPass();
    await switcher.getByRole("combobox", { name: "Name oder Adresse" }).fill("bea");
    await page.keyboard.press("Enter");
    await expect(switcher).toBeHidden();

    const composer = page.getByRole("textbox", { name: "Nachricht", exact: true });
    await expect(composer).toBeFocused();
    await expect(composer).toHaveAttribute("placeholder", /^Nachricht an bea/);
    await expect(page.getByRole("button", { name: "Senden" })).toBeDisabled();
    await expect(page.getByRole("button", { name: "Dateien anhängen" })).toBeVisible();

    // The picker's emoji names are German too: the German Emojibase data, bundled like the English.
    await page.getByRole("button", { name: "Emoji einfügen" }).click();
    const picker = page.getByRole("dialog", { name: "Emoji" });
    await picker.getByRole("searchbox", { name: "Emoji suchen" }).fill("daumen");
    await picker.getByRole("gridcell", { name: "Daumen hoch", exact: true }).click();
    await expect(composer).toHaveValue("👍");
    await page.getByRole("button", { name: "Senden" }).click();
    await expect(composer).toHaveValue("");

    // The message just sent: who wrote it, its status and its actions, in German.
    const sent = page.getByRole("article", { name: /^Du, / }).last();
    await sent.hover();
    await expect(sent.getByRole("img", { name: /^(Wird gesendet|Gesendet|Zugestellt|Gelesen)$/ })).toBeVisible();
    await expect(sent.getByRole("button", { name: "Antworten" })).toBeVisible();
    await expect(sent.getByRole("button", { name: "Text kopieren" })).toBeVisible();

    // Mute offers its choices in German, and says until when.
    await page.getByRole("button", { name: "Stummschalten", exact: true }).click();
    const choices = page.getByRole("group", { name: "Stummschalten für" });
    await expect(choices.getByRole("button")).toHaveText(["1 Stunde", "8 Stunden", "Immer"]);
    await choices.getByRole("button", { name: "1 Stunde" }).click();
    await expect(page.getByText(/^Stummgeschaltet bis /).first()).toBeVisible();
    await page.getByRole("button", { name: "Stummschaltung aufheben" }).click();

    // The shortcut sheet names the keys as a German keyboard does.
    await page.keyboard.press("Control+/");
    const sheet = page.getByRole("dialog", { name: "Tastenkürzel" });
    const row = (text: string) => sheet.locator(".shortcut-list__row").filter({ hasText: text });
    await expect(row("Chats durchsuchen").locator("kbd")).toHaveText(["Strg", "F"]);
    await expect(row("Nächster ungelesener Chat").locator("kbd")).toHaveText(["Strg", "Umschalt", "U"]);
    await expect(row("Neue Zeile in einer Nachricht").locator("kbd")).toHaveText(["Umschalt", "Eingabe"]);
    await expectAccessible(page, "shortcut sheet, in German");
    await page.keyboard.press("Escape");
    await expect(sheet).toBeHidden();
    await expect(page.getByRole("button", { name: /^Tastenkürzel Strg\+\/$/ })).toBeVisible();

    // Settings, with the language setting beside the theme: it follows the system until chosen.
    await page.getByRole("button", { name: "Einstellungen" }).click();
    const settings = page.getByRole("dialog", { name: "Einstellungen" });
    await expect(settings.getByRole("heading", { name: "Konten und Netzwerke" })).toBeVisible();
    await expect(settings.getByRole("group", { name: "Design" }).getByRole("radio", { name: "Hell" })).toBeVisible();
    const language = settings.getByRole("group", { name: "Sprache" });
    await expect(language.getByRole("radio", { name: "Wie das System (Deutsch)" })).toBeChecked();
    await expectAccessible(page, "settings, in German");

    // Choosing English applies at once, to the whole page; choosing the system again brings German back.
    await language.getByRole("radio", { name: "English" }).check();
    const english = page.getByRole("dialog", { name: "Settings" });
    await expect(english.getByRole("heading", { name: "Accounts and networks" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await english
      .getByRole("group", { name: "Language" })
      .getByRole("radio", { name: /^Follow the system/ })
      .check();
    await expect(settings.getByRole("heading", { name: "Konten und Netzwerke" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
  });
});

test.describe("the setting over the system", () => {
  // Runs in the page before the app: the choice as the last session left it (init scripts are
  // sent as source, so the values come as the argument, not from a closure).
  const choose = ({ key, language }: { key: string; language: string }) => localStorage.setItem(key, language);

  test("Deutsch chosen in Settings wins over an English browser, before unlock too", async ({ page }) => {
    await page.addInitScript(choose, { key: "isthmus.language", language: "de" });
    await page.goto("/?backend=demo&seed=1&profile=locked&quiet");
    await expect(page.getByRole("button", { name: "Entsperren" })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
  });

  test.describe("on a German system", () => {
    test.use({ locale: "de-DE" });

    test("English chosen in Settings wins over a German browser", async ({ page }) => {
      await page.addInitScript(choose, { key: "isthmus.language", language: "en" });
      await page.goto("/?backend=demo&seed=1&profile=locked&quiet");
      await expect(page.getByRole("button", { name: "Unlock" })).toBeVisible();
      await expect(page.locator("html")).toHaveAttribute("lang", "en");
    });
  });
});

test("an English browser gets English (the default the other browser tests rely on)", async ({ page }) => {
  await page.goto("/?backend=demo&seed=1&profile=locked&quiet");
  await expect(page.getByRole("button", { name: "Unlock" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
});
