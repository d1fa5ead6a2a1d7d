import pg from "pg";
import {
  type ChainHead,
  ChainVerifier,
  chainEntries,
  checkEncodedEntry,
  type EntryTexts,
  type Placement,
  type VerifyResult,
} from "../../core/audit/index.js";
import type { AuditStore, ListFilter, ListPage, TimeRange, VerifyOptions } from "../audit-store.js";
import {
  anchorKey,
  appendThrough,
  CHUNK,
  encodedToParams,
  GroupCommitQueue,
  headMissing,
  normalizeFilter,
  normalizeRange,
  notBefore,
  OneAtATime,
  RECORD_COLUMNS,
  type RecordRow,
  recordId,
  redactUrl,
  rowToRecord,
  sha256,
  storeError,
  toPage,
  walkStored,
  whereClause,
} from "../common.js";
import { postgresMigrations } from "./migrations.js";

interface HeadRow {
  seq: string;
  hash: string;
  recorded_at: string;
  now: string;
}

export interface PostgresAuditStoreOptions {
  /** postgres://user@host:port/db; add `?options=-c%20search_path%3Dname` to use a schema other than public. */
  databaseUrl: string;
  /** Connections in this process's pool. */
  poolSize?: number;
}

// The database's clock, not this server's: several ChipGate servers share one trail, and one clock keeps
// recordedAt in seq order without trusting each host's time.
const LOCK_HEAD = `SELECT seq, hash, recorded_at,
  to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS now
  FROM audit_head WHERE id = 1 FOR UPDATE`;

/**
 * The shared adapter. Each append transaction locks the single head row (SELECT … FOR UPDATE), so appenders
 * in any number of processes take turns, each chaining onto the head the previous one committed. A commit
 * returns only once PostgreSQL has flushed its WAL (synchronous_commit, on by default).
 */
