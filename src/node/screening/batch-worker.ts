import { parentPort, workerData } from "node:worker_threads";
import { screenName } from "../../core/screening/index.js";
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

export function screenChunk(
  index: Parameters<typeof screenName>[0],
  chunk: BatchChunk,
  format: "csv" | "jsonl",
): BatchChunkResult {
  let text = "";
  let match = 0;
  let review = 0;
  let clear = 0;
  for (const item of chunk.items) {
    const query =
      item.country === undefined ? { name: item.name } : { name: item.name, country: item.country };
    const result = screenName(index, query);
    if (result.hits.length === 0) clear++;
    else if (result.hits[0]!.band === "match") match++;
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
