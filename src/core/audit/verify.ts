import { canonicalJson } from "./canonical.js";
import { GENESIS_HASH, HASH_PATTERN, recordHashText, recordHashTextOf } from "./chain.js";
import type {
  AuditRecord,
  ChainHead,
  HashFn,
  Placement,
  StoredRecord,
  VerifyFailure,
  VerifyResult,
} from "./types.js";

/** What the walk keeps of the previous record. */
type Previous = Pick<Placement, "seq" | "id" | "hash" | "recordedAt">;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Walks a trail one record at a time in seq order, keeping only the previous record, so a store can verify a
 * trail of any length in constant memory. Stops at the first bad record.
 *
 * @example
 * const v = new ChainVerifier(sha256);
 * for await (const r of store.stream()) if (!v.push(r)) break;
 * const result = v.finish(headRow);
 */
export class ChainVerifier {
  private checked = 0;
  private previous: Previous | undefined;
  private failure: VerifyFailure | undefined;
  private readonly anchors: Map<number, string>;

  constructor(
    private readonly sha256: HashFn,
    anchors: readonly ChainHead[] = [],
  ) {
    this.anchors = new Map(anchors.map((a) => [a.seq, a.hash]));
  }

  /** Checks the next record; returns false once a bad record was found (later records are not looked at). */
  push(record: AuditRecord): boolean {
    return this.accept(record, () => recordHashText(record));
  }

