import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { decide } from "../src/core/decide/decide.js";
import type { TransactionInput } from "../src/core/decide/transaction.js";
import { screenName } from "../src/core/screening/index.js";
import { createDecisionService, type DecisionService } from "../src/node/decision-service.js";
import { loadEngine } from "../src/node/engine.js";
import { loadScreeningDataset } from "../src/node/screening/index.js";
import { openAuditStore } from "../src/store/index.js";
import { fmt, median } from "./stats.js";

const IN_FLIGHT = 50;
const COUNT = 3_000;
const ROUNDS = 3;

const chips = [
  "nvidia-h100-sxm5-80gb",
  "nvidia-h20",
  "nvidia-l40",
  "nvidia-rtx-4090",
  "nvidia-a800-sxm4-80gb",
];
const destinations = ["CN", "AE", "VN", "DE", "IN", "SG"];
function txn(n: number): TransactionInput {
  return {
    date: ["2023-12-01", "2024-06-01", "2025-06-01", "2026-02-15"][n % 4]!,
    destination: destinations[n % destinations.length]!,
    items: [{ chip: chips[n % chips.length]!, quantity: 1 + (n % 16) }],
    endUser: {
      name: `Order ${n % 997} Cloud Services Ltd`,
      country: destinations[n % destinations.length]!,
      headquarters: "DE",
    },
    exporter: "Example Distribution Inc.",
  };
}

async function timed(count: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < count) await fn(next++);
    }),
  );
  return count / ((performance.now() - start) / 1000);
}

/** Decisions per second with durable audit (decide + screen parties + append), SQLite and PostgreSQL. */
export async function run(): Promise<void> {
  const engine = loadEngine();
  const dataset = await loadScreeningDataset({ dataDir: mkdtempSync(join(tmpdir(), "chipgate-bench-")) });
  const ctx = {
    rules: engine.rules,
    catalog: engine.catalog,
    screen: (q: { name: string; country?: string }) => screenName(dataset.index, q),
    versions: { engine: "bench", ruleData: engine.rules.version, screeningData: dataset.version.hash },
  };
  const baseline = async (i: number) => decide(txn(i), ctx, { asOf: "2024-06-01" });

  const targets: {
    name: string;
    open: () => Promise<{ service: DecisionService; close: () => Promise<void> }>;
  }[] = [
    {
      name: "SQLite (WAL, synchronous=FULL)",
      open: async () => {
        const dir = mkdtempSync(join(tmpdir(), "chipgate-bench-"));
        const store = await openAuditStore({ dataDir: dir });
        return {
          service: createDecisionService({ engine, screening: () => dataset, store }),
          close: async () => {
            await store.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    },
  ];
  const pgUrl = process.env.CHIPGATE_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const schema = `chipgate_bench_${process.pid}`;
  let pgReason: string | undefined;
  try {
    const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    targets.push({
      name: "PostgreSQL",
      open: async () => {
        const url = new URL(pgUrl);
        url.searchParams.set("options", `-c search_path=${schema}`);
        const store = await openAuditStore({ databaseUrl: url.toString() });
        return {
          service: createDecisionService({ engine, screening: () => dataset, store }),
          close: () => store.close(),
        };
      },
    });
  } catch (error) {
    pgReason = (error as Error).message;
  }

  console.log(
    `decisions with durable audit, ${IN_FLIGHT} in flight, ${fmt(COUNT)} per round, median of ${ROUNDS} rounds:`,
  );
  for (const target of targets) {
    const rates: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const base = await timed(COUNT, baseline);
      const { service, close } = await target.open();
      const rate = await timed(COUNT, (i) => service.decide(txn(i), { actor: "bench" }));
      await close();
      rates.push(rate);
      ratios.push(rate / base);
    }
    console.log(
      `  ${target.name}: ${fmt(median(rates))} decisions/s; ${fmt(median(ratios) * 100, 0)}% of decide() alone in the same round`,
    );
  }
  if (pgReason) console.log(`  PostgreSQL: skipped (${pgReason})`);
  else {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    await client.end();
  }
  const base: number[] = [];
  for (let r = 0; r < ROUNDS; r++) base.push(await timed(COUNT, baseline));
  console.log(
    `  baseline decide() alone (classify + screen 1 party + rules, no audit): ${fmt(median(base))} decisions/s`,
  );
}
