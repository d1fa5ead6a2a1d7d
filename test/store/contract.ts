import { afterEach, beforeAll, describe, expect, it, type TestContext } from "vitest";
import {
  canonicalText,
  computeRecordHash,
  GENESIS_HASH,
  recordHashText,
} from "../../src/core/audit/index.js";
import { ChipGateError } from "../../src/core/errors.js";
import { sha256 } from "../../src/store/common.js";
import type { AuditRecord, AuditStore } from "../../src/store/index.js";
import {
  type Attacker,
  decision,
  INSERT_ROW,
  rowValues,
  type StoreFixture,
  type StoreTarget,
} from "./harness.js";

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function appendSequentially(store: AuditStore, n: number, from = 1): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  for (let i = from; i < from + n; i++) records.push(await store.append(decision(i)));
  return records;
}

/**
 * The one contract every AuditStore adapter passes. When a store cannot run here, each test is reported as
 * skipped with the reason; nothing is counted as passed.
 */
export function describeStore(target: StoreTarget): void {
  describe(`AuditStore contract: ${target.name}`, () => {
    let skipReason: string | undefined;
    let fixtures: StoreFixture[] = [];

    beforeAll(async () => {
      skipReason = await target.skipReason();
      if (skipReason) console.warn(`[${target.name}] contract suite skipped: ${skipReason}`);
    });

    afterEach(async () => {
      for (const f of fixtures) await f.cleanup();
      fixtures = [];
    });

    async function fresh(ctx: TestContext): Promise<StoreFixture> {
      if (skipReason) ctx.skip(skipReason);
      const f = await target.create();
      fixtures.push(f);
      return f;
    }

    async function tampered(
      ctx: TestContext,
      n: number,
    ): Promise<{ store: AuditStore; records: AuditRecord[]; attacker: Attacker }> {
      const f = await fresh(ctx);
      const records = await appendSequentially(f.store, n);
      expect((await f.store.verify()).ok).toBe(true);
      const attacker = await f.attacker();
      await attacker.dropGuards();
      return { store: f.store, records, attacker };
    }

    describe("append and read", () => {
      it("chains each record to the previous one and reads it back unchanged", async (ctx) => {
        const { store } = await fresh(ctx);
        const records = await appendSequentially(store, 3);
        expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
        expect(records[0]!.prevHash).toBe(GENESIS_HASH);
        expect(records[1]!.prevHash).toBe(records[0]!.hash);
        expect(records[2]!.prevHash).toBe(records[1]!.hash);
        for (const r of records) {
          expect(r.hash).toBe(computeRecordHash(r, sha256));
          expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
          // A version 7 id starts with the time it was made, in milliseconds: not after the record's time (which
          // is raised to the previous record's when a clock steps back).
          const made = Number.parseInt(r.id.replace("-", "").slice(0, 12), 16);
          expect(made).toBeLessThanOrEqual(Date.parse(r.recordedAt));
          expect(made).toBeGreaterThan(Date.parse(r.recordedAt) - 60_000);
          expect(r.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
          expect(await store.get(r.id)).toEqual(r);
        }
        expect(records[1]).toMatchObject({ ...decision(2), kind: "decision" });
        expect(await store.get("00000000-0000-4000-8000-000000000000")).toBeUndefined();
        expect(await store.head()).toEqual({ seq: 3, hash: records[2]!.hash });
      });

      it("stores exactly what it hashed: undefined members dropped, no outcome when none given", async (ctx) => {
        const { store } = await fresh(ctx);
        const { outcome: _o, ...withoutOutcome } = decision(1);
        const record = await store.append({
          ...withoutOutcome,
          input: { a: 1, b: undefined, when: new Date(0) },
        });
        expect(record.input).toEqual({ a: 1, when: "1970-01-01T00:00:00.000Z" });
        expect("outcome" in record).toBe(false);
        expect(await store.get(record.id)).toEqual(record);
        expect(recordHashText((await store.get(record.id))!)).toBe(recordHashText(record));
      });

      it("rejects an invalid entry with INVALID_INPUT and writes nothing", async (ctx) => {
        const { store } = await fresh(ctx);
        const bad = { ...decision(1), actor: "", output: { x: Number.NaN } };
        await expect(store.append(bad)).rejects.toMatchObject({ code: "INVALID_INPUT" });
        await expect(store.append(bad)).rejects.toThrow(/actor[\s\S]*output\.x/);
        expect(await store.head()).toEqual({ seq: 0, hash: GENESIS_HASH });
        expect((await store.list()).records).toEqual([]);
      });

      it("appends entries given as canonical texts into the same chain, stored and hashed as given", async (ctx) => {
        const { store } = await fresh(ctx);
        const { input, output, ...fields } = decision(2);
        const [first, placed, third] = await Promise.all([
          store.append(decision(1)),
          store.appendEncoded({ ...fields, input: canonicalText(input), output: canonicalText(output) }),
          store.append(decision(3)),
        ]);
        expect([first!.seq, placed!.seq, third!.seq]).toEqual([1, 2, 3]);
        expect(placed!.prevHash).toBe(first!.hash);
        expect(third!.prevHash).toBe(placed!.hash);
        const stored = (await store.get(placed!.id))!;
        expect(stored).toEqual({ ...decision(2), ...placed });
        expect(computeRecordHash(stored, sha256)).toBe(placed!.hash);
        expect(await store.verify()).toMatchObject({ ok: true, checked: 3 });
      });

      it("rejects an encoded entry whose texts were not made by canonicalText, and writes nothing", async (ctx) => {
        const { store } = await fresh(ctx);
        const { input: _i, output: _o, ...fields } = decision(1);
        // Look-alikes: a JSON fragment that would splice keys into the hashed text, and a non-canonical text.
        const bad = {
          ...fields,
          actor: "",
          input: { text: '1,"kind":"forged"' },
          output: Object.freeze({ text: '{"b":1,"a":2}' }),
        };
        await expect(store.appendEncoded(bad)).rejects.toMatchObject({ code: "INVALID_INPUT" });
        await expect(store.appendEncoded(bad)).rejects.toThrow(/actor[\s\S]*input[\s\S]*output/);
        expect(await store.head()).toEqual({ seq: 0, hash: GENESIS_HASH });
      });

      it("rejects an actor or outcome that text columns cannot hold as given (a lone surrogate)", async (ctx) => {
        const { store } = await fresh(ctx);
        await expect(store.append(decision(1, { actor: "alice\uD800" }))).rejects.toThrow(
          /actor.*lone surrogate/,
        );
        await expect(store.append(decision(1, { outcome: "\uDC00x" }))).rejects.toThrow(
          /outcome.*lone surrogate/,
        );
        // In input and output it is kept, written as an escape, and the record verifies.
        const record = await store.append({
          ...decision(2),
          input: { name: "x\uD800" },
          actor: "bob \u{1F600}",
        });
        expect((await store.get(record.id))!.input).toEqual({ name: "x\uD800" });
        expect(await store.verify()).toMatchObject({ ok: true, checked: 1 });
      });

      it("gives appends made at once distinct seqs in one valid chain (group commit)", async (ctx) => {
        const { store } = await fresh(ctx);
        const records = await Promise.all(
          Array.from({ length: 300 }, (_, i) => store.append(decision(i + 1))),
        );
        expect(new Set(records.map((r) => r.seq)).size).toBe(300);
        expect(records.map((r) => r.seq).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 300 }, (_, i) => i + 1),
        );
        expect(await store.verify()).toMatchObject({ ok: true, checked: 300 });
      });

      it("keeps the trail across close and reopen, and goes on chaining", async (ctx) => {
        const f = await fresh(ctx);
        const before = await appendSequentially(f.store, 3);
        await f.store.close();
        await expect(f.store.append(decision(9))).rejects.toBeInstanceOf(ChipGateError);
        const again = await f.reopen();
        expect(await again.get(before[2]!.id)).toEqual(before[2]);
        const next = await again.append(decision(4));
        expect(next).toMatchObject({ seq: 4, prevHash: before[2]!.hash });
        expect(await again.verify()).toMatchObject({ ok: true, checked: 4 });
      });

      it("pings", async (ctx) => {
        const { store } = await fresh(ctx);
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });

    describe("list", () => {
      it("filters by actor and outcome and pages with a cursor in both orders", async (ctx) => {
        const { store } = await fresh(ctx);
        const all = await appendSequentially(store, 25);
        const byActor = all.filter((r) => r.actor === "user-1");
        const pages: AuditRecord[][] = [];
        let cursor: string | undefined;
        do {
          const page = await store.list({ actor: "user-1", limit: 4, ...(cursor ? { cursor } : {}) });
          pages.push(page.records);
          cursor = page.nextCursor;
        } while (cursor);
        expect(pages.flat()).toEqual(byActor);
        expect(pages.map((p) => p.length)).toEqual([4, 4, 4, 1]);

        const required = await store.list({ outcome: "license-required", order: "desc", limit: 1000 });
        expect(required.records.map((r) => r.seq)).toEqual(
          all
            .filter((r) => r.outcome === "license-required")
            .map((r) => r.seq)
            .reverse(),
        );
        expect(required.nextCursor).toBeUndefined();

        const first = await store.list({ order: "desc", limit: 2 });
        const second = await store.list({ order: "desc", limit: 2, cursor: first.nextCursor! });
        expect([...first.records, ...second.records].map((r) => r.seq)).toEqual([25, 24, 23, 22]);
        expect((await store.list({ limit: 25 })).nextCursor).toBeUndefined();
        expect((await store.list({ actor: "nobody" })).records).toEqual([]);
      });

      it("filters by time, from inclusive and to exclusive", async (ctx) => {
        const { store } = await fresh(ctx);
        const early = await appendSequentially(store, 3);
        await new Promise((r) => setTimeout(r, 15));
        const late = await appendSequentially(store, 3, 4);
        const boundary = late[0]!.recordedAt;
        expect(boundary > early[2]!.recordedAt).toBe(true);
        expect((await store.list({ from: boundary })).records).toEqual(late);
        expect((await store.list({ to: boundary })).records).toEqual(early);
        expect((await store.list({ from: "2000-01-01", to: "2000-01-02" })).records).toEqual([]);
        expect(await collect(store.stream({ from: boundary }))).toEqual(late);
      });

      it("rejects bad filters naming the field", async (ctx) => {
        const { store } = await fresh(ctx);
        await expect(store.list({ from: "last tuesday" })).rejects.toThrow(/from: .*ISO 8601/);
        await expect(store.list({ to: "2025-02-30" })).rejects.toMatchObject({ code: "INVALID_INPUT" });
        await expect(store.list({ limit: 0 })).rejects.toThrow(/limit/);
        await expect(store.list({ cursor: "bogus" })).rejects.toThrow(/cursor/);
        await expect(collect(store.stream({ from: "nope" }))).rejects.toMatchObject({
          code: "INVALID_INPUT",
        });
      });
    });

    describe("stream", () => {
      it("runs verifications one at a time: those that wait together share one walk", async (ctx) => {
        const { store } = await fresh(ctx);
        await appendSequentially(store, 30);
        const results = await Promise.all(Array.from({ length: 20 }, () => store.verify()));
        for (const r of results) expect(r).toMatchObject({ ok: true, checked: 30 });
        // Asked together, they are answered by one walk of the trail (the same result), not twenty.
        expect(new Set(results).size).toBe(1);
        await appendSequentially(store, 1, 31);
        expect(await store.verify()).toMatchObject({ ok: true, checked: 31 });
      });

      it("yields every record once in seq order across chunk boundaries", async (ctx) => {
        const { store } = await fresh(ctx);
        for (let i = 0; i < 6; i++) {
          await Promise.all(Array.from({ length: 200 }, (_, j) => store.append(decision(i * 200 + j))));
        }
        const seqs = (await collect(store.stream())).map((r) => r.seq);
        expect(seqs).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
        expect(await store.verify()).toMatchObject({ ok: true, checked: 1200 });
      });
    });

    describe("append-only guards", () => {
      it("rejects UPDATE, DELETE and moving the head backwards while the triggers are in place", async (ctx) => {
        const f = await fresh(ctx);
        await appendSequentially(f.store, 2);
        const db = await f.attacker();
        await expect(db.run("UPDATE audit_records SET actor = 'x' WHERE seq = 1")).rejects.toThrow(
          /append-only/,
        );
        await expect(db.run("DELETE FROM audit_records WHERE seq = 2")).rejects.toThrow(/append-only/);
        await expect(db.run("UPDATE audit_head SET seq = 1 WHERE id = 1")).rejects.toThrow(/forward/);
        await expect(db.run("DELETE FROM audit_head")).rejects.toThrow();
        expect(await f.store.verify()).toMatchObject({ ok: true, checked: 2 });
      });
    });

    describe("tamper detection (triggers dropped, as by someone with owner rights)", () => {
      it("edit: names the edited record", async (ctx) => {
        const { store, records, attacker } = await tampered(ctx, 10);
        await attacker.run("UPDATE audit_records SET outcome = 'no-license-required' WHERE seq = 6");
        expect(await store.verify()).toMatchObject({
          ok: false,
          checked: 5,
          firstBad: { seq: 6, id: records[5]!.id, reason: "hash-mismatch" },
        });
      });

      it("edit inside input JSON: names the edited record", async (ctx) => {
        const { store, records, attacker } = await tampered(ctx, 5);
        const forged = JSON.stringify({ ...(records[1]!.input as object), destination: "US" });
        await attacker.run("UPDATE audit_records SET input_json = ? WHERE seq = 2", [forged]);
        expect((await store.verify()).firstBad).toMatchObject({ seq: 2, reason: "hash-mismatch" });
      });

      it("a value forged in place, with a duplicate key, reordered keys or whitespace: non-canonical", async (ctx) => {
        const { store, records, attacker } = await tampered(ctx, 6);
        const stored = async (seq: number) =>
          String(
            (await attacker.run("SELECT input_json FROM audit_records WHERE seq = ?", [seq]))[0]!.input_json,
          );
        // JSON.parse keeps the last of two equal keys, so this text still parses to the hashed value, while a
        // query reading the column (or another JSON reader) may take the first: "US".
        const forged = `{"destination":"US",${(await stored(2)).slice(1)}`;
        await attacker.run("UPDATE audit_records SET input_json = ? WHERE seq = 2", [forged]);
        expect(await store.verify()).toMatchObject({
          ok: false,
          checked: 1,
          firstBad: { seq: 2, id: records[1]!.id, reason: "non-canonical" },
        });
        await attacker.run("UPDATE audit_records SET input_json = ? WHERE seq = 2", [
          JSON.stringify(records[1]!.input),
        ]);
        expect((await store.verify()).ok).toBe(true);
        const input = records[3]!.input as Record<string, unknown>;
        const reordered = JSON.stringify(Object.fromEntries(Object.entries(input).reverse()));
        await attacker.run("UPDATE audit_records SET input_json = ? WHERE seq = 4", [reordered]);
        expect((await store.verify()).firstBad).toMatchObject({ seq: 4, reason: "non-canonical" });
        await attacker.run("UPDATE audit_records SET input_json = ? WHERE seq = 4", [
          JSON.stringify(input, null, 1),
        ]);
        expect((await store.verify()).firstBad).toMatchObject({ seq: 4, reason: "non-canonical" });
      });

      it("edit with the hash recomputed: names the next record", async (ctx) => {
        const { store, records, attacker } = await tampered(ctx, 10);
        const edited = { ...records[3]!, actor: "mallory" };
        await attacker.run("UPDATE audit_records SET actor = ?, hash = ? WHERE seq = 4", [
          "mallory",
          computeRecordHash(edited, sha256),
        ]);
        expect((await store.verify()).firstBad).toMatchObject({
          seq: 5,
          id: records[4]!.id,
          reason: "broken-link",
        });
      });

      it("delete: names the record after the gap", async (ctx) => {
        const { store, records, attacker } = await tampered(ctx, 10);
        await attacker.run("DELETE FROM audit_records WHERE seq = 4");
        expect(await store.verify()).toMatchObject({
          ok: false,
          checked: 3,
          firstBad: { seq: 5, id: records[4]!.id, reason: "seq-gap" },
        });
      });

      it("delete and renumber the rest: names the first renumbered record", async (ctx) => {
        const { store, records, attacker } = await tampered(ctx, 10);
        await attacker.run("DELETE FROM audit_records WHERE seq = 4");
        await attacker.run("UPDATE audit_records SET seq = -seq WHERE seq > 4");
        await attacker.run("UPDATE audit_records SET seq = -seq - 1 WHERE seq < 0");
        expect((await store.verify()).firstBad).toMatchObject({
          seq: 4,
          id: records[4]!.id,
          reason: "broken-link",
        });
      });

      it("insert a forged row in the middle: the record after it no longer links to it", async (ctx) => {
        const { store, records, attacker } = await tampered(ctx, 10);
        await attacker.run("UPDATE audit_records SET seq = -seq WHERE seq > 5");
        await attacker.run("UPDATE audit_records SET seq = -seq + 1 WHERE seq < 0");
        const { hash: _h, ...body } = { ...records[5]!, id: "forged-1", seq: 6, prevHash: records[4]!.hash };
        const forged = { ...body, hash: computeRecordHash(body, sha256) };
        await attacker.run(INSERT_ROW, rowValues(forged));
        expect((await store.verify()).firstBad).toMatchObject({
          seq: 7,
          id: records[5]!.id,
          reason: "broken-link",
        });
      });

      it("insert a forged row at the end: a bad hash, or a good hash past the head row", async (ctx) => {
        const { store, records, attacker } = await tampered(ctx, 5);
        const { hash: _h, ...body } = { ...records[4]!, id: "forged-2", seq: 6, prevHash: records[4]!.hash };
        await attacker.run(INSERT_ROW, rowValues({ ...body, hash: "e".repeat(64) }));
        expect((await store.verify()).firstBad).toMatchObject({
          seq: 6,
          id: "forged-2",
          reason: "hash-mismatch",
        });
        await attacker.run("DELETE FROM audit_records WHERE seq = 6");
        await attacker.run(INSERT_ROW, rowValues({ ...body, hash: computeRecordHash(body, sha256) }));
        expect((await store.verify()).firstBad).toMatchObject({ seq: 6, reason: "beyond-head" });
      });

      it("swap two records: names the first moved record", async (ctx) => {
        const { store, records, attacker } = await tampered(ctx, 10);
        await attacker.run("UPDATE audit_records SET seq = -3 WHERE seq = 3");
        await attacker.run("UPDATE audit_records SET seq = 3 WHERE seq = 7");
        await attacker.run("UPDATE audit_records SET seq = 7 WHERE seq = -3");
        expect((await store.verify()).firstBad).toMatchObject({
          seq: 3,
          id: records[6]!.id,
          reason: "broken-link",
        });
      });

      it("truncate the tail: detected by the head row; a rewound head row needs an outside anchor", async (ctx) => {
        const { store, records, attacker } = await tampered(ctx, 10);
        const anchor = (await store.verify()).head!;
        expect(anchor).toEqual({ seq: 10, hash: records[9]!.hash });
        await attacker.run("DELETE FROM audit_records WHERE seq > 7");
        expect(await store.verify()).toMatchObject({
          ok: false,
          checked: 7,
          firstBad: { seq: 8, id: null, reason: "truncated" },
        });
        // An attacker who also rewinds the head row leaves a valid, shorter chain: only a copy of an earlier
        // head kept outside the database tells.
        await attacker.run("UPDATE audit_head SET seq = 7, hash = ? WHERE id = 1", [records[6]!.hash]);
        expect(await store.verify()).toMatchObject({ ok: true, checked: 7 });
        expect((await store.verify({ anchors: [anchor] })).firstBad).toMatchObject({
          seq: 10,
          reason: "truncated",
        });
      });

      it("truncate everything, or remove the head row: detected", async (ctx) => {
        const { store, attacker } = await tampered(ctx, 3);
        await attacker.run("DELETE FROM audit_records");
        expect((await store.verify()).firstBad).toMatchObject({ seq: 1, reason: "truncated" });
        await attacker.run("DELETE FROM audit_head");
        expect((await store.verify()).firstBad).toMatchObject({ reason: "truncated" });
      });
    });
  });
}
