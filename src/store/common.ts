import { createHash, randomBytes } from "node:crypto";
import {
  type AuditEntryInput,
  type AuditRecord,
  type ChainVerifier,
  type EntryTexts,
  encodeEntry,
  type HashFn,
  normalizeEntry,
  type Placement,
  parseInstant,
  recordOf,
  type StoredRecord,
  type VerifyResult,
} from "../core/audit/index.js";
import { ChipGateError, type Issue } from "../core/errors.js";
import { LIMITS } from "../core/limits.js";

import { timeSlices } from "../node/time-slices.js";

import type { ListFilter, TimeRange } from "./audit-store.js";

export const sha256: HashFn = (text) => createHash("sha256").update(text, "utf8").digest("hex");

/**
 * A record id: a UUID version 7 (RFC 9562), the Unix time `ms` in milliseconds and then 74 random bits. Ids
 * of later records sort later (to the millisecond), so the index on `id` grows at its end; random (version
 * 4) ids put every append on a random page of an index as large as the trail.
 */
export function recordId(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms >= 2 ** 48)
    throw new RangeError(`not a time for an id: ${ms}`);
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Rows fetched per query by `stream`. */
export const CHUNK = 500;
/** Rows `verify` reads at once: a read is not sliced, so it is kept short (records are a few KB each). */
export const VERIFY_CHUNK = 100;
/** Most appends written in one transaction. */
export const MAX_BATCH = 256;

export function storeError(message: string, cause?: unknown): ChipGateError {
  const detail =
    cause instanceof Error ? `: ${cause.message}` : cause === undefined ? "" : `: ${String(cause)}`;
  return new ChipGateError("AUDIT_STORE_ERROR", `${message}${detail}`);
}

/** One row of `audit_records`, as both dialects name the columns. */
export interface RecordRow {
  seq: number | string;
  id: string;
  recorded_at: string;
  kind: string;
  actor: string;
  outcome: string | null;
  input_json: string;
  output_json: string;
  engine_version: string;
  rule_data_version: string;
  screening_data_version: string;
  prev_hash: string;
  hash: string;
}

export const RECORD_COLUMNS =
  "seq, id, recorded_at, kind, actor, outcome, input_json, output_json, engine_version, rule_data_version, screening_data_version, prev_hash, hash";

