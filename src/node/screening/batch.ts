import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import type { Writable } from "node:stream";
import { Worker } from "node:worker_threads";
import { parse } from "csv-parse";
import { ChipGateError } from "../../core/errors.js";
import type { ScreeningOptions } from "../../core/screening/types.js";
import { emptyCsv, unreadableCsv } from "../csv-errors.js";
import { checkBatchRow } from "./batch-row.js";
import { type BatchChunk, type BatchChunkResult, type BatchItem, screenChunk } from "./batch-worker.js";
import { loadScreeningDataset } from "./dataset.js";
import { batchCsvHeader } from "./format.js";

export interface BatchOptions {
  file: string;
  column: string;
  countryColumn?: string;
  /** Output file; its extension (.csv or .jsonl) chooses the format. Without it, results go to `stdout`. */
  out?: string;
  /** Format when writing to `stdout`. */
  format: "csv" | "jsonl";
  dataDir: string;
  /** Screening threads; 0 screens on the calling thread. Default: one per core, at most 4. */
  workers?: number;
  stdout?: Writable;
  onProgress?: (progress: { rows: number; fraction: number }) => void;
  /** Result controls applied to every row (limit, minScore, lists). */
  screening?: ScreeningOptions;
}

export interface BatchSummary {
  /** Rows read (screened or reported as bad). */
  queries: number;
  match: number;
  review: number;
  clear: number;
  /** Bad rows: an empty or over-long name, or a malformed country (see `checkBatchRow`). */
  errors: number;
  elapsedMs: number;
  queriesPerSecond: number;
  output: string;
}

const CHUNK = 256;

function inputError(message: string, path: string): ChipGateError {
  return new ChipGateError("INVALID_INPUT", message, [{ path, message }]);
}

interface Screener {
  submit(chunk: BatchChunk): void;
  close(): Promise<void>;
}

