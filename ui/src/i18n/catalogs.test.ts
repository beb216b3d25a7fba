// The catalogs against each other and against the code that uses them. A string missing in one
// language shows as English (the fallback) or as its key to a person who chose that language, so
// any gap fails here, before anyone sees it.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "@babel/parser";
import { describe, expect, it } from "vitest";
import de from "./de.json";
import en from "./en.json";
import { FALLBACK_LANGUAGE, LANGUAGES, type Language } from "./language";

const catalogs: Record<Language, unknown> = { en, de };
const reference = FALLBACK_LANGUAGE;
const others = LANGUAGES.filter((language) => language !== reference);

/** Every leaf of a catalog as `dotted.key → text`. */
function flatten(tree: unknown, prefix = ""): Map<string, unknown> {
  const leaves = new Map<string, unknown>();
  for (const [name, value] of Object.entries(tree as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (value !== null && typeof value === "object") for (const leaf of flatten(value, key)) leaves.set(...leaf);
    else leaves.set(key, value);
  }
  return leaves;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;
/** A plural form's key without its suffix (`members_one` → `members`); other keys as they are. */
const baseOf = (key: string) => key.replace(PLURAL, "");
const leaves = Object.fromEntries(LANGUAGES.map((language) => [language, flatten(catalogs[language])])) as Record<
  Language,
  Map<string, unknown>
>;

/** Base key → its forms (one entry, "", for a key that is not plural). */
function entries(language: Language): Map<string, Map<string, string>> {
  const byBase = new Map<string, Map<string, string>>();
  for (const [key, value] of leaves[language]) {
    const base = baseOf(key);
    const forms = byBase.get(base) ?? new Map<string, string>();
    forms.set(key === base ? "" : key.slice(base.length + 1), String(value));
    byBase.set(base, forms);
  }
  return byBase;
}

const variables = (text: string) => [...text.matchAll(/\{\{\s*-?\s*([\w.]+)[^}]*\}\}/g)].map((match) => match[1]);
const tags = (text: string) => [...text.matchAll(/<\/?([A-Za-z][\w-]*)\s*\/?>/g)].map((match) => match[0]);
const sorted = (items: Iterable<string | undefined>) => [...new Set(items)].sort();

describe("the catalogs", () => {
  it("every value is a non-empty string", () => {
    for (const language of LANGUAGES) {
      for (const [key, value] of leaves[language]) {
        expect(typeof value, `${language}: ${key} must be text`).toBe("string");
        expect(String(value).trim(), `${language}: ${key} is empty`).not.toBe("");
      }
    }
  });

  it.each(others)("%s has exactly the keys of the reference catalog", (language) => {
    const want = sorted(entries(reference).keys());
    const have = sorted(entries(language).keys());
    expect(
      want.filter((key) => !have.includes(key)),
      `keys missing in ${language}.json`,
    ).toEqual([]);
    expect(
      have.filter((key) => !want.includes(key)),
      `keys in ${language}.json that ${reference}.json lacks`,
    ).toEqual([]);
  });

  it.each(LANGUAGES)("%s has each plural form its language uses, and no other", (language) => {
    const categories = sorted(new Intl.PluralRules(language).resolvedOptions().pluralCategories);
    for (const [base, forms] of entries(language)) {
      if (forms.has("")) {
        expect(forms.size, `${language}: ${base} is both plain and plural`).toBe(1);
        continue;
      }
      expect(sorted(forms.keys()), `${language}: the plural forms of ${base}`).toEqual(categories);
    }
  });

  it.each(others)("%s uses the same variables and markup as the reference, key by key", (language) => {
    const want = entries(reference);
    // A plural form may leave out the number ("Ein Mitglied"); every other variable must be there.
    const names = (texts: string[]) => sorted(texts.flatMap(variables)).filter((name) => name !== "count");
    const markup = (texts: string[]) => sorted(texts.flatMap(tags));
    const differing: string[] = [];
    for (const [base, forms] of entries(language)) {
      const theirs = [...(want.get(base)?.values() ?? [])];
      const ours = [...forms.values()];
      if (names(ours).join() !== names(theirs).join())
        differing.push(`${base}: variables ${names(ours).join(" ")} instead of ${names(theirs).join(" ")}`);
      if (markup(ours).join() !== markup(theirs).join())
        differing.push(`${base}: markup ${markup(ours).join(" ")} instead of ${markup(theirs).join(" ")}`);
    }
    expect(differing, `${language}.json against ${reference}.json`).toEqual([]);
  });

  it("plurals are plural forms, never a parenthesised (s)", () => {
    for (const [key, value] of leaves[reference]) expect(String(value), key).not.toMatch(/\(s\)/);
  });
});

// --- The code against the catalogs ------------------------------------------------------------

const src = fileURLToPath(new URL("..", import.meta.url));

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const sources = sourceFiles(src).map((path) => ({ path: relative(src, path), text: readFileSync(path, "utf8") }));
const known = new Set(entries(reference).keys());
const namespaces = Object.keys(en);

describe("the code's keys", () => {
  it("finds the files that translate (the scan itself works)", () => {
    expect(sources.some((file) => file.path.endsWith("StartScreen.tsx") && file.text.includes('t("start.'))).toBe(true);
  });

  it("every key given to t() or <Trans i18nKey> is in the catalogs", () => {
    const missing: string[] = [];
    for (const file of sources) {
      const calls = file.text.matchAll(/\bt\(\s*(["'`])([^"'`]*)\1|i18nKey=(?:\{\s*)?(["'`])([^"'`]*)\3/g);
      for (const match of calls) {
        const key = match[2] ?? match[4] ?? "";
        if (!known.has(key)) missing.push(`${file.path}: "${key}"`);
      }
    }
    expect(missing, "keys the code uses that no catalog has").toEqual([]);
  });

  it("no key is built at run time (a table of literal keys, which the type check reads, instead)", () => {
    const built = sources.flatMap((file) =>
      [...file.text.matchAll(/\bt\(\s*`[^`]*\$\{|i18nKey=\{\s*`[^`]*\$\{/g)].map(() => file.path),
    );
    expect(built).toEqual([]);
  });

  it("every string in the code shaped like a key of a catalog namespace is a key (tables, ternaries)", () => {
    const shaped = new RegExp(`(["'])((?:${namespaces.join("|")})\\.[A-Za-z_][\\w.]*)\\1`, "g");
    const missing = sources.flatMap((file) =>
      [...file.text.matchAll(shaped)]
        .map((match) => match[2] ?? "")
        .filter((key) => !known.has(key))
        .map((key) => `${file.path}: "${key}"`),
    );
    expect(missing).toEqual([]);
  });

  it("every key in the catalogs is used somewhere (a dead string is a string nobody checks)", () => {
    const everything = sources.map((file) => file.text).join("\n");
    const unused = [...known].filter((key) => !everything.includes(`"${key}"`) && !everything.includes(`'${key}'`));
    expect(unused).toEqual([]);
  });
});

// --- No English left in the components converted ----------------------------------------------

/**
 * Components not converted yet: empty, every component speaks from the catalogs. A change in flight
 * may list a file here for a while (by its name under components/) and take it off once converted;
 * the check below then holds it to the rule.
 */
const NOT_YET_CONVERTED = new Set<string>([]);

/** Text that is the same in every language: the app's name, a token's shape. */
const UNTRANSLATED = new Set(["Isthmus", "isthmus-invite-…"]);

/** Attributes a person reads or hears, and the props that carry such text on to a dialog. */
const SHOWN_ATTRIBUTES = new Set([
  "aria-label",
  "aria-description",
  "alt",
  "title",
  "placeholder",
  "label",
  "legend",
  "confirmLabel",
  "facts",
]);

type Node = { type: string; [field: string]: unknown };
const isNode = (value: unknown): value is Node =>
  value !== null && typeof value === "object" && typeof (value as Node).type === "string";

function children(node: Node): Node[] {
  return Object.entries(node)
    .filter(([field]) => !["loc", "start", "end", "leadingComments", "trailingComments", "extra"].includes(field))
    .flatMap(([, value]) => (Array.isArray(value) ? value : [value]))
    .filter(isNode);
}

/** Where a string is not shown: handed to a call (`t("…")`, `new Error("…")`) or compared; JSX
 * inside an expression is visited on its own. */
const NOT_SHOWN = new Set(["CallExpression", "NewExpression", "BinaryExpression", "JSXElement", "JSXFragment"]);

/** The strings under `node` that could reach the screen. */
function strings(node: Node): string[] {
  if (NOT_SHOWN.has(node.type)) return [];
  if (node.type === "StringLiteral") return [String(node.value)];
  if (node.type === "TemplateElement") return [String((node.value as { cooked?: string }).cooked ?? "")];
  return children(node).flatMap(strings);
}

/** A sentence handed to a call (`setError("Choose a name.")`): capital first, a space, an end mark. */
const SENTENCE = /^\p{Lu}\p{L}*\s.*[.?!…:]$/u;
const hasWords = (text: string) => /\p{L}{2,}/u.test(text) && !UNTRANSLATED.has(text.trim());

/** JSX text, shown attributes and sentences written as literals in a component's source. */
function literalText(source: string): string[] {
  const found: string[] = [];
  const visit = (node: Node): void => {
    if (node.type === "JSXText") found.push(String(node.value).trim());
    else if (node.type === "JSXExpressionContainer") found.push(...strings(node.expression as Node));
    else if (node.type === "JSXAttribute") {
      const name = (node.name as Node).name;
      if (typeof name === "string" && SHOWN_ATTRIBUTES.has(name) && isNode(node.value)) {
        found.push(...strings(node.value));
      }
      return;
    }
    if (node.type === "CallExpression") {
      const callee = node.callee as Node;
      const name = callee.type === "Identifier" ? callee.name : undefined;
      if (name !== "t") {
        for (const argument of node.arguments as Node[]) {
          found.push(...strings(argument).filter((text) => SENTENCE.test(text.trim())));
        }
      }
    }
    for (const child of children(node)) visit(child);
  };
  visit(parse(source, { sourceType: "module", plugins: ["typescript", "jsx"] }).program as unknown as Node);
  return found.filter(hasWords);
}

describe("the converted components", () => {
  const components = sources.filter(
    (file) =>
      file.path.startsWith("components/") &&
      file.path.endsWith(".tsx") &&
      !file.path.endsWith(".stories.tsx") &&
      !NOT_YET_CONVERTED.has(file.path.slice("components/".length)),
  );

  it("include the ones this change converted", () => {
    const names = components.map((file) => file.path);
    expect(names).toContain("components/StartScreen.tsx");
    expect(names).toContain("components/ConsentDialogs.tsx");
    expect(names).toContain("components/Inbox.tsx");
    expect(names).toContain("components/SearchHits.tsx");
  });

  it("exempt only files that exist (a name left on NOT_YET_CONVERTED after a rename exempts nothing)", () => {
    const names = new Set(sources.map((file) => file.path));
    expect([...NOT_YET_CONVERTED].filter((name) => !names.has(`components/${name}`))).toEqual([]);
  });

  it.each(components.map((file) => [file.path, file.text]))("%s shows no literal English", (path, text) => {
    expect(literalText(text), `translate these in ${path}, or list it in NOT_YET_CONVERTED here`).toEqual([]);
  });

  it("the literal-text check finds what it looks for, and only that", () => {
    const found = literalText(`
      export function A({ wide }: { wide: boolean }) {
        const [error, setError] = useState<string | null>(null);
        if (wide) setError("Choose a name.");
        return (
          <div className={wide ? "dialog dialog--wide" : "dialog"}>
            <p>Hello there</p>
            <input placeholder="Find people" aria-label={wide ? "Wide one" : t("start.unlock")} />
            <Confirm facts={["They are not told."]} />
            {wide ? "Nothing yet" : null}
            {kind === "link" && <span className="hidden">{wide && "Shown too"}</span>}
            <p>{t("start.unlock", { count: 2 })}</p>
          </div>
        );
      }`);
    expect(found.sort()).toEqual(
      [
        "Choose a name.",
        "Hello there",
        "Find people",
        "Wide one",
        "They are not told.",
        "Nothing yet",
        "Shown too",
      ].sort(),
    );
  });
});