/** A row as `ChainVerifier.pushStored` checks it: input and output as the texts stored, not parsed. */
export function rowToStored(row: RecordRow): StoredRecord {
  return {
    kind: row.kind as "decision",
    actor: row.actor,
    inputText: row.input_json,
    outputText: row.output_json,
    ...(row.outcome === null ? {} : { outcome: row.outcome }),
    versions: {
      engine: row.engine_version,
      ruleData: row.rule_data_version,
      screeningData: row.screening_data_version,
    },
    seq: Number(row.seq),
    id: row.id,
    recordedAt: row.recorded_at,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Verifications with the same anchors give the same answer, so concurrent ones may share a walk. */
export function anchorKey(options: { anchors?: readonly { seq: number; hash: string }[] }): string {
  return (options.anchors ?? []).map((a) => `${a.seq}:${a.hash}`).join(",");
}

/**
 * Runs long scans one at a time. A call that arrives while one runs waits for it; calls with the same `key`
 * that are waiting together share one run, which starts after they all arrived (so each sees a state at least
 * as new as when it asked): a thousand concurrent verifications cost two walks of the trail, not a thousand.
 */
export class OneAtATime<T> {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly waiting = new Map<string, Promise<T>>();

  run(key: string, fn: () => Promise<T>): Promise<T> {
    const queued = this.waiting.get(key);
    if (queued) return queued;
    const next = this.tail.then(() => {
      this.waiting.delete(key);
      return fn();
    });
    this.waiting.set(key, next);
    this.tail = next.catch(() => {});
    return next;
  }
}

export function rowToRecord(row: RecordRow): AuditRecord {
  const { inputText, outputText, ...stored } = rowToStored(row);
  return {
    ...recordOf(
      { ...stored, input: JSON.parse(inputText), output: JSON.parse(outputText) } as AuditEntryInput,
      stored,
    ),
    hash: stored.hash,
  };
}

/**
 * Walks the rows of a trail in seq order through `verifier`, reading `VERIFY_CHUNK` rows at a time with `read`
 * (rows past `afterSeq`) and pausing every few milliseconds; stops at the first bad record.
 */
export async function walkStored(
  verifier: ChainVerifier,
  read: (afterSeq: number, limit: number) => RecordRow[] | Promise<RecordRow[]>,
): Promise<void> {
  const slices = timeSlices();
  let afterSeq = 0;
  for (;;) {
    const rows = await read(afterSeq, VERIFY_CHUNK);
    for (const row of rows) {
      if (!verifier.pushStored(rowToStored(row))) return;
      await slices.pause();
    }
    const last = rows[rows.length - 1];
    if (rows.length < VERIFY_CHUNK || !last) return;
    afterSeq = Number(last.seq);
  }
}

/**
 * `AuditStore.append` over a store's queue of encoded entries: checks and copies the entry, and gives back the
 * record as placed.
 */
export async function appendThrough(
  queue: GroupCommitQueue<EntryTexts, Placement>,
  entry: AuditEntryInput,
): Promise<AuditRecord> {
  const normalized = normalizeEntry(entry);
  const { hash, ...placement } = await queue.enqueue(encodeEntry(normalized));
  return { ...recordOf(normalized, placement), hash };
}

/**
 * Column values in RECORD_COLUMNS order: `input`/`output` are stored as canonical JSON text, exactly as hashed.
 * (The SQLite writer thread runs its source text, so it uses nothing outside it.)
 */
export function encodedToParams(entry: EntryTexts, placement: Placement): unknown[] {
  return [
    placement.seq,
    placement.id,
    placement.recordedAt,
    entry.kind,
    entry.actor,
    entry.outcome ?? null,
    entry.inputText,
    entry.outputText,
    entry.versions.engine,
    entry.versions.ruleData,
    entry.versions.screeningData,
    placement.prevHash,
    placement.hash,
  ];
}

export interface NormalizedFilter {
  from?: string;
  to?: string;
  outcome?: string;
  actor?: string;
  limit: number;
  afterSeq?: number;
  order: "asc" | "desc";
}

export function normalizeRange(range: TimeRange = {}): { from?: string; to?: string } {
  return {
    ...(range.from === undefined ? {} : { from: parseInstant(range.from, "from") }),
    ...(range.to === undefined ? {} : { to: parseInstant(range.to, "to") }),
  };
}

export function normalizeFilter(filter: ListFilter = {}): NormalizedFilter {
  const issues: Issue[] = [];
  const limit = filter.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > LIMITS.recordsPerPage) {
    issues.push({ path: "limit", message: `must be an integer from 1 to ${LIMITS.recordsPerPage}` });
  }
  if (filter.order !== undefined && filter.order !== "asc" && filter.order !== "desc") {
    issues.push({ path: "order", message: 'must be "asc" or "desc"' });
  }
  let afterSeq: number | undefined;
  if (filter.cursor !== undefined) {
    afterSeq = decodeCursor(filter.cursor);
    if (afterSeq === undefined) issues.push({ path: "cursor", message: "is not a cursor returned by list" });
  }
  for (const key of ["outcome", "actor"] as const) {
    if (filter[key] !== undefined && typeof filter[key] !== "string") {
      issues.push({ path: key, message: "must be a string" });
    }
  }
  let range: { from?: string; to?: string } = {};
  try {
    range = normalizeRange(filter);
  } catch (error) {
    if (!(error instanceof ChipGateError)) throw error;
    issues.push(...error.issues);
  }
  if (issues.length > 0) {
    const lines = issues.map((i) => `  ${i.path}: ${i.message}`).join("\n");
    throw new ChipGateError("INVALID_INPUT", `Invalid audit list filter:\n${lines}`, issues);
  }
  return {
    ...range,
    ...(filter.outcome === undefined ? {} : { outcome: filter.outcome }),
    ...(filter.actor === undefined ? {} : { actor: filter.actor }),
    limit,
    ...(afterSeq === undefined ? {} : { afterSeq }),
    order: filter.order ?? "asc",
  };
}

export function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): number | undefined {
  const m = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return m ? Number(m[1]) : undefined;
}

