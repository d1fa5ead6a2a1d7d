import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluate, readEvalSet } from "../../scripts/eval-screening-lib.js";
import { loadScreeningDataset } from "../../src/node/screening/index.js";

const fixtures = join(import.meta.dirname, "..", "fixtures", "screening");

describe("screening quality on the dev set", () => {
  it("is no worse than the committed baseline", async () => {
    const baseline = JSON.parse(readFileSync(join(fixtures, "eval-baseline.json"), "utf8")) as {
      identityRecall: number;
      reviewRecall: number;
      negativesFlaggedShare: number;
    };
    const dataset = await loadScreeningDataset({ dataDir: join(fixtures, "no-imported-data") });
    const report = evaluate(dataset.index, readEvalSet(join(fixtures, "eval-dev.csv")));
    expect(report.identity.recall).toBeGreaterThanOrEqual(baseline.identityRecall);
    expect(report.review.recall).toBeGreaterThanOrEqual(baseline.reviewRecall);
    expect(report.negatives.flaggedShare).toBeLessThanOrEqual(baseline.negativesFlaggedShare);
  }, 60_000);
});
