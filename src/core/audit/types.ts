import type { CanonicalText } from "./canonical.js";

/** Versions of everything that shaped a decision, so a recorded decision can be reproduced. */
export interface AuditVersions {
  engine: string;
  ruleData: string;
  screeningData: string;
}

/** What a caller hands to `AuditStore.append`. `input` and `output` must be JSON values. */
export interface AuditEntryInput {
  kind: "decision";
  actor: string;
  input: unknown;
  output: unknown;
  outcome?: string;
  versions: AuditVersions;
}

/**
 * An entry whose `input` and `output` the caller already encoded with `canonicalText`, for
 * `AuditStore.appendEncoded`: the store takes those texts as they are.
 */
export interface EncodedEntry {
  kind: "decision";
  actor: string;
  input: CanonicalText;
  output: CanonicalText;
  outcome?: string | undefined;
  versions: AuditVersions;
}

/** An entry as a store seals it: `input` and `output` as canonical JSON texts. */
export interface EntryTexts {
  kind: "decision";
  actor: string;
  inputText: string;
  outputText: string;
  outcome?: string | undefined;
  versions: AuditVersions;
}

/** Where a store put an entry: the fields it assigned, and the record's hash. */
export interface Placement {
  seq: number;
  id: string;
  recordedAt: string;
  prevHash: string;
  hash: string;
}

/** A record as its row holds it: `input` and `output` as the texts stored (canonical JSON, unless tampered with). */
export type StoredRecord = EntryTexts & Placement;

/** One record of the trail as stored; `hash` covers every other field, `prevHash` links it to `seq - 1`. */
export interface AuditRecord extends AuditEntryInput {
  seq: number;
  id: string;
  recordedAt: string;
  prevHash: string;
  hash: string;
}

/** The last record of the trail as the store's head row remembers it. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** SHA-256 over the UTF-8 bytes of `text`, as 64 lowercase hex digits. Passed in so the core stays free of I/O. */
export type HashFn = (text: string) => string;

export type VerifyFailureReason =
  /** The record's stored hash is not the hash of its content: a field was edited. */
  | "hash-mismatch"
  /** `prevHash` is not the previous record's hash: a record was removed, inserted or moved, or an edited record's hash was recomputed. */
  | "broken-link"
  /** The record's `seq` is not one more than the previous record's: records are missing before it. */
  | "seq-gap"
  /** The record's `seq` is not greater than the previous one's: records are duplicated or out of order. */
  | "seq-out-of-order"
  /** `recordedAt` is earlier than the previous record's; stores never write that. */
  | "time-regression"
  /** The record is not a well-formed record (missing field, malformed hash, bad time, unparsable JSON). */
  | "malformed"
  /** A stored input or output text is not the canonical JSON of its value (a duplicate key, reordered keys or
   * whitespace): it was edited in place, and SQL reading the column may see another value than the hash covers. */
  | "non-canonical"
  /** The head row says the trail is longer than the records found: the tail was removed. */
  | "truncated"
  /** Records exist beyond the head row: they were written around the store. */
  | "beyond-head"
  /** The head row's hash differs from the hash of the record at its seq. */
  | "head-mismatch"
  /** A record does not match an anchor (seq, hash) kept outside the store. */
  | "anchor-mismatch";

export interface VerifyFailure {
  /** Seq of the first bad record; for "truncated", the first missing seq. */
  seq: number;
  /** Id of the first bad record, or null when that record is missing. */
  id: string | null;
  reason: VerifyFailureReason;
  message: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Records that verified before the first bad one (all of them when ok). */
  checked: number;
  /** Last record that verified; keep it outside the store to detect a later rewrite of the whole trail. */
  head?: ChainHead;
  firstBad?: VerifyFailure;
}
