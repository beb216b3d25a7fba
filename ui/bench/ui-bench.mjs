// UI benchmark (not a test): the demo backend in Debian's Chromium, measured against itself.
//
//   1. First render of the inbox with 100 chats and with 10,000 chats (median of several loads):
//      the ratio is what counts, since absolute times depend on the machine.
//   2. Opening a 50,000-message chat: from the click to the first message on screen.
//   3. Scrolling that chat for a few seconds: frames longer than 1.5 frame budgets count as dropped.
//
// Run: npm run bench (builds the UI, serves it with vite preview on 127.0.0.1:4199).
import { spawn } from "node:child_process";
import { chromium } from "playwright-core";

const PORT = 4199;
const BASE = `http://127.0.0.1:${PORT}/?backend=demo&seed=7&profile=unlocked&quiet=1`;
const LOADS = Number(process.env.ISTHMUS_BENCH_LOADS ?? 5);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/`)).ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the preview server did not start");
}

async function firstInboxRender(browser, chats) {
  const times = [];
  for (let i = 0; i < LOADS; i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${BASE}&chats=${chats}`);
    await page.waitForSelector('[role="option"]');
    times.push(await page.evaluate(() => performance.now()));
    await page.close();
  }
  return median(times);
}

async function bigChat(browser, messages) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${BASE}&big=${messages}`);
  await page.waitForSelector('[role="option"]');
  await page.fill('input[type="search"], input[placeholder^="Search"]', "archive.bot");
  const row = page.locator('[role="option"]', { hasText: "archive.bot" }).first();
  const started = await page.evaluate(() => performance.now());
  await row.click();
  await page.waitForSelector('[role="log"] article');
  const opened = (await page.evaluate(() => performance.now())) - started;
  const frames = await page.evaluate(async () => {
    const log = document.querySelector('[role="log"]');
    const deltas = [];
    let last = performance.now();
    const end = last + 3000;
    await new Promise((resolve) => {
      const step = (now) => {
        deltas.push(now - last);
        last = now;
        log.scrollTop = Math.max(0, log.scrollTop - 120);
        if (now < end) requestAnimationFrame(step);
        else resolve();
      };
      requestAnimationFrame(step);
    });
    const budget = 1000 / 60;
    return { total: deltas.length, dropped: deltas.filter((d) => d > budget * 1.5).length };
  });
  await page.close();
  return { opened, frames };
}

const server = spawn("npx", ["vite", "preview", "--host", "127.0.0.1", "--port", String(PORT), "--strictPort"], {
  stdio: "ignore",
});
try {
  await waitForServer();
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const small = await firstInboxRender(browser, 100);
  const large = await firstInboxRender(browser, 10000);
  const big = await bigChat(browser, 50000);
  await browser.close();
  console.log("UI benchmark (demo backend, Chromium headless)");
  console.log(`inbox first render, 100 chats:     ${small.toFixed(0)} ms (median of ${LOADS})`);
  console.log(`inbox first render, 10,000 chats:  ${large.toFixed(0)} ms (median of ${LOADS})`);
  console.log(`ratio 10,000 / 100:                ${(large / small).toFixed(2)} (goal: within 1.5)`);
  console.log(`open a 50,000-message chat:        ${big.opened.toFixed(0)} ms`);
  console.log(
    `scrolling it for 3 s:              ${big.frames.dropped} of ${big.frames.total} frames dropped (${((100 * big.frames.dropped) / Math.max(1, big.frames.total)).toFixed(1)}%)`,
  );
} finally {
  server.kill();
}