async function startWorkers(
  count: number,
  dataDir: string,
  format: "csv" | "jsonl",
  options: ScreeningOptions,
  onResult: (r: BatchChunkResult) => void,
  onError: (e: Error) => void,
): Promise<Screener> {
  const url = new URL("./batch-worker.js", import.meta.url);
  const workers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Worker>((resolve, reject) => {
          const w = new Worker(url, { workerData: { chipgateBatchWorker: true, dataDir, format, options } });
          w.once("error", reject);
          w.once("message", () => {
            w.off("error", reject);
            w.on("error", onError);
            w.on("message", onResult);
            resolve(w);
          });
        }),
    ),
  );
  let next = 0;
  return {
    submit(chunk) {
      workers[next]!.postMessage(chunk);
      next = (next + 1) % workers.length;
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * Screens every row of a CSV, streaming: rows are read, screened in chunks on worker threads and
 * written in input order, with a bounded number of chunks in flight, so memory does not grow with the
 * file. The output keeps each row's other columns. A bad row (empty or over-long name, malformed country)
 * gets an error line and the run goes on; a missing column or a row that breaks the CSV stops it with its
 * line number.
 */
export async function screenCsvFile(options: BatchOptions): Promise<BatchSummary> {
  const started = performance.now();
  const size = (
    await stat(options.file).catch(() => {
      throw inputError(`${options.file}: no such file`, "file");
    })
  ).size;
  const extension = options.out?.toLowerCase().endsWith(".jsonl")
    ? "jsonl"
    : options.out
      ? "csv"
      : options.format;
  if (options.out && !/\.(csv|jsonl)$/i.test(options.out)) {
    throw inputError(`--out ${options.out}: use a .csv or .jsonl file name`, "out");
  }
  const format = extension;
  const workerCount = options.workers ?? Math.min(4, availableParallelism());

  const out: Writable = options.out ? createWriteStream(options.out) : (options.stdout ?? process.stdout);
  const write = async (text: string): Promise<void> => {
    if (text === "") return;
    if (!out.write(text)) await new Promise<void>((r) => out.once("drain", () => r()));
  };

  let match = 0;
  let review = 0;
  let clear = 0;
  let errors = 0;
  let queries = 0;
  const screening = options.screening ?? {};
  const done = new Map<number, BatchChunkResult>();
  let nextToWrite = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const onResult = (r: BatchChunkResult): void => {
    if (r.error) failure ??= new Error(r.error);
    done.set(r.seq, r);
    wake?.();
  };
  const onError = (e: Error): void => {
    failure ??= e;
    wake?.();
  };

  let screener: Screener;
  if (workerCount > 0) {
    // Each worker loads the index from the data directory's cache (or, when it is missing or stale, builds
    // it at the same time as the others: as fast as building it once here first on a cold cache).
    screener = await startWorkers(workerCount, options.dataDir, format, screening, onResult, onError);
  } else {
    const dataset = await loadScreeningDataset({ dataDir: options.dataDir });
    screener = {
      submit: (chunk) => onResult(screenChunk(dataset.index, chunk, format, screening)),
      close: async () => {},
    };
  }
  const maxInFlight = Math.max(2, workerCount * 4);
  const flush = async (): Promise<void> => {
    for (let r = done.get(nextToWrite); r; r = done.get(nextToWrite)) {
      done.delete(nextToWrite);
      nextToWrite++;
      match += r.match;
      review += r.review;
      clear += r.clear;
      errors += r.errors;
      await write(r.text);
    }
  };
  const waitUntil = async (cond: () => boolean): Promise<void> => {
    // Results that arrived synchronously (no worker threads) are written before any wait.
    await flush();
    while (!cond() && !failure) {
      await new Promise<void>((r) => {
        wake = r;
      });
      wake = undefined;
      await flush();
    }
    if (failure) throw failure;
  };

  let seq = 0;
  let items: BatchItem[] = [];
  const submit = async (): Promise<void> => {
    if (items.length === 0) return;
    await waitUntil(() => seq - nextToWrite < maxInFlight);
    screener.submit({ seq: seq++, items, columns: carried.names });
    items = [];
  };

  const carried: { names: string[]; positions: number[] } = { names: [], positions: [] };
  const source = createReadStream(options.file);
  let bytes = 0;
  source.on("data", (c) => {
    bytes += c.length;
  });
  const parser = source.pipe(
    parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }),
  );
  source.on("error", (e) => parser.destroy(e));
  let nameAt = -1;
  let countryAt = -1;
  let width = 0;
  let prevEnd = 0;
  let lastProgress = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const line = prevEnd + 1;
      prevEnd = info.lines;
      if (nameAt < 0) {
        const header = record.map((h) => h.trim());
        width = header.length;
        nameAt = header.indexOf(options.column);
        if (nameAt < 0) {
          throw inputError(
            `${options.file}: line 1: no column "${options.column}" (columns: ${header.join(", ")}); choose one with --column`,
            "column",
          );
        }
        if (options.countryColumn !== undefined) {
          countryAt = header.indexOf(options.countryColumn);
          if (countryAt < 0) {
            throw inputError(
              `${options.file}: line 1: no column "${options.countryColumn}" (columns: ${header.join(", ")})`,
              "country-column",
            );
          }
        }
        header.forEach((h, i) => {
          if (i !== nameAt && i !== countryAt) {
            carried.names.push(h);
            carried.positions.push(i);
          }
        });
        if (format === "csv") await write(batchCsvHeader(carried));
        continue;
      }
      if (record.length !== width) {
        throw inputError(
          `${options.file}: line ${line}: expected ${width} fields, found ${record.length}`,
          `line ${line}`,
        );
      }
      const input = carried.positions.map((p) => record[p]!);
      const checked = checkBatchRow(record[nameAt]!, countryAt >= 0 ? record[countryAt] : undefined, {
        name: options.column,
        country: options.countryColumn,
      });
      if ("error" in checked)
        items.push({ line, name: record[nameAt]!.trim(), country: undefined, input, error: checked.error });
      else items.push({ line, name: checked.name, country: checked.country, input });
      queries++;
      if (items.length >= CHUNK) await submit();
      if (options.onProgress && queries - lastProgress >= 5000) {
        lastProgress = queries;
        options.onProgress({ rows: queries, fraction: size > 0 ? bytes / size : 1 });
      }
    }
    if (nameAt < 0) throw emptyCsv();
    await submit();
    await waitUntil(() => nextToWrite === seq);
  } catch (e) {
    throw unreadableCsv(e) ?? e;
  } finally {
    await screener.close();
    if (options.out)
      await new Promise<void>((r) => (out as ReturnType<typeof createWriteStream>).end(() => r()));
  }
  const elapsedMs = performance.now() - started;
  return {
    queries,
    match,
    review,
    clear,
    errors,
    elapsedMs: Math.round(elapsedMs),
    queriesPerSecond: Math.round(queries / (elapsedMs / 1000)),
    output: options.out ?? "stdout",
  };
}
