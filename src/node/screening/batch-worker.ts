import { parentPort, workerData } from "node:worker_threads";
import { screenName } from "../../core/screening/screen.js";
import type { ScreeningOptions } from "../../core/screening/types.js";
import { loadScreeningDataset } from "./dataset.js";
import { type BatchRow, batchRowCsv, batchRowJson, screenedJson } from "./format.js";

export interface BatchItem {
  line: number;
  name: string;
  country: string | undefined;
  /** The input's other columns (see `CarriedColumns`). */
  input: string[];
  /** Why the row is not screened (see `checkBatchRow`). */
  error?: string;
}

export interface BatchChunk {
  seq: number;
  items: BatchItem[];
  /** Names of the carried input columns, for JSON Lines output. */
  columns: string[];
}

export interface BatchChunkResult {
  seq: number;
  text: string;
  match: number;
  review: number;
  clear: number;
  errors: number;
  error?: string;
}

/**
 * Results of recent queries: order files repeat the same counterparties many times, and screening is
 * pure, so a repeated (name, country) is answered from memory.
 */
const MEMO_SIZE = 100_000;
const memos = new WeakMap<object, Map<string, ReturnType<typeof screenedJson>>>();

export function screenChunk(
  index: Parameters<typeof screenName>[0],
  chunk: BatchChunk,
  format: "csv" | "jsonl",
  options: ScreeningOptions = {},
): BatchChunkResult {
  let text = "";
  const counts = { match: 0, review: 0, clear: 0, errors: 0 };
  let memo = memos.get(index);
  if (!memo) {
    memo = new Map();
    memos.set(index, memo);
  }
  const carried = { names: chunk.columns, positions: [] };
  // Results depend on the options too (a process may run batches with different ones).
  const optionsKey = JSON.stringify(options);
  for (const item of chunk.items) {
    const row: BatchRow = { line: item.line, name: item.name, country: item.country, input: item.input };
    if (item.error !== undefined) {
      row.error = item.error;
      counts.errors++;
    } else {
      const key = `${optionsKey}\u0000${item.country ?? ""}\u0000${item.name}`;
      let result = memo.get(key);
      if (result) {
        // Re-inserted so the map's insertion order stays least-recently-used first.
        memo.delete(key);
      } else {
        const query =
          item.country === undefined ? { name: item.name } : { name: item.name, country: item.country };
        result = screenedJson(screenName(index, query, options));
        if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value!);
      }
      memo.set(key, result);
      counts[result.band]++;
      row.result = result;
    }
    text += format === "csv" ? batchRowCsv(row) : batchRowJson(row, carried);
  }
  return { seq: chunk.seq, text, ...counts };
}

if (parentPort && workerData?.chipgateBatchWorker) {
  const port = parentPort;
  const { dataDir, format, options } = workerData as {
    dataDir: string;
    format: "csv" | "jsonl";
    options: ScreeningOptions;
  };
  const dataset = await loadScreeningDataset({ dataDir });
  port.postMessage({ ready: true });
  port.on("message", (chunk: BatchChunk) => {
    try {
      port.postMessage(screenChunk(dataset.index, chunk, format, options));
    } catch (e) {
      port.postMessage({
        seq: chunk.seq,
        text: "",
        match: 0,
        review: 0,
        clear: 0,
        errors: 0,
        error: String(e),
      });
    }
  });
}
