import { Worker } from "node:worker_threads";

const LABEL_BYTES = 1024;

/**
 * Catches a wedge in work that runs on this thread: a timer here cannot fire while the event loop is blocked,
 * so a thread of its own watches. `run(label, fn)` arms it for one case; if the case is still running after
 * `ms`, the watchdog writes the case's label to standard error and kills this test process, so the suite
 * fails at once, naming the input, instead of hanging until CI gives up.
 */
export function watchdog(ms: number): {
  run<T>(label: string, fn: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
} {
  // [0]: generation (moved at each arm and disarm), [1]: armed, [2]: label length; then the label's bytes.
  const shared = new SharedArrayBuffer(12 + LABEL_BYTES);
  const state = new Int32Array(shared, 0, 3);
  const label = new Uint8Array(shared, 12, LABEL_BYTES);
  const worker = new Worker(
    `
const { workerData } = require("node:worker_threads");
const { writeSync } = require("node:fs");
const state = new Int32Array(workerData.shared, 0, 3);
const label = new Uint8Array(workerData.shared, 12, ${LABEL_BYTES});
let seen = -1;
let since = Date.now();
setInterval(() => {
  const generation = Atomics.load(state, 0);
  if (generation !== seen) {
    seen = generation;
    since = Date.now();
    return;
  }
  if (Atomics.load(state, 1) === 1 && Date.now() - since > workerData.ms) {
    const text = Buffer.from(label.slice(0, Atomics.load(state, 2))).toString("utf8");
    writeSync(2, "\\nfuzz watchdog: no answer within " + workerData.ms + " ms (a wedge) for: " + text + "\\n");
    process.kill(process.pid, "SIGKILL");
  }
}, 100);
`,
    { eval: true, workerData: { shared, ms } },
  );
  worker.unref();
  return {
    async run(text, fn) {
      const bytes = new TextEncoder().encode(text).slice(0, LABEL_BYTES);
      label.set(bytes);
      Atomics.store(state, 2, bytes.length);
      Atomics.add(state, 0, 1);
      Atomics.store(state, 1, 1);
      try {
        return await fn();
      } finally {
        Atomics.store(state, 1, 0);
        Atomics.add(state, 0, 1);
      }
    },
    async stop() {
      await worker.terminate();
    },
  };
}