/**
 * WHERE clause and parameters for a list or stream query; `placeholder(n)` gives the dialect's n-th (1-based)
 * parameter marker.
 */
export function whereClause(
  filter: Partial<NormalizedFilter>,
  placeholder: (n: number) => string,
): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    conditions.push(sql.replace("?", placeholder(params.length)));
  };
  if (filter.from !== undefined) add("recorded_at >= ?", filter.from);
  if (filter.to !== undefined) add("recorded_at < ?", filter.to);
  if (filter.outcome !== undefined) add("outcome = ?", filter.outcome);
  if (filter.actor !== undefined) add("actor = ?", filter.actor);
  if (filter.afterSeq !== undefined) add(filter.order === "desc" ? "seq < ?" : "seq > ?", filter.afterSeq);
  return { sql: conditions.length ? `WHERE ${conditions.join(" AND ")}` : "", params };
}

/** Builds a page from `limit + 1` fetched rows. */
export function toPage(rows: RecordRow[], limit: number): { records: AuditRecord[]; nextCursor?: string } {
  const records = rows.slice(0, limit).map(rowToRecord);
  const last = records[records.length - 1];
  return rows.length > limit && last ? { records, nextCursor: encodeCursor(last.seq) } : { records };
}

/** The later of two ISO instants in `YYYY-MM-DDTHH:mm:ss.sssZ` form, which compare as strings. */
export function notBefore(now: string, previous: string): string {
  return now < previous ? previous : now;
}

interface Waiter<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items enqueued while a batch is being written wait and go together into the next batch;
 * an idle queue waits one `setImmediate` so that appends issued in the same tick share a transaction.
 * Every promise settles only after `write` for its batch settled, so nothing resolves before its commit.
 *
 * Up to `maxInFlight` batches are handed to `write` before the first of them settled, for a writer that
 * takes them in order and chains each onto what the previous one committed (the SQLite writer thread): the
 * next batch then waits in the writer, not in this queue for the previous answer to travel back.
 */
export class GroupCommitQueue<T, R> {
  private pending: Waiter<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly write: (items: T[]) => Promise<R[]> | R[],
    private readonly maxBatch = MAX_BATCH,
    private readonly maxInFlight = 1,
  ) {}

  enqueue(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when nothing is queued or being written. */
  drain(): Promise<void> {
    const drained = new Promise<void>((resolve) => this.idle.push(resolve));
    this.releaseIfIdle();
    return drained;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.dispatch();
      this.releaseIfIdle();
    });
  }

  private releaseIfIdle(): void {
    if (this.inFlight === 0 && !this.scheduled && this.pending.length === 0) {
      for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  private dispatch(): void {
    while (this.pending.length > 0 && this.inFlight < this.maxInFlight) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.inFlight++;
      void this.writeBatch(batch).finally(() => {
        this.inFlight--;
        this.dispatch();
        this.releaseIfIdle();
      });
    }
  }

  private async writeBatch(batch: Waiter<T, R>[]): Promise<void> {
    try {
      const results = await this.write(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        w.resolve(results[i] as R);
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}

/** A database URL safe to print: the password is replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable database URL)";
  }
}

/** The verdict when the head row itself is gone: the trail was tampered with, whatever the records say. */
export function headMissing(result: VerifyResult): VerifyResult {
  if (!result.ok) return result;
  return {
    ...result,
    ok: false,
    firstBad: {
      seq: (result.head?.seq ?? 0) + 1,
      id: null,
      reason: "truncated",
      message: "the audit_head row is missing, so a removed tail cannot be ruled out",
    },
  };
}