  /**
   * Checks the next record as its row stores it. Besides what `push` checks, each stored input and output text
   * must be, byte for byte, the canonical JSON of the value it parses to: a text with a duplicate key, keys in
   * another order or added whitespace parses to a value that hashes correctly, yet is not what was written
   * (and a query reading the column may see the other value), so it is reported as `non-canonical`.
   */
  pushStored(record: StoredRecord): boolean {
    return this.accept(record, () => {
      for (const [field, text] of [
        ["input", record.inputText],
        ["output", record.outputText],
      ] as const) {
        let canonical: string;
        try {
          canonical = canonicalJson(JSON.parse(text));
        } catch (error) {
          throw new Error(`${field} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
        }
        if (canonical !== text) throw new NotCanonical(field, text, canonical);
      }
      return recordHashTextOf(record);
    });
  }

  /**
   * Ends the walk. `head` is the store's own record of its last (seq, hash), written in the same transaction
   * as each append; comparing against it is what detects a removed tail or rows added around the store.
   */
  finish(head?: ChainHead): VerifyResult {
    if (!this.failure && head) this.failure = this.checkHead(head);
    if (!this.failure) {
      for (const [seq, hash] of this.anchors) {
        if (seq > (this.previous?.seq ?? 0)) {
          this.failure = {
            seq,
            id: null,
            reason: "truncated",
            message: `anchor ${seq}:${hash.slice(0, 12)}… is past the last record (${this.previous?.seq ?? 0})`,
          };
          break;
        }
      }
    }
    const last = this.previous ? { head: { seq: this.previous.seq, hash: this.previous.hash } } : {};
    return this.failure
      ? { ok: false, checked: this.checked, ...last, firstBad: this.failure }
      : { ok: true, checked: this.checked, ...last };
  }

  private accept(record: Previous & { prevHash: string }, hashText: () => string): boolean {
    if (this.failure) return false;
    const failure = this.check(record, hashText);
    if (failure) {
      this.failure = failure;
      return false;
    }
    this.previous = { seq: record.seq, id: record.id, hash: record.hash, recordedAt: record.recordedAt };
    this.checked++;
    return true;
  }

  private check(record: Previous & { prevHash: string }, hashText: () => string): VerifyFailure | undefined {
    const previous = this.previous;
    const expectedSeq = (previous?.seq ?? 0) + 1;
    const id = typeof record.id === "string" ? record.id : null;
    const fail = (reason: VerifyFailure["reason"], message: string): VerifyFailure => ({
      seq: record.seq,
      id,
      reason,
      message,
    });
    if (!Number.isSafeInteger(record.seq) || record.seq < 1)
      return fail("malformed", `seq ${record.seq} is not a positive integer`);
    if (record.seq < expectedSeq) {
      return fail(
        "seq-out-of-order",
        `seq ${record.seq} follows seq ${previous?.seq}; expected ${expectedSeq}`,
      );
    }
    if (record.seq > expectedSeq) {
      const missing = record.seq - expectedSeq;
      return fail(
        "seq-gap",
        `expected seq ${expectedSeq}, found ${record.seq}: ${missing} record(s) missing`,
      );
    }
    if (typeof record.hash !== "string" || !HASH_PATTERN.test(record.hash))
      return fail("malformed", "hash is not 64 hex digits");
    if (typeof record.recordedAt !== "string" || !ISO_INSTANT.test(record.recordedAt)) {
      return fail(
        "malformed",
        `recordedAt ${JSON.stringify(record.recordedAt)} is not an ISO instant in UTC`,
      );
    }
    const expectedPrev = previous?.hash ?? GENESIS_HASH;
    if (record.prevHash !== expectedPrev) {
      return fail(
        "broken-link",
        `prevHash ${String(record.prevHash).slice(0, 12)}… is not the hash of the record before it (${expectedPrev.slice(0, 12)}…): a record was removed, inserted, moved or rewritten`,
      );
    }
    let text: string;
    try {
      text = hashText();
    } catch (error) {
      if (error instanceof NotCanonical) return fail("non-canonical", error.message);
      return fail("malformed", error instanceof Error ? error.message : String(error));
    }
    const actual = this.sha256(text);
    if (actual !== record.hash) {
      return fail(
        "hash-mismatch",
        `content hashes to ${actual.slice(0, 12)}…, record says ${record.hash.slice(0, 12)}…: the record was altered`,
      );
    }
    if (previous && record.recordedAt < previous.recordedAt) {
      return fail(
        "time-regression",
        `recordedAt ${record.recordedAt} is earlier than ${previous.recordedAt}`,
      );
    }
    const anchor = this.anchors.get(record.seq);
    if (anchor !== undefined && anchor !== record.hash) {
      return fail(
        "anchor-mismatch",
        `hash ${record.hash.slice(0, 12)}… differs from the anchor ${anchor.slice(0, 12)}…`,
      );
    }
    return undefined;
  }

  private checkHead(head: ChainHead): VerifyFailure | undefined {
    const lastSeq = this.previous?.seq ?? 0;
    if (head.seq > lastSeq) {
      return {
        seq: lastSeq + 1,
        id: null,
        reason: "truncated",
        message: `the head row says the trail ends at seq ${head.seq}, but the last record is seq ${lastSeq}: ${head.seq - lastSeq} record(s) removed from the end`,
      };
    }
    if (head.seq < lastSeq) {
      // A row appended with a valid hash but not through the store: the hash chain alone cannot tell it from a
      // real record, only the head row (or an outside anchor) can.
      return {
        seq: head.seq + 1,
        id: null,
        reason: "beyond-head",
        message: `records continue past the head row (seq ${head.seq}) up to seq ${lastSeq}: they were written around the store`,
      };
    }
    if (this.previous && head.hash !== this.previous.hash) {
      return {
        seq: this.previous.seq,
        id: this.previous.id,
        reason: "head-mismatch",
        message: `the head row's hash ${head.hash.slice(0, 12)}… differs from the last record's ${this.previous.hash.slice(0, 12)}…`,
      };
    }
    return undefined;
  }
}

class NotCanonical extends Error {
  constructor(field: string, stored: string, canonical: string) {
    let at = 0;
    while (at < stored.length && stored[at] === canonical[at]) at++;
    super(
      `the stored ${field} text differs from the canonical JSON of its value from character ${at} on (a duplicate key, reordered keys or whitespace): it was edited in place`,
    );
  }
}

/** Verifies a whole trail given in seq order; see `ChainVerifier` for the streaming form. */
export function verifyChain(
  records: Iterable<AuditRecord>,
  sha256: HashFn,
  options: { head?: ChainHead; anchors?: readonly ChainHead[] } = {},
): VerifyResult {
  const verifier = new ChainVerifier(sha256, options.anchors);
  for (const record of records) if (!verifier.push(record)) break;
  return verifier.finish(options.head);
}
