// Makes the current screenshots (from `npm run test:visual`) the baseline: copies
// visual/current/*.png to visual/baseline/ and, after a run over every story, drops baseline
// screenshots no longer taken.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const visual = fileURLToPath(new URL(".", import.meta.url));
const current = join(visual, "current");
const baseline = join(visual, "baseline");
if (!existsSync(current)) {
  console.error("visual:accept: no visual/current/ — run npm run test:visual first");
  process.exit(1);
}
mkdirSync(baseline, { recursive: true });
const shots = readdirSync(current).filter((name) => name.endsWith(".png"));
for (const name of shots) copyFileSync(join(current, name), join(baseline, name));
// Only a run over every story knows which screenshots are gone (a --filter run took a few).
const complete = existsSync(join(current, ".complete"));
const stale = complete ? readdirSync(baseline).filter((name) => name.endsWith(".png") && !shots.includes(name)) : [];
for (const name of stale) rmSync(join(baseline, name));
console.log(
  `visual:accept: ${shots.length} screenshots are the baseline now${stale.length ? `, ${stale.length} old ones removed` : ""}`,
);
