import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { classify } from "../src/core/classify/classify.js";
import { computeTpp } from "../src/core/classify/tpp.js";
import { loadEngine } from "../src/node/engine.js";
import { packageRoot } from "../src/node/package-info.js";
import { fmt, median } from "./stats.js";

const DATES = ["2023-06-01", "2023-12-01", "2024-06-01", "2025-02-01", "2025-06-01", "2026-02-15"];

function perSecond(fn: () => void, n: number): number {
  const start = performance.now();
  for (let i = 0; i < n; i++) fn();
  return n / ((performance.now() - start) / 1000);
}

/** Classifications per second in-process, and the CLI's cold start for `classify --chip`. */
export async function run(): Promise<void> {
  const { rules, catalog } = loadEngine();
  const specs = catalog.map((c) => c.spec);
  let i = 0;
  const classifyOne = () => {
    const spec = specs[i % specs.length]!;
    classify(spec, rules, { asOf: DATES[i % DATES.length]! });
    i++;
  };
  // Baseline in the same process: the TPP arithmetic alone, no rule walk or explanations.
  const tppOnly = () => {
    computeTpp(specs[i % specs.length]!, rules.bitLength);
    i++;
  };
  perSecond(classifyOne, 20_000); // warm-up
  const rounds = 5;
  const rates: number[] = [];
  const baseline: number[] = [];
  for (let r = 0; r < rounds; r++) {
    rates.push(perSecond(classifyOne, 50_000));
    baseline.push(perSecond(tppOnly, 200_000));
  }
  const rate = median(rates);
  console.log(`classify (in-process, 79 catalog chips x 6 dates, both modes + TF32 check per call):`);
  console.log(`  median ${fmt(rate)} classifications/s over ${rounds} rounds of 50,000`);
  console.log(
    `  baseline TPP arithmetic only: ${fmt(median(baseline))} /s; full classification costs ${fmt(median(baseline) / rate, 1)}x the arithmetic`,
  );

  const bin = join(packageRoot, "bin/chipgate");
  const time = (args: string[]) => {
    const start = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
    return performance.now() - start;
  };
  const cold: number[] = [];
  const bare: number[] = [];
  for (let r = 0; r < 7; r++) {
    cold.push(time([bin, "classify", "--chip", "nvidia-h100-sxm5-80gb", "--date", "2024-06-01"]));
    bare.push(time(["-e", "0"]));
  }
  console.log(
    `CLI cold start, \`chipgate classify --chip nvidia-h100-sxm5-80gb\`: median ${fmt(median(cold))} ms over 7 runs`,
  );
  console.log(
    `  baseline \`node -e 0\`: median ${fmt(median(bare))} ms; ratio ${fmt(median(cold) / median(bare), 1)}x`,
  );
}
