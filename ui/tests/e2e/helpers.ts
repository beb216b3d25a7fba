import { createRequire } from "node:module";
import { expect, type Page } from "@playwright/test";
import { words } from "./catalog";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");

type AxeResult = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] };

/** Runs axe-core in the page; serious and critical violations fail the test (they block people). */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<unknown> } }).axe;
    return (await axe.run(document, { resultTypes: ["violations"] })) as unknown;
  });
  const bad = (result as AxeResult).violations.filter(
    (violation) => violation.impact === "serious" || violation.impact === "critical",
  );
  expect(
    bad.map(
      (violation) =>
        `${screen}: ${violation.id} (${violation.impact}) ${violation.help} at ${JSON.stringify(violation.nodes.map((node) => node.target))}`,
    ),
  ).toEqual([]);
}

/** `speed` scales the simulated peers' delays (0.3: fast; 1: as designed, for windows a loaded machine must not miss). */
export async function openInbox(page: Page, extra = "", speed = 0.3): Promise<void> {
  await page.goto(`/?backend=demo&seed=1&quiet&speed=${speed}${extra}`);
  await expect(page.getByRole("listbox", { name: "Chats" })).toBeVisible();
}

/** The inbox's search field, in whichever language the page speaks (its name from the catalogs). */
export function inboxSearch(page: Page) {
  return page
    .getByRole("searchbox", { name: words("en", "inbox.search"), exact: true })
    .or(page.getByRole("searchbox", { name: words("de", "inbox.search"), exact: true }));
}

/** Finds the chat through search (the list is virtualized: far rows are not in the DOM); works in
 * every language the UI speaks. */
export async function openChat(page: Page, name: string): Promise<void> {
  const search = inboxSearch(page);
  await search.fill(name);
  await page.getByRole("option").filter({ hasText: name }).first().click();
  await search.fill("");
  await expect(page.getByRole("heading", { level: 2, name: new RegExp(`^${name}`) })).toBeVisible();
}
