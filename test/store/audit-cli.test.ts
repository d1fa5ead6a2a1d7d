import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { parse } from "csv-parse/sync";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerAuditCommands } from "../../src/cli/audit-commands.js";
import { type AuditRecord, verifyChain } from "../../src/core/audit/index.js";
import { sha256 } from "../../src/store/common.js";
import { decision, postgresTarget, type StoreFixture, selectedStores, sqliteTarget } from "./harness.js";

/** Runs `chipgate audit …` in this process and returns what a shell would see. */
async function chipgate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const program = new Command("chipgate").exitOverride();
  registerAuditCommands(program);
  process.exitCode = 0;
  try {
    await program.parseAsync(args, { from: "user" });
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stdout, stderr };
}

let fixtures: StoreFixture[] = [];
afterEach(async () => {
  for (const f of fixtures) await f.cleanup();
  fixtures = [];
});

async function sqliteTrail(n: number): Promise<{ f: StoreFixture; dataDir: string; records: AuditRecord[] }> {
  const f = await sqliteTarget.create();
  fixtures.push(f);
  const records: AuditRecord[] = [];
  for (let i = 1; i <= n; i++) records.push(await f.store.append(decision(i)));
  return { f, dataDir: f.openArgs.dataDir!, records };
}

describe("chipgate audit verify", () => {
  it("exits 0 on an intact trail and prints its head", async () => {
    const { dataDir, records } = await sqliteTrail(5);
    const r = await chipgate("audit", "verify", "--data-dir", dataDir);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toContain(`audit trail intact: 5 record(s); head 5:${records[4]!.hash}`);
    const json = await chipgate("audit", "verify", "--data-dir", dataDir, "--json");
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, checked: 5, store: { dialect: "sqlite" } });
  });

  it("exits 3 and names the first bad record when the trail was altered", async () => {
    const { f, dataDir, records } = await sqliteTrail(5);
    const db = await f.attacker();
    await db.dropGuards();
    await db.run("UPDATE audit_records SET actor = 'mallory' WHERE seq = 3");
    const r = await chipgate("audit", "verify", "--data-dir", dataDir);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`first bad record seq 3 id ${records[2]!.id}: hash-mismatch`);
    const json = JSON.parse((await chipgate("audit", "verify", "--data-dir", dataDir, "--json")).stdout);
    expect(json).toMatchObject({ ok: false, checked: 2, firstBad: { seq: 3, reason: "hash-mismatch" } });
  });

  it("checks outside anchors and rejects malformed ones", async () => {
    const { dataDir, records } = await sqliteTrail(3);
    const good = await chipgate(
      "audit",
      "verify",
      "--data-dir",
      dataDir,
      "--anchor",
      `2:${records[1]!.hash}`,
    );
    expect(good.code).toBe(0);
    const wrong = await chipgate("audit", "verify", "--data-dir", dataDir, "--anchor", `2:${"a".repeat(64)}`);
    expect(wrong.code).toBe(3);
    expect(wrong.stdout).toContain("anchor-mismatch");
    const bad = await chipgate("audit", "verify", "--data-dir", dataDir, "--anchor", "two");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--anchor");
  });

  it("exits 2 naming --data-dir when there is no trail there", async () => {
    const empty = mkdtempSync(join(tmpdir(), "chipgate-none-"));
    try {
      const r = await chipgate("audit", "verify", "--data-dir", empty);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--data-dir: no audit trail at/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("chipgate audit export", () => {
  it("writes JSON Lines that verify on their own", async () => {
    const { dataDir, records } = await sqliteTrail(4);
    const r = await chipgate("audit", "export", "--data-dir", dataDir, "--format", "jsonl");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    const exported = lines.map((l) => JSON.parse(l) as AuditRecord);
    expect(exported).toEqual(records);
    expect(verifyChain(exported, sha256)).toMatchObject({ ok: true, checked: 4 });
  });

  it("writes CSV with a header and JSON-encoded input and output, to a file with --out", async () => {
    const { dataDir, records } = await sqliteTrail(3);
    const file = join(dataDir, "export.csv");
    const r = await chipgate("audit", "export", "--data-dir", dataDir, "--format", "csv", "--out", file);
    expect(r).toMatchObject({ code: 0, stdout: "" });
    const rows = parse(readFileSync(file, "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3);
    expect(Object.keys(rows[0]!)).toEqual([
      "seq",
      "id",
      "recordedAt",
      "kind",
      "actor",
      "outcome",
      "engineVersion",
      "ruleDataVersion",
      "screeningDataVersion",
      "input",
      "output",
      "prevHash",
      "hash",
    ]);
    expect(rows.map((row) => row.id)).toEqual(records.map((rec) => rec.id));
    expect(JSON.parse(rows[1]!.input!)).toEqual(records[1]!.input);
    expect(JSON.parse(rows[1]!.output!)).toEqual(records[1]!.output);
    expect(rows[2]!.hash).toBe(records[2]!.hash);
  });

  it("limits to --from (inclusive) and --to (exclusive)", async () => {
    const { f, dataDir, records } = await sqliteTrail(2);
    await new Promise((r) => setTimeout(r, 15));
    const later = await f.store.append(decision(3));
    const from = await chipgate(
      "audit",
      "export",
      "--data-dir",
      dataDir,
      "--format",
      "jsonl",
      "--from",
      later.recordedAt,
    );
    expect(
      from.stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).id),
    ).toEqual([later.id]);
    const to = await chipgate(
      "audit",
      "export",
      "--data-dir",
      dataDir,
      "--format",
      "JSONL",
      "--to",
      later.recordedAt,
    );
    expect(
      to.stdout
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l).id),
    ).toEqual(records.map((r) => r.id));
    const none = await chipgate(
      "audit",
      "export",
      "--data-dir",
      dataDir,
      "--format",
      "csv",
      "--to",
      "2001-01-01",
    );
    expect(none.stdout.split("\r\n")).toEqual([expect.stringMatching(/^seq,id,/), ""]);
  });

  it("exits 2 naming the flag and what is accepted for bad input", async () => {
    const { dataDir } = await sqliteTrail(1);
    const cases: [string[], RegExp][] = [
      [["--format", "xml"], /--format: "xml" is not a format; accepted: jsonl, csv/],
      [[], /--format: required; accepted: jsonl, csv/],
      [
        ["--format", "csv", "--from", "yesterday"],
        /--from: "yesterday" is not a date; expected an ISO 8601 date/,
      ],
      [["--format", "csv", "--to", "2025-02-30"], /--to: "2025-02-30" is not a calendar date/],
      [["--format", "csv", "--from", "2025-02-01", "--to", "2025-01-01"], /--to: is earlier than --from/],
    ];
    for (const [args, message] of cases) {
      const r = await chipgate("audit", "export", "--data-dir", dataDir, ...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
    }
  });
});

describe.runIf(selectedStores.includes("postgres"))("chipgate audit against PostgreSQL", () => {
  it("verifies and exports with --database-url and with DATABASE_URL", async (ctx) => {
    const reason = await postgresTarget.skipReason();
    if (reason) {
      console.warn(`[postgres] CLI test skipped: ${reason}`);
      ctx.skip(reason);
    }
    const f = await postgresTarget.create();
    fixtures.push(f);
    const records = [await f.store.append(decision(1)), await f.store.append(decision(2))];
    const url = f.openArgs.databaseUrl!;
    const r = await chipgate("audit", "verify", "--database-url", url, "--json");
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, checked: 2, store: { dialect: "postgres" } });
    vi.stubEnv("DATABASE_URL", url);
    try {
      const e = await chipgate("audit", "export", "--format", "jsonl");
      expect(e.code).toBe(0);
      expect(
        e.stdout
          .trimEnd()
          .split("\n")
          .map((l) => JSON.parse(l)),
      ).toEqual(records);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
