import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { engineVersion } from "../src/node/package-info.js";
import type { AuditEntryInput, AuditStore } from "../src/store/index.js";
import { openPostgresAuditStore, openSqliteAuditStore } from "../src/store/index.js";
import { median } from "./stats.js";

/**
 * Durable audit appends per second, on SQLite and PostgreSQL: one caller awaiting each append in turn, and
 * 50 appends in flight (as a busy server would issue them, so group commit can share one fsync). Beside each,
 * a baseline in this process: a plain single-row INSERT committed on its own with the same durability
 * settings, no chaining, no hashing. The machine is shared and noisy, so each round runs the baseline and
 * both audit modes back to back, and ratios are taken within a round before the median over ROUNDS rounds.
 * The decision itself is not computed here; this measures what recording it costs.
 */
const ROUNDS = 5;
const IN_FLIGHT = 50;

function entry(n: number): AuditEntryInput {
  return {
    kind: "decision",
    actor: `bench:${n % 7}`,
    input: {
      chip: { vendor: "ExampleCo", model: `X${n % 100}`, tpp: 4800 + (n % 50), performanceDensity: 5.9 },
      destination: "DE",
      endUser: { name: "Acme Research GmbH", address: "Musterstrasse 1, Berlin" },
      endUse: "datacenter training",
      asOf: "2025-03-01",
    },
    output: {
      outcome: n % 3 === 0 ? "license-required" : "no-license-required",
      eccn: "3A090.a",
      reasons: [
        {
          code: "EAR.3A090.a",
          citation: "15 CFR 774 Supp. 1, 3A090.a",
          paramsUsed: ["ear.ccl.3a090.a.tpp_min"],
        },
        { code: "EAR.744.23", citation: "15 CFR 744.23(a)", paramsUsed: [] },
      ],
      screening: { matches: [], listVersion: "csl-2025-02-01" },
    },
    outcome: n % 3 === 0 ? "license-required" : "no-license-required",
    versions: { engine: engineVersion, ruleData: "rules-2025-01-15", screeningData: "csl-2025-02-01" },
  };
}

async function rate(count: number, fn: (count: number) => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn(count);
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function sequential(store: AuditStore, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await store.append(entry(i));
}

async function concurrent(store: AuditStore, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await store.append(entry(next++));
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

interface Figures {
  seq: number;
  conc: number;
  base: number;
  seqRatio: number;
  concRatio: number;
}

async function rounds(
  counts: { seq: number; conc: number },
  store: AuditStore,
  baseline: (count: number) => Promise<void>,
): Promise<Figures> {
  const all: Figures[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const base = await rate(counts.seq, baseline);
    const seq = await rate(counts.seq, (n) => sequential(store, n));
    const conc = await rate(counts.conc, (n) => concurrent(store, n));
    all.push({ seq, conc, base, seqRatio: seq / base, concRatio: conc / base });
  }
  const m = (key: keyof Figures) => median(all.map((f) => f[key]));
  return {
    seq: m("seq"),
    conc: m("conc"),
    base: m("base"),
    seqRatio: m("seqRatio"),
    concRatio: m("concRatio"),
  };
}

function report(store: string, figures: Figures, note: string): void {
  const f = (n: number) => `${Math.round(n).toLocaleString("en-US")}/s`.padStart(9);
  const name = store.padEnd(8);
  const lines = [
    `audit ${name}: sequential awaits                 ${f(figures.seq)}  (${figures.seqRatio.toFixed(2)}x baseline)`,
    `audit ${name}: ${IN_FLIGHT} in flight (group commit)      ${f(figures.conc)}  (${figures.concRatio.toFixed(2)}x baseline)`,
    `audit ${name}: baseline plain INSERT, own commit ${f(figures.base)}`,
    `  ${note}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

async function benchSqlite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "chipgate-bench-"));
  try {
    const store = await openSqliteAuditStore({ file: join(dir, "audit.sqlite") });
    const db = new Database(join(dir, "baseline.sqlite"));
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec("CREATE TABLE plain (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    const insert = db.prepare("INSERT INTO plain (body) VALUES (?)");
    const figures = await rounds({ seq: 600, conc: 6000 }, store, async (n) => {
      for (let i = 0; i < n; i++) insert.run(JSON.stringify(entry(i)));
    });
    db.close();
    const verifyStart = Date.now();
    const verified = await store.verify();
    const verifyMs = Date.now() - verifyStart;
    await store.close();
    report(
      "sqlite",
      figures,
      `verify walked ${verified.checked} records (ok=${verified.ok}) in ${verifyMs} ms`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(): Promise<void> {
  const url =
    process.env.CHIPGATE_BENCH_DATABASE_URL ??
    process.env.DATABASE_URL ??
    "postgres://postgres@127.0.0.1:5432/test";
  const admin = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    process.stdout.write(`audit postgres: SKIPPED, no server at ${url}: ${(error as Error).message}\n`);
    await admin.end().catch(() => {});
    return;
  }
  const schema = `chipgate_bench_${process.pid}_${Date.now()}`;
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
    const u = new URL(url);
    u.searchParams.set("options", `-c search_path=${schema}`);
    const store = await openPostgresAuditStore({ databaseUrl: u.toString() });
    await admin.query(`CREATE TABLE ${schema}.plain (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)`);
    const figures = await rounds({ seq: 300, conc: 3000 }, store, async (n) => {
      for (let i = 0; i < n; i++) {
        await admin.query(`INSERT INTO ${schema}.plain (body) VALUES ($1)`, [JSON.stringify(entry(i))]);
      }
    });
    const verified = await store.verify();
    await store.close();
    const sync = (await admin.query<{ synchronous_commit: string }>("SHOW synchronous_commit")).rows[0];
    report(
      "postgres",
      figures,
      `synchronous_commit=${sync?.synchronous_commit}; verify ok=${verified.ok} over ${verified.checked} records`,
    );
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await admin.end();
  }
}

export async function run(): Promise<void> {
  process.stdout.write(`\n== audit trail: durable appends per second (median of ${ROUNDS} rounds) ==\n`);
  await benchSqlite();
  await benchPostgres();
}
