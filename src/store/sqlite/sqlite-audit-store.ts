import Database from "better-sqlite3";
import {
  type ChainHead,
  ChainVerifier,
  checkEncodedEntry,
  type EntryTexts,
  type Placement,
  type VerifyResult,
} from "../../core/audit/index.js";
import { ensurePrivateFile } from "../../node/private-files.js";
import type { AuditStore, ListFilter, ListPage, TimeRange, VerifyOptions } from "../audit-store.js";
import {
  anchorKey,
  appendThrough,
  CHUNK,
  GroupCommitQueue,
  headMissing,
  MAX_BATCH,
  normalizeFilter,
  normalizeRange,
  OneAtATime,
  RECORD_COLUMNS,
  type RecordRow,
  recordId,
  rowToRecord,
  sha256,
  storeError,
  toPage,
  walkStored,
  whereClause,
} from "../common.js";
import { sqliteMigrations } from "./migrations.js";
import { type HeadRow, SELECT_HEAD, type SqliteWriter, startSqliteWriter } from "./writer.js";

type Db = Database.Database;

export interface SqliteAuditStoreOptions {
  /** Path of the database file; its directory is created if missing. */
  file: string;
  /** Clock for `recordedAt`; tests pass a fixed one. */
  now?: () => Date;
}

/**
 * The embedded adapter: one SQLite file in WAL mode with synchronous=FULL, so a commit is on disk (the WAL is
 * fsynced) when better-sqlite3 returns from it. Appends are sealed and committed by a writer thread
 * (writer.ts); reads use this thread's connection. Several processes may share the file: a batch is chained
 * onto the head row read inside its BEGIN IMMEDIATE transaction.
 */
