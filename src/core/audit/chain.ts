import { ChipGateError, type Issue } from "../errors.js";
import { type CanonicalText, canonicalJson, isCanonicalText, rememberCanonical } from "./canonical.js";
import type {
  AuditEntryInput,
  AuditRecord,
  ChainHead,
  EncodedEntry,
  EntryTexts,
  HashFn,
  Placement,
} from "./types.js";

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
export type RecordParts = EntryTexts & RecordPlacement;

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

/** An entry with the id its store gave it, ready to be chained. */
export type IdentifiedEntry = EntryTexts & { id: string };

/**
 * Places `entries`, in order, after the record `head`, all stamped `recordedAt`: each one's seq, prevHash and
 * hash. It uses nothing but `recordHashTextOf` and `sha256`, because the SQLite writer thread runs its source
 * text too: both stores chain records with this one function.
 */
export function chainEntries(
  entries: readonly IdentifiedEntry[],
  head: ChainHead,
  recordedAt: string,
  sha256: HashFn,
): Placement[] {
  let seq = head.seq;
  let prevHash = head.hash;
  return entries.map((entry) => {
    seq += 1;
    const placement = { seq, id: entry.id, recordedAt, prevHash };
    prevHash = sha256(recordHashTextOf({ ...entry, ...placement }));
    return { ...placement, hash: prevHash };
  });
}

/** The entry `normalizeEntry` returned, with its input and output as their (remembered) canonical texts. */
export function encodeEntry(entry: AuditEntryInput): EntryTexts {
  return {
    kind: entry.kind,
    actor: entry.actor,
    inputText: canonicalJson(entry.input),
    outputText: canonicalJson(entry.output),
    outcome: entry.outcome,
    versions: entry.versions,
  };
}

/** Builds the record for `entry` at `placement`, hashed; `entry` must come from `normalizeEntry`. */
export function sealRecord(entry: AuditEntryInput, placement: RecordPlacement, sha256: HashFn): AuditRecord {
  return {
    ...recordOf(entry, placement),
    hash: sha256(recordHashTextOf({ ...encodeEntry(entry), ...placement })),
  };
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
    seq: placement.seq,
    id: placement.id,
    recordedAt: placement.recordedAt,
    prevHash: placement.prevHash,
  };
}

/** What is wrong with the fields of an entry other than `input` and `output`. */
function fieldIssues(raw: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
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
  // These are stored as plain text columns (UTF-8), where a lone surrogate would become U+FFFD and the stored
  // record would no longer match its hash. (In input and output, canonical JSON writes it as an escape.)
  const texts: [string, unknown][] = [
    ["actor", raw.actor],
    ["outcome", raw.outcome],
    ...(["engine", "ruleData", "screeningData"] as const).map((k): [string, unknown] => [
      `versions.${k}`,
      versions[k],
    ]),
  ];
  for (const [path, value] of texts) {
    if (typeof value === "string" && LONE_SURROGATE.test(value)) {
      issues.push({ path, message: "must be well-formed Unicode (it holds a lone surrogate)" });
    }
  }
  return issues;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function invalid(issues: Issue[]): ChipGateError {
  const lines = issues.map((i) => `  ${i.path}: ${i.message}`).join("\n");
  return new ChipGateError("INVALID_INPUT", `Invalid audit entry:\n${lines}`, issues);
}

/** The fields of a checked entry, copied so later changes by the caller do not reach the record. */
function fieldsOf(
  raw: Record<string, unknown>,
): Pick<AuditEntryInput, "kind" | "actor" | "outcome" | "versions"> {
  const versions = raw.versions as Record<string, string>;
  return {
    kind: "decision",
    actor: raw.actor as string,
    ...(raw.outcome === undefined ? {} : { outcome: raw.outcome as string }),
    versions: {
      engine: versions.engine!,
      ruleData: versions.ruleData!,
      screeningData: versions.screeningData!,
    },
  };
}

/**
 * Checks an entry and returns a copy whose `input` and `output` went through canonical JSON, so the record a
 * store returns is exactly the one it stored and hashed (no `undefined`, no class instances, no shared
 * references to the caller's objects). Throws INVALID_INPUT listing every problem.
 */
export function normalizeEntry(entry: AuditEntryInput): AuditEntryInput {
  const raw = (entry ?? {}) as unknown as Record<string, unknown>;
  const issues = fieldIssues(raw);
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
  if (issues.length > 0) throw invalid(issues);
  const { outcome, ...fields } = fieldsOf(raw);
  return { ...fields, input: json.input, output: json.output, ...(outcome === undefined ? {} : { outcome }) };
}

/**
 * Checks an entry given as canonical texts (`appendEncoded`): its fields as `normalizeEntry` does, and that
 * `input` and `output` were made by `canonicalText` (so they are canonical JSON without being parsed again).
 * Throws INVALID_INPUT listing every problem.
 */
export function checkEncodedEntry(entry: EncodedEntry): EntryTexts {
  const raw = (entry ?? {}) as unknown as Record<string, unknown>;
  const issues = fieldIssues(raw);
  for (const key of ["input", "output"] as const) {
    if (!isCanonicalText(raw[key])) {
      issues.push({ path: key, message: "must be made by canonicalText() from the JSON value to record" });
    }
  }
  if (issues.length > 0) throw invalid(issues);
  return {
    ...fieldsOf(raw),
    inputText: (entry.input as CanonicalText).text,
    outputText: (entry.output as CanonicalText).text,
  };
}
