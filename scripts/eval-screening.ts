import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_MATCH_THRESHOLD, DEFAULT_REVIEW_THRESHOLD } from "../src/core/screening/index.js";
import { packageRoot } from "../src/node/package-info.js";
import { loadScreeningDataset } from "../src/node/screening/index.js";
import { type EvalReport, evaluate, readEvalSet } from "./eval-screening-lib.js";

/** Runs the labelled dev set and prints precision/recall/F1, per variant kind, and the negatives flagged. */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = join(packageRoot, "test", "fixtures", "screening", "eval-dev.csv");
  const dataset = await loadScreeningDataset({ dataDir: join(packageRoot, ".no-imported-data") });
  const report = evaluate(dataset.index, readEvalSet(file));
  if (args.includes("--json")) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    print(report, args.includes("--misses"));
  }
  if (args.includes("--write-baseline")) {
    const baseline = {
      identityRecall: report.identity.recall,
      reviewRecall: report.review.recall,
      negativesFlaggedShare: report.negatives.flaggedShare,
      precision: report.overall.precision,
    };
    const out = join(packageRoot, "test", "fixtures", "screening", "eval-baseline.json");
    writeFileSync(out, `${JSON.stringify(baseline, null, 2)}\n`);
    process.stdout.write(`baseline written to ${out}\n`);
  }
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function print(r: EvalReport, misses: boolean): void {
  const out: string[] = [];
  out.push(`Screening evaluation (dev set, bundled list)`);
  out.push(
    `overall: precision ${r.overall.precision.toFixed(3)}  recall ${r.overall.recall.toFixed(3)}  F1 ${r.overall.f1.toFixed(3)}  (TP ${r.overall.tp}, FP ${r.overall.fp}, FN ${r.overall.fn}; ${r.wrongParty} positives hit only another party)`,
  );
  out.push(
    `true-identity positives: recall ${r.identity.recall.toFixed(3)} (${r.identity.n} rows; at match band ${r.identity.recallAtMatch.toFixed(3)})   target >= 0.97`,
  );
  out.push(
    `strict-reading review positives (reported separately): recall ${r.review.recall.toFixed(3)} (${r.review.n} rows)`,
  );
  out.push(
    `negatives flagged at review or above: ${r.negatives.flagged}/${r.negatives.n} = ${pct(r.negatives.flaggedShare)} (at match band: ${r.negatives.flaggedAtMatch})   target <= 3%`,
  );
  out.push(`mean time per query: ${r.msPerQuery} ms`);
  out.push("");
  out.push("per variant_kind:");
  for (const k of r.perKind) {
    const label =
      k.group === "negative"
        ? `flagged ${k.hits}/${k.n}`
        : `recall ${(k.hits / k.n).toFixed(3)} (${k.hits}/${k.n})`;
    out.push(`  ${k.group.padEnd(8)} ${k.kind.padEnd(26)} ${label}`);
    if (misses) for (const m of k.misses) out.push(`      - ${m}`);
  }
  if (misses) {
    out.push("");
    out.push(
      `score distribution (identity: expected party's score; negatives: best score), review >= ${DEFAULT_REVIEW_THRESHOLD}, match >= ${DEFAULT_MATCH_THRESHOLD}:`,
    );
    for (const b of r.distributions.bins) {
      const label = b.from === 0 ? "< 0.30" : `${b.from.toFixed(2)}+`;
      out.push(
        `  ${label.padEnd(7)} identity ${String(b.identity).padStart(4)} ${"#".repeat(Math.ceil(b.identity / 4)).padEnd(40)} negatives ${String(b.negatives).padStart(3)} ${"#".repeat(b.negatives)}`,
      );
    }
  }
  process.stdout.write(`${out.join("\n")}\n`);
}

await main();
