import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { AuditRecord, AuditStore } from "../../src/store/index.js";
import { openPostgresAuditStore, openSqliteAuditStore, sqliteAuditFile } from "../../src/store/index.js";

export type StoreName = "sqlite" | "postgres";

/** Stores named in STORES (default both), as Kysely's DIALECTS picks dialects. */
export const selectedStores: StoreName[] = (process.env.STORES ?? "sqlite,postgres")
  .split(",")
  .map((s) => s.trim())
  .filter((s): s is StoreName => s === "sqlite" || s === "postgres");

export const testDatabaseUrl =
  process.env.CHIPGATE_TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Raw access to the database behind a store, as someone with the file or a database login has. */
export interface Attacker {
  /** Runs SQL written with `?` placeholders. */
  run(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Removes the append-only triggers, as an attacker with owner rights can. */
  dropGuards(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreFixture {
  store: AuditStore;
  /** What a child process passes to openAuditStore to reach the same trail. */
  openArgs: { dataDir?: string; databaseUrl?: string };
  reopen(): Promise<AuditStore>;
  attacker(): Promise<Attacker>;
  /** Closes everything opened through the fixture and removes the trail. */
  cleanup(): Promise<void>;
}

export interface StoreTarget {
  name: StoreName;
  /** Why this store's tests cannot run here, or undefined when they can. */
  skipReason(): Promise<string | undefined>;
  create(): Promise<StoreFixture>;
}

export const sqliteTarget: StoreTarget = {
  name: "sqlite",
  async skipReason() {
    return undefined;
  },
  async create() {
    const dataDir = mkdtempSync(join(tmpdir(), "chipgate-audit-"));
    const file = sqliteAuditFile(dataDir);
    const opened: AuditStore[] = [];
    const attackers: Attacker[] = [];
    const open = async () => {
      const store = await openSqliteAuditStore({ file });
      opened.push(store);
      return store;
    };
    return {
      store: await open(),
      openArgs: { dataDir },
      reopen: open,
      async attacker() {
        const db = new Database(file);
        const attacker: Attacker = {
          async run(sql, params = []) {
            const stmt = db.prepare(sql);
            if (stmt.reader) return stmt.all(...params) as Record<string, unknown>[];
            stmt.run(...params);
            return [];
          },
          async dropGuards() {
            db.exec(`DROP TRIGGER audit_records_no_update; DROP TRIGGER audit_records_no_delete;
              DROP TRIGGER audit_head_forward_only; DROP TRIGGER audit_head_no_delete;`);
          },
          async close() {
            if (db.open) db.close();
          },
        };
        attackers.push(attacker);
        return attacker;
      },
      async cleanup() {
        for (const a of attackers) await a.close();
        for (const s of opened) await s.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

/** The URL with `search_path` set to `schema`, so every table the store creates lands there. */
export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("options", `-c search_path=${schema}`);
  return parsed.toString();
}

let pgReason: Promise<string | undefined> | undefined;

export const postgresTarget: StoreTarget = {
  name: "postgres",
  skipReason() {
    pgReason ??= (async () => {
      const client = new pg.Client({ connectionString: testDatabaseUrl, connectionTimeoutMillis: 3000 });
      try {
        await client.connect();
        await client.query("SELECT 1");
        return undefined;
      } catch (error) {
        return `PostgreSQL not reachable at ${testDatabaseUrl} (set CHIPGATE_TEST_DATABASE_URL): ${
          error instanceof Error ? error.message || error.name : String(error)
        }`;
      } finally {
        await client.end().catch(() => {});
      }
    })();
    return pgReason;
  },
  async create() {
    const schema = `chipgate_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const databaseUrl = withSearchPath(testDatabaseUrl, schema);
    const opened: AuditStore[] = [];
    const attackers: Attacker[] = [];
    const open = async () => {
      const store = await openPostgresAuditStore({ databaseUrl });
      opened.push(store);
      return store;
    };
    return {
      store: await open(),
      openArgs: { databaseUrl },
      reopen: open,
      async attacker() {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        const attacker: Attacker = {
          async run(sql, params = []) {
            let n = 0;
            return (
              await client.query(
                sql.replace(/\?/g, () => `$${++n}`),
                params,
              )
            ).rows;
          },
          async dropGuards() {
            await client.query("ALTER TABLE audit_records DISABLE TRIGGER USER");
            await client.query("ALTER TABLE audit_head DISABLE TRIGGER USER");
          },
          async close() {
            await client.end().catch(() => {});
          },
        };
        attackers.push(attacker);
        return attacker;
      },
      async cleanup() {
        for (const a of attackers) await a.close();
        for (const s of opened) await s.close();
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      },
    };
  },
};

export const targets: StoreTarget[] = [sqliteTarget, postgresTarget].filter((t) =>
  selectedStores.includes(t.name),
);

export function decision(n: number, overrides: { actor?: string; outcome?: string } = {}) {
  const outcome = overrides.outcome ?? (n % 3 === 0 ? "license-required" : "no-license-required");
  return {
    kind: "decision" as const,
    actor: overrides.actor ?? `user-${n % 2}`,
    input: { chip: `chip-${n}`, destination: "DE", endUser: { name: "Acme GmbH", n } },
    output: { outcome, reasons: [{ code: "EAR.3A090", note: "ü €" }] },
    outcome,
    versions: { engine: "0.1.0", ruleData: "rules-2025-01-15", screeningData: "csl-2025-02-01" },
  };
}

/** Column values of a stored record, in the order `insert` below expects. */
export function rowValues(r: AuditRecord): unknown[] {
  return [
    r.seq,
    r.id,
    r.recordedAt,
    r.kind,
    r.actor,
    r.outcome ?? null,
    JSON.stringify(r.input),
    JSON.stringify(r.output),
    r.versions.engine,
    r.versions.ruleData,
    r.versions.screeningData,
    r.prevHash,
    r.hash,
  ];
}

export const INSERT_ROW = `INSERT INTO audit_records (seq, id, recorded_at, kind, actor, outcome, input_json, output_json,
  engine_version, rule_data_version, screening_data_version, prev_hash, hash) VALUES (${Array(13).fill("?").join(", ")})`;
