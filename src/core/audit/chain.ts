import { ChipGateError, type Issue } from "../errors.js";
import { canonicalJson, rememberCanonical } from "./canonical.js";
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

/** Builds the record for `entry` at `placement`, hashed; `entry` must come from `normalizeEntry`. */
export function sealRecord(entry: AuditEntryInput, placement: RecordPlacement, sha256: HashFn): AuditRecord {
  const unsealed: Omit<AuditRecord, "hash"> = {
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
  return { ...unsealed, hash: computeRecordHash(unsealed, sha256) };
}

/**
 * Checks an entry and returns a copy whose `input` and `output` went through canonical JSON, so the record a
 * store returns is exactly the one it stored and hashed (no `undefined`, no class instances, no shared
 * references to the caller's objects). Throws INVALID_INPUT listing every problem.
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
      const text = canonicalJson(raw[key]);
      json[key] = JSON.parse(text);
      rememberCanonical(json[key], text);
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
