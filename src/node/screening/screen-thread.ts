import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ScreeningOptions, ScreeningQuery } from "../../core/screening/types.js";

/** One query screened on the thread: the hash of the list it used, and the answer as JSON text. */
export interface ThreadAnswer {
  hash: string;
  json: string;
}

/**
 * A second thread that holds its own copy of the screening list and index and screens names for the
 * server, so that scoring a name never seen runs beside the HTTP work instead of after it.
 */
export interface ScreenThread {
  /** Undefined while the thread is loading a list or after it failed: the caller screens the name itself. */
  screen(query: ScreeningQuery, options?: ScreeningOptions): Promise<ThreadAnswer | undefined>;
  /** Loads the list now in force in the data directory (after an import). */
  reload(): void;
  close(): Promise<void>;
}

type Reply = { id: number; hash?: string; json?: string; error?: string } | { loaded: string | null };

/**
 * Starts the thread on the list in `dataDir` (as `loadScreeningDataset` finds it). Resolves at once; the
 * thread answers once its list is loaded. Under the TypeScript sources (tests in-process) there is no
 * compiled worker, and the result is undefined: the server then screens on its own thread.
 */
export function startScreenThread(dataDir: string): ScreenThread | undefined {
  const url = new URL("./screen-thread-worker.js", import.meta.url);
  if (!existsSync(fileURLToPath(url))) return undefined;
  const worker = new Worker(url, { workerData: { chipgateScreenThread: true, dataDir } });
  worker.unref();
  const pending = new Map<number, (a: ThreadAnswer | undefined) => void>();
  let nextId = 0;
  let ready = false;
  let failed = false;
  const settleAll = (): void => {
    for (const resolve of pending.values()) resolve(undefined);
    pending.clear();
  };
  worker.on("message", (m: Reply) => {
    if ("loaded" in m) {
      ready = m.loaded !== null;
      return;
    }
    const resolve = pending.get(m.id);
    if (!resolve) return;
    pending.delete(m.id);
    if (pending.size === 0) worker.unref();
    resolve(m.error === undefined ? { hash: m.hash!, json: m.json! } : undefined);
  });
  worker.on("error", () => {
    failed = true;
    settleAll();
  });
  worker.on("exit", () => {
    failed = true;
    settleAll();
  });
  return {
    screen(query, options = {}) {
      if (!ready || failed) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        worker.ref();
        worker.postMessage({ id, query, options });
      });
    },
    reload() {
      if (failed) return;
      ready = false;
      worker.postMessage({ reload: true });
    },
    async close() {
      failed = true;
      settleAll();
      await worker.terminate();
    },
  };
}
