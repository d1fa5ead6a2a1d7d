import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AuditStore } from "../../src/store/index.js";
import { startAppender } from "./children.js";
import { decision, type StoreFixture, targets } from "./harness.js";

/**
 * Separate processes against one trail: a process killed with SIGKILL in the middle of a stream of appends
 * must lose no acknowledged record, and concurrent appenders must produce one valid chain.
 */
for (const target of targets) {
  describe(`audit trail across processes: ${target.name}`, () => {
    let skipReason: string | undefined;
    let fixtures: StoreFixture[] = [];
    beforeAll(async () => {
      skipReason = await target.skipReason();
      if (skipReason) console.warn(`[${target.name}] process tests skipped: ${skipReason}`);
    });
    afterEach(async () => {
      for (const f of fixtures) await f.cleanup();
      fixtures = [];
    });

    it("keeps every acknowledged record when the appending process is killed mid-stream", async (ctx) => {
      if (skipReason) ctx.skip(skipReason);
      const f = await target.create();
      fixtures.push(f);
      await f.store.close();
      const acknowledged: { seq: number; id: string }[] = [];
      for (let round = 0; round < 3; round++) {
        // Kill at a different point each round, while 16 appends are in flight.
        const killAfter = 150 + round * 97;
        const appender = startAppender(f.openArgs, "forever", 16, `crash-${round}`, (_ack, all) => {
          if (all.length === killAfter) appender.child.kill("SIGKILL");
        });
        const exit = await appender.exited;
        expect(exit.signal, exit.stderr).toBe("SIGKILL");
        expect(appender.acks.length).toBeGreaterThanOrEqual(killAfter);
        acknowledged.push(...appender.acks);
      }
      const store: AuditStore = await f.reopen();
      for (const ack of acknowledged) {
        expect(await store.get(ack.id), `acknowledged ${ack.id}`).toMatchObject({ seq: ack.seq, id: ack.id });
      }
      const result = await store.verify();
      expect(result.ok, JSON.stringify(result.firstBad)).toBe(true);
      expect(result.checked).toBeGreaterThanOrEqual(Math.max(...acknowledged.map((a) => a.seq)));
      const after = await store.append(decision(1));
      expect(after.seq).toBe(result.checked + 1);
      expect((await store.verify()).ok).toBe(true);
    }, 120_000);

    it("chains appends from four concurrent processes into one valid trail", async (ctx) => {
      if (skipReason) ctx.skip(skipReason);
      const f = await target.create();
      fixtures.push(f);
      const perProcess = 150;
      const appenders = Array.from({ length: 4 }, (_, i) =>
        startAppender(f.openArgs, perProcess, 8, `p${i}`),
      );
      // This process appends too, through its own connection(s).
      const own = await Promise.all(Array.from({ length: 50 }, (_, i) => f.store.append(decision(i))));
      const exits = await Promise.all(appenders.map((a) => a.exited));
      for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);
      const total = 4 * perProcess + own.length;
      const ids = [...appenders.flatMap((a) => a.acks.map((x) => x.id)), ...own.map((r) => r.id)];
      expect(new Set(ids).size).toBe(total);
      const result = await f.store.verify();
      expect(result, JSON.stringify(result.firstBad)).toMatchObject({ ok: true, checked: total });
      for (const id of ids) expect(await f.store.get(id)).toBeDefined();
      // The processes really overlapped: their records interleave in the chain.
      const actors: string[] = [];
      for await (const r of f.store.stream()) actors.push(r.actor);
      const switches = actors.filter((a, i) => i > 0 && a !== actors[i - 1]).length;
      expect(switches).toBeGreaterThan(4);
    }, 120_000);
  });
}
