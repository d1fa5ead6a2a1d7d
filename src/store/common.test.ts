import { describe, expect, it } from "vitest";
import { GroupCommitQueue, OneAtATime, recordId, redactUrl } from "./common.js";

describe("GroupCommitQueue", () => {
  it("writes items enqueued in one tick as one batch and resolves none before the write finished", async () => {
    const batches: number[][] = [];
    let committed = false;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const queue = new GroupCommitQueue<number, string>(async (items) => {
      batches.push(items);
      await gate;
      committed = true;
      return items.map((i) => `r${i}`);
    });
    const settled: string[] = [];
    const promises = [1, 2, 3].map((i) =>
      queue.enqueue(i).then((r) => {
        expect(committed).toBe(true);
        settled.push(r);
      }),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(batches).toEqual([[1, 2, 3]]);
    expect(settled).toEqual([]);
    // Arrivals during a write wait for the next batch.
    const late = queue.enqueue(4);
    release();
    await Promise.all(promises);
    expect(await late).toBe("r4");
    expect(batches).toEqual([[1, 2, 3], [4]]);
    expect(settled).toEqual(["r1", "r2", "r3"]);
  });

  it("rejects every item of a failed batch and goes on with the next", async () => {
    let fail = true;
    const queue = new GroupCommitQueue<number, number>((items) => {
      if (fail) throw new Error("disk full");
      return items;
    });
    const failed = [queue.enqueue(1), queue.enqueue(2)].map((p) => p.catch((e: Error) => e.message));
    expect(await Promise.all(failed)).toEqual(["disk full", "disk full"]);
    fail = false;
    expect(await queue.enqueue(3)).toBe(3);
    await queue.drain();
  });

  it("with maxInFlight 2, hands the next batch to write before the first settled, and drains both", async () => {
    const started: number[][] = [];
    const gates: (() => void)[] = [];
    const queue = new GroupCommitQueue<number, number>(
      async (items) => {
        started.push(items);
        await new Promise<void>((r) => gates.push(r));
        return items;
      },
      256,
      2,
    );
    const first = queue.enqueue(1);
    await new Promise((r) => setTimeout(r, 10));
    const second = queue.enqueue(2);
    const third = queue.enqueue(3);
    await new Promise((r) => setTimeout(r, 10));
    // Two batches in flight: the first, and the two items enqueued while it was being written.
    expect(started).toEqual([[1], [2, 3]]);
    let drained = false;
    const drain = queue.drain().then(() => {
      drained = true;
    });
    gates[1]!();
    expect(await Promise.all([second, third])).toEqual([2, 3]);
    expect(drained).toBe(false);
    gates[0]!();
    expect(await first).toBe(1);
    await drain;
    expect(drained).toBe(true);
  });

  it("drain resolves when a batch enqueued during a write settles at once (two in flight)", async () => {
    let drained: Promise<void> | undefined;
    const queue = new GroupCommitQueue<number, number>(
      async (items) => {
        if (!drained) {
          void queue.enqueue(99);
          drained = queue.drain();
        }
        return items;
      },
      256,
      2,
    );
    expect(await queue.enqueue(1)).toBe(1);
    const timeout = new Promise<string>((r) => setTimeout(() => r("timed out"), 2_000));
    expect(await Promise.race([drained!.then(() => "drained"), timeout])).toBe("drained");
  });

  it("splits large bursts into batches of at most maxBatch", async () => {
    const sizes: number[] = [];
    const queue = new GroupCommitQueue<number, number>((items) => {
      sizes.push(items.length);
      return items;
    }, 10);
    await Promise.all(Array.from({ length: 25 }, (_, i) => queue.enqueue(i)));
    expect(sizes).toEqual([10, 10, 5]);
  });
});

describe("recordId", () => {
  it("is a UUID version 7: the time in milliseconds, then random bits, so later ids sort later", () => {
    const id = recordId(0x0123456789ab);
    expect(id).toMatch(/^01234567-89ab-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(recordId(0x0123456789ab)).not.toBe(id);
    const ids = [
      Date.parse("2025-01-01T00:00:00Z"),
      Date.parse("2025-01-01T00:00:00.001Z"),
      Date.parse("2031-05-05T00:00:00Z"),
    ].map(recordId);
    expect([...ids].sort()).toEqual(ids);
    expect(() => recordId(Number.NaN)).toThrow(RangeError);
    expect(() => recordId(-1)).toThrow(RangeError);
  });
});

describe("redactUrl", () => {
  it("hides the password", () => {
    expect(redactUrl("postgres://u:s3cret@h:5432/db")).toBe("postgres://u:***@h:5432/db");
    expect(redactUrl("postgres://u@h/db")).toBe("postgres://u@h/db");
  });
});

describe("OneAtATime", () => {
  it("runs one at a time; callers that wait together share the next run, which starts after they came", async () => {
    const runner = new OneAtATime<number>();
    let running = 0;
    let most = 0;
    let runs = 0;
    const gates: (() => void)[] = [];
    const work = () =>
      new Promise<number>((resolve) => {
        running++;
        most = Math.max(most, running);
        const run = ++runs;
        gates.push(() => {
          running--;
          resolve(run);
        });
      });
    const first = runner.run("", work);
    await new Promise((r) => setImmediate(r));
    expect(runs).toBe(1);
    // Three arrive while the first runs: they wait, and share one run after it.
    const waiting = [runner.run("", work), runner.run("", work), runner.run("", work)];
    // Another key waits its turn too, but is not merged with them.
    const other = runner.run("anchors", work);
    await new Promise((r) => setImmediate(r));
    expect(runs).toBe(1);
    gates.shift()!();
    expect(await first).toBe(1);
    await new Promise((r) => setImmediate(r));
    gates.shift()!();
    expect(await Promise.all(waiting)).toEqual([2, 2, 2]);
    await new Promise((r) => setImmediate(r));
    gates.shift()!();
    expect(await other).toBe(3);
    expect(most).toBe(1);
  });
});