export async function openPostgresAuditStore(options: PostgresAuditStoreOptions): Promise<AuditStore> {
  const location = redactUrl(options.databaseUrl);
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 4,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on("error", () => {});
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw storeError(`cannot open the PostgreSQL audit trail at ${location}`, error);
  }

  async function writeBatch(entries: EntryTexts[]): Promise<Placement[]> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw storeError(`cannot append to the PostgreSQL audit trail at ${location}`, error);
    }
    let broken: Error | undefined;
    try {
      // Round trips are most of an append's cost: BEGIN and the lock share one simple-protocol message, and
      // the insert and the head update share one statement.
      const opened = (await client.query(`BEGIN; ${LOCK_HEAD}`)) as unknown as pg.QueryResult<HeadRow>[];
      const head = opened[1]?.rows[0];
      if (!head) throw new Error("the audit_head row is missing");
      const recordedAt = notBefore(head.now, head.recorded_at);
      const ms = Date.parse(recordedAt);
      const pending = entries.map((entry) => ({ ...entry, id: recordId(ms) }));
      const placed = chainEntries(pending, { seq: Number(head.seq), hash: head.hash }, recordedAt, sha256);
      const last = placed[placed.length - 1]!;
      const params = pending.flatMap((entry, i) => encodedToParams(entry, placed[i]!));
      const values = entries.map(
        (_, i) => `(${Array.from({ length: 13 }, (_, j) => `$${i * 13 + j + 1}`).join(", ")})`,
      );
      const n = params.length;
      await client.query(
        `WITH inserted AS (INSERT INTO audit_records (${RECORD_COLUMNS}) VALUES ${values.join(", ")})
         UPDATE audit_head SET seq = $${n + 1}, hash = $${n + 2}, recorded_at = $${n + 3} WHERE id = 1`,
        [...params, last.seq, last.hash, recordedAt],
      );
      await client.query("COMMIT");
      return placed;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw storeError(`cannot append to the PostgreSQL audit trail at ${location}`, error);
    } finally {
      client.release(broken);
    }
  }

  const queue = new GroupCommitQueue<EntryTexts, Placement>(writeBatch);
  let closed = false;

  async function query<R extends pg.QueryResultRow>(
    what: string,
    sql: string,
    params: unknown[] = [],
  ): Promise<R[]> {
    if (closed) throw storeError("the audit store is closed");
    try {
      return (await pool.query<R>(sql, params)).rows;
    } catch (error) {
      throw storeError(`cannot ${what} the PostgreSQL audit trail at ${location}`, error);
    }
  }

  const verifications = new OneAtATime<VerifyResult>();

  async function verifyNow(verifyOptions: VerifyOptions): Promise<VerifyResult> {
    if (closed) throw storeError("the audit store is closed");
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw storeError(`cannot verify the PostgreSQL audit trail at ${location}`, error);
    }
    let broken: Error | undefined;
    try {
      // One snapshot for the head and every chunk: appends committed meanwhile by other servers are not seen,
      // so they can neither break the walk nor look like rows written around the store.
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      const head = (await client.query<HeadRow>("SELECT seq, hash FROM audit_head WHERE id = 1")).rows[0];
      const verifier = new ChainVerifier(sha256, verifyOptions.anchors);
      await walkStored(
        verifier,
        async (afterSeq, limit) =>
          (
            await client.query<RecordRow>(
              `SELECT ${RECORD_COLUMNS} FROM audit_records WHERE seq > $1 ORDER BY seq LIMIT $2`,
              [afterSeq, limit],
            )
          ).rows,
      );
      await client.query("COMMIT");
      return head
        ? verifier.finish({ seq: Number(head.seq), hash: head.hash })
        : headMissing(verifier.finish());
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw storeError(`cannot verify the PostgreSQL audit trail at ${location}`, error);
    } finally {
      client.release(broken);
    }
  }

  return {
    dialect: "postgres",
    location,

    async append(entry) {
      if (closed) throw storeError("the audit store is closed");
      return appendThrough(queue, entry);
    },

    async appendEncoded(entry) {
      if (closed) throw storeError("the audit store is closed");
      return queue.enqueue(checkEncodedEntry(entry));
    },

    async get(id) {
      const [row] = await query<RecordRow>(
        "read",
        `SELECT ${RECORD_COLUMNS} FROM audit_records WHERE id = $1`,
        [id],
      );
      return row ? rowToRecord(row) : undefined;
    },

    async list(filter: ListFilter = {}): Promise<ListPage> {
      const f = normalizeFilter(filter);
      const where = whereClause(f, (n) => `$${n}`);
      const rows = await query<RecordRow>(
        "list",
        `SELECT ${RECORD_COLUMNS} FROM audit_records ${where.sql} ORDER BY seq ${f.order === "desc" ? "DESC" : "ASC"} LIMIT $${where.params.length + 1}`,
        [...where.params, f.limit + 1],
      );
      return toPage(rows, f.limit);
    },

    async *stream(range: TimeRange = {}) {
      const r = normalizeRange(range);
      let afterSeq = 0;
      for (;;) {
        const where = whereClause({ ...r, afterSeq }, (n) => `$${n}`);
        const rows = await query<RecordRow>(
          "read",
          `SELECT ${RECORD_COLUMNS} FROM audit_records ${where.sql} ORDER BY seq LIMIT $${where.params.length + 1}`,
          [...where.params, CHUNK],
        );
        for (const row of rows) yield rowToRecord(row);
        const last = rows[rows.length - 1];
        if (rows.length < CHUNK || !last) return;
        afterSeq = Number(last.seq);
      }
    },

    verify(verifyOptions: VerifyOptions = {}) {
      return verifications.run(anchorKey(verifyOptions), () => verifyNow(verifyOptions));
    },

    async head(): Promise<ChainHead> {
      const [head] = await query<HeadRow>("read", "SELECT seq, hash FROM audit_head WHERE id = 1");
      if (!head) throw storeError(`the audit_head row at ${location} is missing`);
      return { seq: Number(head.seq), hash: head.hash };
    },

    async ping() {
      await query("reach", "SELECT 1");
    },

    async close() {
      if (closed) return;
      await queue.drain();
      closed = true;
      await pool.end();
    },
  };
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    // Servers starting together would otherwise race to create the same tables.
    await client.query(
      "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.chipgate_audit_migrations'))",
    );
    await client.query(
      "CREATE TABLE IF NOT EXISTS chipgate_audit_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    );
    const done = new Set(
      (await client.query<{ version: number }>("SELECT version FROM chipgate_audit_migrations")).rows.map(
        (r) => r.version,
      ),
    );
    for (const m of postgresMigrations) {
      if (done.has(m.version)) continue;
      await client.query(m.sql);
      await client.query("INSERT INTO chipgate_audit_migrations (version, name) VALUES ($1, $2)", [
        m.version,
        m.name,
      ]);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
