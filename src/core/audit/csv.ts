import { canonicalJson } from "./canonical.js";
import type { AuditRecord } from "./types.js";

/** Columns of the audit trail's CSV export (CLI and HTTP alike). */
export const AUDIT_CSV_COLUMNS = [
  "seq",
  "id",
  "recordedAt",
  "kind",
  "actor",
  "outcome",
  "engineVersion",
  "ruleDataVersion",
  "screeningDataVersion",
  "input",
  "output",
  "prevHash",
  "hash",
] as const;

export const AUDIT_CSV_HEADER = `${AUDIT_CSV_COLUMNS.join(",")}\r\n`;

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One RFC 4180 row; input and output are canonical JSON, so the hash can be recomputed from the CSV. */
export function auditCsvLine(r: AuditRecord): string {
  const cells = [
    String(r.seq),
    r.id,
    r.recordedAt,
    r.kind,
    r.actor,
    r.outcome ?? "",
    r.versions.engine,
    r.versions.ruleData,
    r.versions.screeningData,
    canonicalJson(r.input),
    canonicalJson(r.output),
    r.prevHash,
    r.hash,
  ];
  return `${cells.map(csvCell).join(",")}\r\n`;
}
