import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { AuditStore } from "../audit-store.js";
import { openSqliteAuditStore } from "./sqlite-audit-store.js";

const entry = {
  kind: "decision" as const,
  actor: "t",
  input: {},
  output: {},
  versions: { engine: "e", ruleData: "r", screeningData: "s" },
};

let dir: string;
let stores: AuditStore[] = [];
afterEach(async () => {
  for (const s of stores) await s.close();
  stores = [];
  rmSync(dir, { recursive: true, force: true });
});

async function open(now?: () => Date): Promise<{ store: AuditStore; file: string }> {
  const file = join(dir, "nested", "audit.sqlite");
  const store = await openSqliteAuditStore({ file, ...(now ? { now } : {}) });
  stores.push(store);
  return { store, file };
}

describe("SQLite audit store specifics", () => {
  it("creates the directory and puts the file in WAL mode", async () => {
    dir = mkdtempSync(join(tmpdir(), "chipgate-sqlite-"));
    const { store, file } = await open();
    await store.append(entry);
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    } finally {
      raw.close();
    }
  });

  it("never records a time earlier than the previous record's when the clock steps back", async () => {
    dir = mkdtempSync(join(tmpdir(), "chipgate-sqlite-"));
    const times = [new Date("2025-03-01T10:00:00Z"), new Date("2025-03-01T09:00:00Z")];
    const { store } = await open(() => times.shift() ?? new Date("2025-03-01T11:00:00Z"));
    const a = await store.append(entry);
    const b = await store.append(entry);
    const c = await store.append(entry);
    expect([a.recordedAt, b.recordedAt, c.recordedAt]).toEqual([
      "2025-03-01T10:00:00.000Z",
      "2025-03-01T10:00:00.000Z",
      "2025-03-01T11:00:00.000Z",
    ]);
    expect((await store.verify()).ok).toBe(true);
  });

  it("lets two stores on one file (as two processes would) extend one chain", async () => {
    dir = mkdtempSync(join(tmpdir(), "chipgate-sqlite-"));
    const { store: one } = await open();
    const { store: two } = await open();
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).append(entry)));
    expect(await one.verify()).toMatchObject({ ok: true, checked: 40 });
  });
});
