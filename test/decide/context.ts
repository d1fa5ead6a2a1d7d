import { type DecideContext, decide } from "../../src/core/decide/decide.js";
import type { TransactionInput } from "../../src/core/decide/transaction.js";
import { screenName } from "../../src/core/screening/index.js";
import { loadEngine } from "../../src/node/engine.js";
import { loadScreeningDataset } from "../../src/node/screening/index.js";

/** A decision context on the bundled data, loaded once per test file. */
export async function bundledContext(): Promise<DecideContext> {
  const { rules, catalog } = loadEngine();
  const dataset = await loadScreeningDataset({ dataDir: "/nonexistent-chipgate-test-dir", cache: false });
  return {
    rules,
    catalog,
    screen: (q) => screenName(dataset.index, q),
    versions: { engine: "test", ruleData: rules.version, screeningData: dataset.version.hash },
  };
}

export function decideWith(ctx: DecideContext, txn: TransactionInput) {
  return decide(txn, ctx, { asOf: "2024-06-01" });
}
