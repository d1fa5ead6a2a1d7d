import { parentPort, workerData } from "node:worker_threads";
import { bestBand } from "../../core/screening/band.js";
import { screenName } from "../../core/screening/screen.js";
import type { ScreeningResult } from "../../core/screening/types.js";
import { loadScreeningDataset } from "./dataset.js";
import { resultCsv, resultJson } from "./format.js";

export interface BatchItem {
  line: number;
  name: string;
  country: string | undefined;
}

export interface BatchChunk {
  seq: number;
  items: BatchItem[];
}

export interface BatchChunkResult {
  seq: number;
  text: string;
  match: number;
  review: number;
  clear: number;
  error?: string;
}

/**
 * Results of recent queries: order files repeat the same counterparties many times, and screening is
 * pure, so a repeated (name, country) is answered from memory.
 */
const MEMO_SIZE = 100_000;
const memos = new WeakMap<object, Map<string, ScreeningResult>>();

export function screenChunk(
  index: Parameters<typeof screenName>[0],
  chunk: BatchChunk,
  format: "csv" | "jsonl",
): BatchChunkResult {
  let text = "";
  let match = 0;
  let review = 0;
  let clear = 0;
  let memo = memos.get(index);
  if (!memo) {
    memo = new Map();
    memos.set(index, memo);
  }
  for (const item of chunk.items) {
    const key = `${item.country ?? ""}\u0000${item.name}`;
    let result = memo.get(key);
    if (result) {
      // Re-inserted so the map's insertion order stays least-recently-used first.
      memo.delete(key);
    } else {
      const query =
        item.country === undefined ? { name: item.name } : { name: item.name, country: item.country };
      result = screenName(index, query);
      if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value!);
    }
    memo.set(key, result);
    const band = bestBand(result.hits);
    if (band === null) clear++;
    else if (band === "match") match++;
    else review++;
    text +=
      format === "csv"
        ? resultCsv(item.line, result, item.country)
        : `${JSON.stringify(resultJson(result))}\n`;
  }
  return { seq: chunk.seq, text, match, review, clear };
}

if (parentPort && workerData?.chipgateBatchWorker) {
  const port = parentPort;
  const { dataDir, format } = workerData as { dataDir: string; format: "csv" | "jsonl" };
  const dataset = await loadScreeningDataset({ dataDir });
  port.postMessage({ ready: true });
  port.on("message", (chunk: BatchChunk) => {
    try {
      port.postMessage(screenChunk(dataset.index, chunk, format));
    } catch (e) {
      port.postMessage({ seq: chunk.seq, text: "", match: 0, review: 0, clear: 0, error: String(e) });
    }
  });
}
