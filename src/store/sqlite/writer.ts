import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import {
  chainEntries,
  type IdentifiedEntry,
  type Placement,
  recordHashTextOf,
} from "../../core/audit/index.js";
import { encodedToParams } from "../common.js";

/** The head row as stored: seq, hash and time of the last record. */
export interface HeadRow {
  seq: number;
  hash: string;
  recorded_at: string;
}

export const SELECT_HEAD = "SELECT seq, hash, recorded_at FROM audit_head WHERE id = 1";

/**
 * The writing connection of the SQLite trail, on its own thread. better-sqlite3 commits synchronously and
 * synchronous=FULL makes every COMMIT wait for an fsync of the WAL; on the server's thread that wait would stop
 * every other request. Here it stops only this thread, so the next batch of decisions is prepared while the
 * previous one is being flushed.
 *
 * The thread also seals: inside one IMMEDIATE transaction it reads the head row, chains and hashes the batch
 * onto it, inserts the records and moves the head. Holding the write lock from reading the head to moving it
 * is what keeps one chain when several processes share the file, and hashing here (from the canonical texts
 * the caller made) keeps that work off the server's thread. `recordedAt` is never earlier than the head's.
 *
 * The thread's code is a plain script (eval) so that it runs the same from the TypeScript sources under test
 * and from dist/; it chains, hashes and lays out rows with the source of the functions the rest of ChipGate
 * uses (`chainEntries`, `recordHashTextOf`, `encodedToParams`), which therefore use nothing outside them.
 */
const WRITER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const Database = require(workerData.betterSqlite3);
const recordHashTextOf = ${recordHashTextOf.toString()};
const chainEntries = ${chainEntries.toString()};
const encodedToParams = ${encodedToParams.toString()};
const sha256 = (text) => createHash("sha256").update(text, "utf8").digest("hex");
let db;
let append;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma("busy_timeout = 10000");
  db.pragma("synchronous = FULL");
  const selectHead = db.prepare(workerData.selectHead);
  const insert = db.prepare(workerData.insertSql);
  const moveHead = db.prepare("UPDATE audit_head SET seq = ?, hash = ?, recorded_at = ? WHERE id = 1");
  append = db.transaction((pending, now) => {
    const head = selectHead.get();
    if (!head) throw new Error("the audit_head row is missing");
    const recordedAt = now < head.recorded_at ? head.recorded_at : now;
    const placed = chainEntries(pending, head, recordedAt, sha256);
    placed.forEach((p, i) => insert.run(encodedToParams(pending[i], p)));
    const last = placed[placed.length - 1];
    moveHead.run(last.seq, last.hash, recordedAt);
    return placed;
  });
  parentPort.postMessage({ ready: true });
} catch (error) {
  parentPort.postMessage({ ready: false, error: String(error && error.message || error) });
}
parentPort.on("message", (m) => {
  if (m.close) {
    if (db) db.close();
    parentPort.postMessage({ closed: true });
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ id: m.id, result: append.immediate(m.pending, m.now) });
  } catch (error) {
    parentPort.postMessage({ id: m.id, error: String(error && error.message || error) });
  }
});
`;

const betterSqlite3 = createRequire(import.meta.url).resolve("better-sqlite3");

interface Pending {
  resolve: (r: Placement[]) => void;
  reject: (e: Error) => void;
}

export interface SqliteWriter {
  /**
   * Chains `pending` onto the head, in order, and writes the records in one IMMEDIATE transaction, stamped
   * `now` (or the head's time if later); resolves after COMMIT (durable with synchronous=FULL).
   */
  append(pending: IdentifiedEntry[], now: string): Promise<Placement[]>;
  /** Rejects once the thread failed; the store starts a new one for the next append. */
  readonly failed: boolean;
  close(): Promise<void>;
}

/** Starts the writing thread on `file` (which must exist and be migrated). */
export function startSqliteWriter(file: string, insertSql: string): Promise<SqliteWriter> {
  const worker = new Worker(WRITER_SOURCE, {
    eval: true,
    workerData: { file, insertSql, selectHead: SELECT_HEAD, betterSqlite3 },
  });
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let failed = false;
  let closing: Promise<void> | undefined;
  const fail = (error: Error) => {
    failed = true;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  return new Promise<SqliteWriter>((resolve, reject) => {
    const onStartError = (error: Error) => reject(error);
    worker.once("error", onStartError);
    worker.once("message", (m: { ready: boolean; error?: string }) => {
      worker.off("error", onStartError);
      if (!m.ready) {
        void worker.terminate();
        reject(new Error(m.error));
        return;
      }
      worker.on("error", fail);
      worker.on("exit", (code) => {
        if (!closing) fail(new Error(`the SQLite writer thread exited (code ${code})`));
      });
      worker.on("message", (msg: { id: number; result?: Placement[]; error?: string }) => {
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        if (pending.size === 0) worker.unref();
        if (msg.error !== undefined) p.reject(new Error(msg.error));
        else p.resolve(msg.result!);
      });
      // The thread keeps the process alive only while a commit is in flight, as a synchronous write would.
      worker.unref();
      resolve({
        get failed() {
          return failed;
        },
        append(records, now) {
          if (failed || closing) return Promise.reject(new Error("the SQLite writer thread is not running"));
          return new Promise<Placement[]>((res, rej) => {
            const id = nextId++;
            pending.set(id, { resolve: res, reject: rej });
            worker.ref();
            worker.postMessage({ id, pending: records, now });
          });
        },
        close() {
          closing ??= (async () => {
            if (!failed) {
              worker.ref();
              const closed = new Promise<void>((r) => {
                worker.on("message", (msg: { closed?: boolean }) => {
                  if (msg.closed) r();
                });
                worker.once("exit", () => r());
              });
              worker.postMessage({ close: true });
              await closed;
            }
            await worker.terminate();
          })();
          return closing;
        },
      });
    });
  });
}
