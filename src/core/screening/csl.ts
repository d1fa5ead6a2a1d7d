import { ChipGateError, type Issue } from "../errors.js";

/** The columns of the official trade.gov consolidated.csv, in their published order. */
export const CSL_COLUMNS = [
  "_id",
  "source",
  "entity_number",
  "type",
  "programs",
  "name",
  "title",
  "addresses",
  "federal_register_notice",
  "start_date",
  "end_date",
  "standard_order",
  "license_requirement",
  "license_policy",
  "call_sign",
  "vessel_type",
  "gross_tonnage",
  "gross_registered_tonnage",
  "vessel_flag",
  "vessel_owner",
  "remarks",
  "source_list_url",
  "alt_names",
  "citizenships",
  "dates_of_birth",
  "nationalities",
  "places_of_birth",
  "source_information_url",
  "ids",
] as const;

/** Columns our bundled merge appends; accepted but optional so an official file loads too. */
export const CSL_EXTRA_COLUMNS = ["country", "snapshot_date", "snapshot_origin"] as const;

export type CslColumn = (typeof CSL_COLUMNS)[number];
export type CslExtraColumn = (typeof CSL_EXTRA_COLUMNS)[number];

/** The short codes of the lists the CSL merges, as ChipGate names them. */
export const LIST_CODES = [
  "EL",
  "SDN",
  "MEU",
  "DPL",
  "UVL",
  "DTC",
  "ISN",
  "SSI",
  "CMIC",
  "PLC",
  "NS-MBS",
  "CAPTA",
  "FSE",
] as const;

export type ListCode = (typeof LIST_CODES)[number];

/** One CSL row: every original column verbatim, plus the short list code derived from `source`. */
export type CslRecord = { readonly [K in CslColumn]: string } & {
  readonly [K in CslExtraColumn]: string;
} & {
  readonly list: ListCode;
  /** 1-based line of the data row in its file (header is line 1), for error messages and audit. */
  readonly row: number;
};

/**
 * The `(CODE)` inside the official source string is the stable part; the agency suffix has changed
 * wording over the years, so we key on the code only.
 */
const SOURCE_CODES: Record<string, ListCode> = {
  EL: "EL",
  SDN: "SDN",
  MEU: "MEU",
  DPL: "DPL",
  UVL: "UVL",
  DTC: "DTC",
  ISN: "ISN",
  SSI: "SSI",
  CMIC: "CMIC",
  PLC: "PLC",
  "NS-MBS LIST": "NS-MBS",
  "NS-MBS": "NS-MBS",
  CAP: "CAPTA",
  CAPTA: "CAPTA",
  FSE: "FSE",
};

export function listCodeOfSource(source: string): ListCode | undefined {
  const m = /\(([^()]+)\)/.exec(source);
  if (!m) return undefined;
  return SOURCE_CODES[m[1]!.trim().toUpperCase()];
}

function invalid(message: string, issues: Issue[]): ChipGateError {
  return new ChipGateError("SCREENING_DATA_INVALID", message, issues);
}

/** Column positions of a validated header. */
export type CslHeader = {
  readonly columns: readonly string[];
  readonly position: ReadonlyMap<string, number>;
};

/**
 * Strict: every official column must be present exactly once and nothing unknown may appear, because a
 * shifted or renamed column would silently put addresses into names.
 */
export function parseCslHeader(header: readonly string[]): CslHeader {
  const issues: Issue[] = [];
  const position = new Map<string, number>();
  const known = new Set<string>([...CSL_COLUMNS, ...CSL_EXTRA_COLUMNS]);
  header.forEach((raw, i) => {
    // A UTF-8 byte-order mark survives some CSV exports; it is not part of the column name.
    const col = (i === 0 ? raw.replace(/^\uFEFF/, "") : raw).trim();
    if (!known.has(col)) issues.push({ path: `header column ${i + 1}`, message: `unknown column "${col}"` });
    else if (position.has(col))
      issues.push({ path: `header column ${i + 1}`, message: `duplicate column "${col}"` });
    else position.set(col, i);
  });
  for (const col of CSL_COLUMNS) {
    if (!position.has(col)) issues.push({ path: "header", message: `missing column "${col}"` });
  }
  if (issues.length > 0) {
    throw invalid(
      `line 1: not a trade.gov CSL header: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      issues,
    );
  }
  return { columns: header, position };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO2 = /^[A-Z]{2}$/;

/**
 * Validates one data row and turns it into a record. `line` is the 1-based line number in the file,
 * so the message points the operator at the exact place to fix.
 */
export function parseCslRow(header: CslHeader, fields: readonly string[], line: number): CslRecord {
  const fail = (message: string): never => {
    throw invalid(`line ${line}: ${message}`, [{ path: `line ${line}`, message }]);
  };
  if (fields.length !== header.columns.length) {
    fail(`expected ${header.columns.length} fields, found ${fields.length}`);
  }
  const get = (col: string): string => {
    const i = header.position.get(col);
    return i === undefined ? "" : (fields[i] ?? "");
  };
  const out: Record<string, string> = {};
  for (const col of CSL_COLUMNS) out[col] = get(col);
  for (const col of CSL_EXTRA_COLUMNS) out[col] = get(col);

  if (out._id!.trim() === "") fail(`column "_id" is empty`);
  if (out.name!.trim() === "") fail(`column "name" is empty (record ${out._id})`);
  const list = listCodeOfSource(out.source!);
  if (!list) fail(`column "source" has an unknown list: "${out.source}"`);
  for (const col of ["start_date", "end_date", "snapshot_date"] as const) {
    const v = out[col]!;
    if (v !== "" && !ISO_DATE.test(v)) fail(`column "${col}" is not a YYYY-MM-DD date: "${v}"`);
  }
  if (out.country !== "" && !ISO2.test(out.country!)) {
    fail(`column "country" is not an ISO 3166 alpha-2 code: "${out.country}"`);
  }
  return { ...(out as { [K in CslColumn | CslExtraColumn]: string }), list: list!, row: line };
}

/** Splits a `; `-joined CSL multi-value cell. */
export function splitCslList(value: string): string[] {
  return value
    .split(";")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}
