import { ChipGateError, type Issue } from "../errors.js";
import { canonicalCopy, canonicalJson } from "./canonical.js";
import type { AuditEntryInput, AuditRecord, HashFn } from "./types.js";

/** `prevHash` of the first record. */
export const GENESIS_HASH = "0".repeat(64);

export const HASH_PATTERN = /^[0-9a-f]{64}$/;

/** The fields a store assigns when it appends an entry. */
export interface RecordPlacement {
  seq: number;
  id: string;
  recordedAt: string;
  prevHash: string;
}

/** The exact text whose SHA-256 is a record's `hash`: the canonical JSON of the record without `hash`. */
export function recordHashText(record: Omit<AuditRecord, "hash"> | AuditRecord): string {
  const { hash: _ignored, ...rest } = record as AuditRecord;
  return canonicalJson(rest);
}

export function computeRecordHash(record: Omit<AuditRecord, "hash"> | AuditRecord, sha256: HashFn): string {
  return sha256(recordHashText(record));
}

/** A record to be hashed, with `input` and `output` as their canonical JSON texts. */
export interface RecordParts extends RecordPlacement {
  kind: string;
  actor: string;
  outcome?: string | undefined;
  versions: AuditEntryInput["versions"];
  inputText: string;
  outputText: string;
}

/**
 * `recordHashText` of the record `parts` describes, put together from the canonical texts of `input` and
 * `output` instead of encoding them again: the keys of a record are fixed, so their sorted order is written
 * out. It uses nothing but `JSON.stringify`, because the SQLite writer thread runs its source text (it seals
 * records inside the transaction that reads the head).
 */
export function recordHashTextOf(parts: RecordParts): string {
  const s = JSON.stringify;
  const outcome = parts.outcome === undefined ? "" : `"outcome":${s(parts.outcome)},`;
  const v = parts.versions;
  return (
    `{"actor":${s(parts.actor)},"id":${s(parts.id)},"input":${parts.inputText},"kind":${s(parts.kind)},` +
    `${outcome}"output":${parts.outputText},"prevHash":${s(parts.prevHash)},"recordedAt":${s(parts.recordedAt)},` +
    `"seq":${s(parts.seq)},"versions":{"engine":${s(v.engine)},"ruleData":${s(v.ruleData)},"screeningData":${s(v.screeningData)}}}`
  );
}

/** Builds the record for `entry` at `placement`, hashed; `entry` must come from `normalizeEntry`. */
export function sealRecord(entry: AuditEntryInput, placement: RecordPlacement, sha256: HashFn): AuditRecord {
  const text = recordHashTextOf({
    ...placement,
    kind: entry.kind,
    actor: entry.actor,
    outcome: entry.outcome,
    versions: entry.versions,
    inputText: canonicalJson(entry.input),
    outputText: canonicalJson(entry.output),
  });
  return { ...recordOf(entry, placement), hash: sha256(text) };
}

/** The record of a normalized `entry` at `placement`, with its fields in the order records are built in. */
export function recordOf(entry: AuditEntryInput, placement: RecordPlacement): Omit<AuditRecord, "hash"> {
  return {
    kind: entry.kind,
    actor: entry.actor,
    input: entry.input,
    output: entry.output,
    ...(entry.outcome === undefined ? {} : { outcome: entry.outcome }),
    versions: {
      engine: entry.versions.engine,
      ruleData: entry.versions.ruleData,
      screeningData: entry.versions.screeningData,
    },
    ...placement,
  };
}

/**
 * Checks an entry and returns a copy whose `input` and `output` read as their canonical JSON, so the record a
 * store returns is exactly the one it stored and hashed (no `undefined`, no class instances, no references to
 * the caller's objects but to deeply frozen ones). Throws INVALID_INPUT listing every problem.
 */
export function normalizeEntry(entry: AuditEntryInput): AuditEntryInput {
  const issues: Issue[] = [];
  const raw = (entry ?? {}) as unknown as Record<string, unknown>;
  if (raw.kind !== "decision") issues.push({ path: "kind", message: 'must be "decision"' });
  if (typeof raw.actor !== "string" || raw.actor.trim() === "") {
    issues.push({ path: "actor", message: "must be a non-empty string naming who asked" });
  }
  if (raw.outcome !== undefined && typeof raw.outcome !== "string") {
    issues.push({ path: "outcome", message: "must be a string when given" });
  }
  const versions = (raw.versions ?? {}) as Record<string, unknown>;
  for (const key of ["engine", "ruleData", "screeningData"] as const) {
    if (typeof versions[key] !== "string" || versions[key] === "") {
      issues.push({ path: `versions.${key}`, message: "must be a non-empty string" });
    }
  }
  const json: Record<"input" | "output", unknown> = { input: null, output: null };
  for (const key of ["input", "output"] as const) {
    if (raw[key] === undefined) {
      issues.push({ path: key, message: "must be a JSON value (use null for none)" });
      continue;
    }
    try {
      json[key] = canonicalCopy(raw[key]).copy;
    } catch (error) {
      if (!(error instanceof ChipGateError)) throw error;
      for (const issue of error.issues)
        issues.push({ path: issue.path.replace(/^\$/, key), message: issue.message });
    }
  }
  if (issues.length > 0) {
    const lines = issues.map((i) => `  ${i.path}: ${i.message}`).join("\n");
    throw new ChipGateError("INVALID_INPUT", `Invalid audit entry:\n${lines}`, issues);
  }
  return {
    kind: "decision",
    actor: raw.actor as string,
    input: json.input,
    output: json.output,
    ...(raw.outcome === undefined ? {} : { outcome: raw.outcome as string }),
    versions: {
      engine: versions.engine as string,
      ruleData: versions.ruleData as string,
      screeningData: versions.screeningData as string,
    },
  };
}
