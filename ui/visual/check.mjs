// The visual check: builds the static Storybook, opens every story in Debian's Chromium, fails on
// console errors, page errors and stories that do not render, and screenshots every full-screen
// story (title "Screens/…", and the Design/Tokens page) in the light and the dark theme into visual/current/. Screenshots
// that differ from visual/baseline/ (or are new) are reported, never failed:
// visual/report.md and visual/report.html show them; `npm run visual:accept` makes them the baseline.
//
//   node visual/check.mjs [--no-build] [--filter <text>]
import { spawnSync } from "node:child_process";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "@playwright/test";
import pixelmatch from "pixelmatch";
import { PNG } from "pngjs";

const ui = fileURLToPath(new URL("..", import.meta.url));
const staticDir = join(ui, "storybook-static");
const currentDir = join(ui, "visual", "current");
const baselineDir = join(ui, "visual", "baseline");
const diffDir = join(ui, "visual", "diff");
const args = process.argv.slice(2);
const filter = args.includes("--filter") ? (args[args.indexOf("--filter") + 1] ?? "") : "";
const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

// 1. The static Storybook.
if (!args.includes("--no-build")) {
  console.log("visual: building the static Storybook…");
  const build = spawnSync("npx", ["storybook", "build", "-o", "storybook-static", "--quiet"], {
    cwd: ui,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: "1" },
  });
  if (build.status !== 0) {
    console.error("visual: the Storybook build failed");
    console.log("0 passed, 1 failed");
    process.exit(1);
  }
  console.log(`visual: built (${seconds()})`);
}

// 2. Served on loopback.
const types = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};
const server = createServer((request, response) => {
  const path = normalize(decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname)).replace(
    /^(\.\.[/\\])+/,
    "",
  );
  if (path === "/favicon.ico") {
    response.writeHead(204).end();
    return;
  }
  let file = join(staticDir, path);
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
  if (!file.startsWith(staticDir) || !existsSync(file)) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
  createReadStream(file).pipe(response);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const index = JSON.parse(readFileSync(join(staticDir, "index.json"), "utf8"));
const stories = Object.values(index.entries)
  .filter((entry) => entry.type === "story")
  .filter((entry) => filter === "" || entry.id.includes(filter) || entry.title.includes(filter));
// Full screens, and the tokens page (so a changed token shows up even where no screen uses it).
const isScreen = (story) => story.title.startsWith("Screens/") || story.title.startsWith("Design/");
const isPage = (story) => story.title.startsWith("Design/");

// 3. Every story in Chromium.
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--font-render-hinting=none",
  ],
});
const context = await browser.newContext({
  viewport: { width: 1280, height: 800 },
  deviceScaleFactor: 1,
  locale: "en-GB",
  timezoneId: "UTC",
  reducedMotion: "reduce",
  colorScheme: "light",
});
const page = await context.newPage();
let problems = [];
page.on("console", (message) => {
  if (message.type() === "error") problems.push(`console error: ${message.text()} (${message.location().url})`);
});
page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));

const STILL =
  "*, *::before, *::after { animation: none !important; transition: none !important; caret-color: transparent !important; }";

/** Waits until the story has rendered (and played) and the page has stopped changing. */
async function settle() {
  const phase = await page
    .waitForFunction(
      () => {
        const render = window.__STORYBOOK_PREVIEW__?.currentRender;
        const phase = render?.phase;
        return phase === "finished" || phase === "errored" || phase === "aborted" ? phase : false;
      },
      null,
      { timeout: 15_000, polling: 50 },
    )
    .then((handle) => handle.jsonValue())
    .catch(() => "timeout");
  if (phase !== "finished") return `the story did not render (${phase})`;
  if (await page.evaluate(() => document.body.classList.contains("sb-show-errordisplay"))) {
    const text = await page
      .locator("#error-message")
      .textContent()
      .catch(() => "");
    return `the story threw: ${text}`;
  }
  // Quiet for 300 ms: data loaded, lists measured.
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        let timer = setTimeout(done, 300);
        const observer = new MutationObserver(() => {
          clearTimeout(timer);
          timer = setTimeout(done, 300);
        });
        const limit = setTimeout(done, 4000);
        function done() {
          observer.disconnect();
          clearTimeout(limit);
          resolve(undefined);
        }
        observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      }),
  );
  const empty = await page.evaluate(() => {
    const root = document.getElementById("storybook-root");
    return (!root || root.childElementCount === 0) && document.querySelectorAll("dialog[open]").length === 0;
  });
  return empty ? "the story rendered nothing" : null;
}

rmSync(currentDir, { recursive: true, force: true });
rmSync(diffDir, { recursive: true, force: true });
mkdirSync(currentDir, { recursive: true });
const failed = [];
const shots = [];
for (const story of stories) {
  const themes = isScreen(story) ? ["light", "dark"] : ["light"];
  for (const theme of themes) {
    problems = [];
    await page.goto(`${base}/iframe.html?id=${story.id}&viewMode=story&globals=theme:${theme}`, { waitUntil: "load" });
    await page.addStyleTag({ content: STILL });
    const trouble = await settle();
    if (trouble) problems.push(trouble);
    if (problems.length > 0) {
      failed.push({ story: `${story.title} › ${story.name} (${theme})`, problems: [...new Set(problems)] });
      continue;
    }
    if (isScreen(story)) {
      const name = `${story.id}--${theme}.png`;
      await page.screenshot({
        path: join(currentDir, name),
        animations: "disabled",
        caret: "hide",
        fullPage: isPage(story),
      });
      shots.push(name);
    }
  }
}
await browser.close();
server.close();