export async function openSqliteAuditStore(options: SqliteAuditStoreOptions): Promise<AuditStore> {
  const { file } = options;
  const now = options.now ?? (() => new Date());
  let db: Db;
  try {
    ensurePrivateFile(file);
    db = openConnection(file, false);
    migrate(db);
  } catch (error) {
    throw storeError(`cannot open the SQLite audit trail at ${file}`, error);
  }

  const selectHead = db.prepare<[], HeadRow>(SELECT_HEAD);
  const selectById = db.prepare<[string], RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM audit_records WHERE id = ?`,
  );
  const insertSql = `INSERT INTO audit_records (${RECORD_COLUMNS}) VALUES (${Array(13).fill("?").join(", ")})`;

  // Appends are sealed and written by a connection on its own thread (see writer.ts), started on the first
  // append, so that waiting for the fsync of one batch does not stop this thread from preparing the next.
  let writer: Promise<SqliteWriter> | undefined;

  const runningWriter = async (): Promise<SqliteWriter> => {
    const seen = writer;
    const current = await seen?.catch(() => undefined);
    if (current && !current.failed) return current;
    // Two batches may be in flight: the first to find the writer gone starts the next, the other takes it.
    if (writer === seen) writer = startSqliteWriter(file, insertSql);
    return writer!;
  };

  const appendBatch = async (entries: EntryTexts[]): Promise<Placement[]> => {
    const w = await runningWriter();
    const at = now();
    return w.append(
      entries.map((entry) => ({ ...entry, id: recordId(at.getTime()) })),
      at.toISOString(),
    );
  };

  // The writer resolves a commit only after COMMIT returned on its thread, and with synchronous=FULL the WAL is
  // fsynced by then, so resolving right after is resolving after durability.
  const queue = new GroupCommitQueue<EntryTexts, Placement>(
    async (entries) => {
      try {
        return await appendBatch(entries);
      } catch (error) {
        throw storeError(`cannot append to the SQLite audit trail at ${file}`, error);
      }
    },
    MAX_BATCH,
    2,
  );
  let closed = false;

  function guard(): void {
    if (closed) throw storeError("the audit store is closed");
  }

  function read<T>(what: string, fn: () => T): T {
    guard();
    try {
      return fn();
    } catch (error) {
      throw storeError(`cannot ${what} the SQLite audit trail at ${file}`, error);
    }
  }

  const verifications = new OneAtATime<VerifyResult>();

  async function verifyNow(verifyOptions: VerifyOptions): Promise<VerifyResult> {
    guard();
    // A separate connection holding one read transaction sees one snapshot (WAL), so appends made meanwhile
    // by this or another process neither appear half-way nor look like rows beyond the head.
    let reader: Db;
    try {
      reader = openConnection(file, true);
    } catch (error) {
      throw storeError(`cannot open the SQLite audit trail at ${file} for verification`, error);
    }
    try {
      reader.exec("BEGIN");
      const head = reader.prepare<[], HeadRow>(SELECT_HEAD).get();
      const chunk = reader.prepare<[number, number], RecordRow>(
        `SELECT ${RECORD_COLUMNS} FROM audit_records WHERE seq > ? ORDER BY seq LIMIT ?`,
      );
      const verifier = new ChainVerifier(sha256, verifyOptions.anchors);
      await walkStored(verifier, (afterSeq, limit) => chunk.all(afterSeq, limit));
      reader.exec("COMMIT");
      return head ? verifier.finish({ seq: head.seq, hash: head.hash }) : headMissing(verifier.finish());
    } catch (error) {
      throw storeError(`cannot verify the SQLite audit trail at ${file}`, error);
    } finally {
      reader.close();
    }
  }

  return {
    dialect: "sqlite",
    location: file,

    async append(entry) {
      guard();
      return appendThrough(queue, entry);
    },

    async appendEncoded(entry) {
      guard();
      return queue.enqueue(checkEncodedEntry(entry));
    },

    async get(id) {
      const row = read("read", () => selectById.get(id));
      return row ? rowToRecord(row) : undefined;
    },

    async list(filter: ListFilter = {}): Promise<ListPage> {
      const f = normalizeFilter(filter);
      const where = whereClause(f, () => "?");
      const rows = read("list", () =>
        db
          .prepare<unknown[], RecordRow>(
            `SELECT ${RECORD_COLUMNS} FROM audit_records ${where.sql} ORDER BY seq ${f.order === "desc" ? "DESC" : "ASC"} LIMIT ?`,
          )
          .all(...where.params, f.limit + 1),
      );
      return toPage(rows, f.limit);
    },

    async *stream(range: TimeRange = {}) {
      const r = normalizeRange(range);
      let afterSeq = 0;
      for (;;) {
        const where = whereClause({ ...r, afterSeq }, () => "?");
        const rows = read("read", () =>
          db
            .prepare<unknown[], RecordRow>(
              `SELECT ${RECORD_COLUMNS} FROM audit_records ${where.sql} ORDER BY seq LIMIT ?`,
            )
            .all(...where.params, CHUNK),
        );
        for (const row of rows) yield rowToRecord(row);
        const last = rows[rows.length - 1];
        if (rows.length < CHUNK || !last) return;
        afterSeq = Number(last.seq);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },

    verify(verifyOptions: VerifyOptions = {}) {
      return verifications.run(anchorKey(verifyOptions), () => verifyNow(verifyOptions));
    },

    async head(): Promise<ChainHead> {
      const head = read("read", () => selectHead.get());
      if (!head) throw storeError(`the audit_head row of ${file} is missing`);
      return { seq: head.seq, hash: head.hash };
    },

    async ping() {
      read("reach", () => db.prepare("SELECT 1").get());
    },

    async close() {
      if (closed) return;
      await queue.drain();
      closed = true;
      const w = await writer?.catch(() => undefined);
      await w?.close();
      db.close();
    },
  };
}

function openConnection(file: string, readonly: boolean): Db {
  const db = new Database(file, { readonly, fileMustExist: readonly });
  // Waits for another process's write lock instead of failing at once.
  db.pragma("busy_timeout = 10000");
  if (!readonly) {
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (String(mode).toLowerCase() !== "wal")
      throw new Error(`journal_mode is ${mode}, WAL could not be enabled`);
  }
  db.pragma("synchronous = FULL");
  return db;
}

function migrate(db: Db): void {
  db.transaction(() => {
    db.exec(
      "CREATE TABLE IF NOT EXISTS chipgate_audit_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    );
    const done = new Set(
      db
        .prepare<[], { version: number }>("SELECT version FROM chipgate_audit_migrations")
        .all()
        .map((r) => r.version),
    );
    for (const m of sqliteMigrations) {
      if (done.has(m.version)) continue;
      db.exec(m.sql);
      db.prepare("INSERT INTO chipgate_audit_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    }
  }).immediate();
}
