import { readFileSync } from "node:fs";

// The catalogs as the browser tests read them: the same files the app bundles, so a test that
// follows a table of keys (the shortcut sheet's) finds what the page shows for each.

type Tree = { [name: string]: string | Tree };

const catalogs = new Map<string, Tree>();

function catalog(language: "en" | "de"): Tree {
  let tree = catalogs.get(language);
  if (!tree) {
    tree = JSON.parse(readFileSync(new URL(`../../src/i18n/${language}.json`, import.meta.url), "utf8")) as Tree;
    catalogs.set(language, tree);
  }
  return tree;
}

/** The words `key` ("shortcuts.search") stands for in `language`; throws for a key no catalog has. */
export function words(language: "en" | "de", key: string): string {
  let node: string | Tree | undefined = catalog(language);
  for (const part of key.split(".")) node = typeof node === "object" ? node[part] : undefined;
  if (typeof node !== "string") throw new Error(`no text for ${key} in ${language}.json`);
  return node;
}