// A run over every story may also retire baseline screenshots no longer taken (visual:accept).
if (filter === "") writeFileSync(join(currentDir, ".complete"), "every story\n");

// 4. Compared with the baseline: reported, not failed.
const changed = [];
const added = [];
mkdirSync(diffDir, { recursive: true });
for (const name of shots) {
  const baseline = join(baselineDir, name);
  if (!existsSync(baseline)) {
    added.push(name);
    continue;
  }
  const now = readFileSync(join(currentDir, name));
  const before = readFileSync(baseline);
  if (now.equals(before)) continue;
  const a = PNG.sync.read(before);
  const b = PNG.sync.read(now);
  if (a.width !== b.width || a.height !== b.height) {
    changed.push({ name, pixels: "size changed" });
    continue;
  }
  const diff = new PNG({ width: a.width, height: a.height });
  const pixels = pixelmatch(a.data, b.data, diff.data, a.width, a.height, { threshold: 0.1 });
  if (pixels === 0) continue;
  writeFileSync(join(diffDir, name), PNG.sync.write(diff));
  changed.push({ name, pixels: `${pixels} pixels` });
}
const removed =
  existsSync(baselineDir) && filter === ""
    ? readdirSync(baselineDir).filter((name) => name.endsWith(".png") && !shots.includes(name))
    : [];

const rel = (path) => relative(join(ui, "visual"), path);
const md = [
  "# Visual check",
  "",
  `${stories.length} stories, ${shots.length} screenshots; ${changed.length} changed, ${added.length} new, ${removed.length} no longer taken, ${failed.length} failed.`,
  "",
  ...(failed.length ? ["## Failed", "", ...failed.map((f) => `- ${f.story}: ${f.problems.join("; ")}`), ""] : []),
  ...(changed.length
    ? [
        "## Changed (baseline → current → diff)",
        "",
        ...changed.map((c) => `- ${c.name} (${c.pixels}): baseline/${c.name} → current/${c.name} → diff/${c.name}`),
        "",
      ]
    : []),
  ...(added.length ? ["## New", "", ...added.map((name) => `- current/${name}`), ""] : []),
  ...(removed.length ? ["## No longer taken", "", ...removed.map((name) => `- baseline/${name}`), ""] : []),
  "Accept the current screenshots as the baseline with `npm run visual:accept`.",
  "",
].join("\n");
writeFileSync(join(ui, "visual", "report.md"), md);
const esc = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const img = (path) => `<a href="${esc(path)}"><img src="${esc(path)}" loading="lazy" width="420"></a>`;
const html = `<!doctype html><meta charset="utf-8"><title>Isthmus visual check</title>
<style>body{font:14px system-ui,sans-serif;margin:24px}figure{display:inline-block;margin:0 12px 12px 0}img{border:1px solid #ccc}h3{margin-bottom:4px}</style>
<h1>Visual check</h1><p>${esc(md.split("\n")[2])}</p>
${failed.length ? `<h2>Failed</h2><ul>${failed.map((f) => `<li>${esc(f.story)}: ${esc(f.problems.join("; "))}</li>`).join("")}</ul>` : ""}
${changed.length ? `<h2>Changed</h2>${changed.map((c) => `<h3>${esc(c.name)} (${esc(c.pixels)})</h3><figure>${img(`baseline/${c.name}`)}<figcaption>baseline</figcaption></figure><figure>${img(`current/${c.name}`)}<figcaption>current</figcaption></figure>${existsSync(join(diffDir, c.name)) ? `<figure>${img(`diff/${c.name}`)}<figcaption>diff</figcaption></figure>` : ""}`).join("")}` : ""}
${added.length ? `<h2>New</h2>${added.map((name) => `<figure>${img(`current/${name}`)}<figcaption>${esc(name)}</figcaption></figure>`).join("")}` : ""}
${removed.length ? `<h2>No longer taken</h2><ul>${removed.map((name) => `<li>${esc(name)}</li>`).join("")}</ul>` : ""}
<p>Accept with <code>npm run visual:accept</code>.</p>`;
writeFileSync(join(ui, "visual", "report.html"), html);

// 5. The summary.
for (const f of failed) console.log(`FAILED ${f.story}\n  ${f.problems.join("\n  ")}`);
if (changed.length)
  console.log(
    `${changed.length} screenshot${changed.length === 1 ? "" : "s"} changed: ${changed.map((c) => c.name).join(", ")}`,
  );
if (added.length) console.log(`${added.length} new screenshot${added.length === 1 ? "" : "s"}: ${added.join(", ")}`);
if (removed.length)
  console.log(
    `${removed.length} baseline screenshot${removed.length === 1 ? "" : "s"} no longer taken: ${removed.join(", ")}`,
  );
if (changed.length + added.length + removed.length > 0)
  console.log(
    `visual: see ${rel(join(ui, "visual", "report.html"))} (ui/visual/report.html); accept with npm run visual:accept`,
  );
else console.log("visual: every screenshot matches the baseline");
const renderedStories = new Set(stories.map((s) => `${s.title} › ${s.name}`));
const failedStories = new Set(failed.map((f) => f.story.replace(/ \((light|dark)\)$/, "")));
console.log(`visual: ${stories.length} stories, ${shots.length} screenshots in ${seconds()}`);
console.log(`${renderedStories.size - failedStories.size} passed, ${failedStories.size} failed`);
process.exit(failedStories.size > 0 ? 1 : 0);
