import type {
  AuditEntryInput,
  AuditRecord,
  ChainHead,
  EncodedEntry,
  Placement,
  VerifyResult,
} from "../core/audit/index.js";

export type {
  AuditEntryInput,
  AuditRecord,
  AuditVersions,
  ChainHead,
  EncodedEntry,
  Placement,
  VerifyFailure,
  VerifyFailureReason,
  VerifyResult,
} from "../core/audit/index.js";

/** Time bounds on `recordedAt`: `from` inclusive, `to` exclusive, each an ISO 8601 date or date-time with offset. */
export interface TimeRange {
  from?: string;
  to?: string;
}

export interface ListFilter extends TimeRange {
  outcome?: string;
  actor?: string;
  /** 1 to 1000; 100 when left out. */
  limit?: number;
  /** `nextCursor` of the previous page; opaque. */
  cursor?: string;
  /** By seq; "asc" (oldest first) when left out. */
  order?: "asc" | "desc";
}

export interface ListPage {
  records: AuditRecord[];
  /** Present when more records match; pass it back as `cursor` (with the same filter) for the next page. */
  nextCursor?: string;
}

export interface VerifyOptions {
  /** (seq, hash) pairs kept outside the store, e.g. from an earlier `verify`; see docs/audit-trail.md. */
  anchors?: readonly ChainHead[];
}

/**
 * The append-only, hash-chained audit trail. Adapters: SQLite (embedded) and PostgreSQL (shared by several
 * servers); both pass test/store/contract.ts. Errors are ChipGateError: INVALID_INPUT for a bad entry or
 * filter, AUDIT_STORE_ERROR when the database fails.
 *
 * @example
 * const store = await openAuditStore({ dataDir: "./chipgate-data" });
 * const record = await store.append({ kind: "decision", actor: "cli:alice", input, output, outcome,
 *   versions: { engine: "0.1.0", ruleData: "2025-01-15", screeningData: "csl-2025-02-01" } });
 * // record is on disk (committed and fsynced) here; only now return the decision.
 */
export interface AuditStore {
  readonly dialect: "sqlite" | "postgres";
  /** Where the trail lives, for messages: a file path, or a database URL without its password. */
  readonly location: string;
  /**
   * Appends one decision and resolves with its record once the transaction that wrote it has committed
   * durably. Appends made while another is being written are committed together (group commit); none
   * resolves before its own commit. Rejects without writing when the entry is invalid.
   */
  append(entry: AuditEntryInput): Promise<AuditRecord>;
  /**
   * As `append`, for an entry whose input and output the caller already encoded with `canonicalJson` (the
   * HTTP API answers with the decision's text): the texts are stored and hashed as given, nothing is copied.
   * Resolves with where the record was put.
   */
  appendEncoded(entry: EncodedEntry): Promise<Placement>;
  get(id: string): Promise<AuditRecord | undefined>;
  list(filter?: ListFilter): Promise<ListPage>;
  /** Every record in the range, in seq order, read in chunks so memory stays constant. */
  stream(range?: TimeRange): AsyncIterable<AuditRecord>;
  /** Walks the whole trail in one consistent snapshot and checks it against the head row and `anchors`. */
  verify(options?: VerifyOptions): Promise<VerifyResult>;
  /** The head row: seq and hash of the last record appended through a store (seq 0 when empty). */
  head(): Promise<ChainHead>;
  ping(): Promise<void>;
  /** Waits for appends in flight, then releases the database. */
  close(): Promise<void>;
}
