import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** The head row as stored: seq, hash and time of the last record. */
export interface HeadRow {
  seq: number;
  hash: string;
  recorded_at: string;
}

export type CommitResult = { ok: true } | { ok: false; head: HeadRow };

/**
 * The writing connection of the SQLite trail, on its own thread. better-sqlite3 commits synchronously and
 * synchronous=FULL makes every COMMIT wait for an fsync of the WAL; on the server's thread that wait would stop
 * every other request. Here it stops only this thread, so the next batch of decisions is prepared while the
 * previous one is being flushed.
 *
 * The thread runs SQL only: the caller seals the records against the head it expects, and the thread writes
 * them inside one IMMEDIATE transaction only if the head row still is that head (another process may have
 * appended meanwhile); otherwise it writes nothing and returns the head it found, and the caller seals again.
 * Reading and moving the head inside one write-locked transaction is what keeps one chain across processes.
 *
 * The thread's code is a plain script (eval) so that it runs the same from the TypeScript sources under test
 * and from dist/.
 */
const WRITER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.betterSqlite3);
let db;
let commit;
try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma("busy_timeout = 10000");
  db.pragma("synchronous = FULL");
  const selectHead = db.prepare("SELECT seq, hash, recorded_at FROM audit_head WHERE id = 1");
  const insert = db.prepare(workerData.insertSql);
  const moveHead = db.prepare("UPDATE audit_head SET seq = ?, hash = ?, recorded_at = ? WHERE id = 1");
  commit = db.transaction((expected, rows, next) => {
    const head = selectHead.get();
    if (!head) throw new Error("the audit_head row is missing");
    if (head.seq !== expected.seq || head.hash !== expected.hash) return { ok: false, head };
    for (const row of rows) insert.run(row);
    moveHead.run(next.seq, next.hash, next.recorded_at);
    return { ok: true };
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
    parentPort.postMessage({ id: m.id, result: commit.immediate(m.expected, m.rows, m.next) });
  } catch (error) {
    parentPort.postMessage({ id: m.id, error: String(error && error.message || error) });
  }
});
`;

const betterSqlite3 = createRequire(import.meta.url).resolve("better-sqlite3");

interface Pending {
  resolve: (r: CommitResult) => void;
  reject: (e: Error) => void;
}

export interface SqliteWriter {
  /**
   * Writes `rows` (parameter arrays of `insertSql`) and moves the head to `next`, in one IMMEDIATE
   * transaction, if the head is `expected`; resolves after COMMIT (durable with synchronous=FULL).
   */
  commit(expected: HeadRow, rows: unknown[][], next: HeadRow): Promise<CommitResult>;
  /** Rejects once the thread failed; the store starts a new one for the next append. */
  readonly failed: boolean;
  close(): Promise<void>;
}

/** Starts the writing thread on `file` (which must exist and be migrated). */
export function startSqliteWriter(file: string, insertSql: string): Promise<SqliteWriter> {
  const worker = new Worker(WRITER_SOURCE, {
    eval: true,
    workerData: { file, insertSql, betterSqlite3 },
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
      worker.on("message", (msg: { id: number; result?: CommitResult; error?: string }) => {
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
        commit(expected, rows, next) {
          if (failed || closing) return Promise.reject(new Error("the SQLite writer thread is not running"));
          return new Promise<CommitResult>((res, rej) => {
            const id = nextId++;
            pending.set(id, { resolve: res, reject: rej });
            worker.ref();
            worker.postMessage({ id, expected, rows, next });
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
