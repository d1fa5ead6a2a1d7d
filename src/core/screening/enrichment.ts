import { ChipGateError, type Issue } from "../errors.js";
import { type CslRecord, LIST_CODES, type ListCode, listCodeOfSource } from "./csl.js";

/**
 * Native-script names of listed parties (data/screening/enrichment/native-names.csv): the names lists carry
 * in English or a romanization, written as the parties write them (中芯国际 for "Semiconductor Manufacturing
 * International Corporation"). Each row names its record by list and name (and country), as trade.gov ids
 * change when an entry is republished, so the rows still join after `chipgate data import` of a newer list.
 */
export const ENRICHMENT_COLUMNS = [
  "list",
  "listed_name",
  "listed_id",
  "country",
  "native_name",
  "script",
  "source_url",
  "retrieved",
  "evidence",
  "notes",
] as const;

export const NATIVE_SCRIPTS = ["Hans", "Hant", "Cyrl", "Arab"] as const;
export type NativeScript = (typeof NATIVE_SCRIPTS)[number];

/**
 * `verified`: a source that was read states the name for this party; `unverified`: written from knowledge,
 * or from a source that cannot be cited. An unverified name can raise a hit to `review`, never to `match`.
 */
export type EvidenceGrade = "verified" | "unverified";

export interface EnrichmentRow {
  list: ListCode;
  listedName: string;
  /** The record's `_id` when the row was written; may be empty or out of date. */
  listedId: string;
  /** ISO 3166 alpha-2 of the record, or empty. */
  country: string;
  nativeName: string;
  script: NativeScript;
  sourceUrl: string;
  retrieved: string;
  evidence: EvidenceGrade;
  notes: string;
  /** 1-based line of the row in its file. */
  line: number;
}

const KNOWN_LISTS = new Set<string>(LIST_CODES);

/** What the characters of a native name must include for its declared script. */
const SCRIPT_LETTERS: Record<NativeScript, RegExp> = {
  Hans: /\p{Script=Han}/u,
  Hant: /\p{Script=Han}/u,
  Cyrl: /\p{Script=Cyrillic}/u,
  Arab: /\p{Script=Arabic}/u,
};

/** A real calendar date written YYYY-MM-DD. */
function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Positions of the columns of a validated header. */
export type EnrichmentHeader = ReadonlyMap<string, number>;

function invalid(file: string, issues: Issue[]): ChipGateError {
  const shown = issues.slice(0, 20).map((i) => `  ${i.path}: ${i.message}`);
  if (issues.length > shown.length) shown.push(`  … and ${issues.length - shown.length} more`);
  return new ChipGateError(
    "SCREENING_DATA_INVALID",
    `${file}: ${issues.length} problem${issues.length === 1 ? "" : "s"} in the native-name enrichment:\n${shown.join("\n")}`,
    issues,
  );
}

/** Every column exactly once, nothing unknown: a shifted column would put URLs into names. */
export function parseEnrichmentHeader(file: string, header: readonly string[]): EnrichmentHeader {
  const issues: Issue[] = [];
  const position = new Map<string, number>();
  const known = new Set<string>(ENRICHMENT_COLUMNS);
  header.forEach((raw, i) => {
    const col = (i === 0 ? raw.replace(/^\uFEFF/, "") : raw).trim();
    const path = `${file} line 1 column ${i + 1}`;
    if (!known.has(col)) issues.push({ path, message: `unknown column "${col}"` });
    else if (position.has(col)) issues.push({ path, message: `duplicate column "${col}"` });
    else position.set(col, i);
  });
  for (const col of ENRICHMENT_COLUMNS) {
    if (!position.has(col)) issues.push({ path: `${file} line 1`, message: `missing column "${col}"` });
  }
  if (issues.length > 0) throw invalid(file, issues);
  return position;
}

/**
 * Validates one data row; pushes one issue per bad field (file, line and column named) and returns the row
 * when it has none.
 */
export function parseEnrichmentRow(
  file: string,
  header: EnrichmentHeader,
  fields: readonly string[],
  line: number,
  issues: Issue[],
): EnrichmentRow | undefined {
  const before = issues.length;
  if (fields.length !== header.size) {
    issues.push({
      path: `${file} line ${line}`,
      message: `expected ${header.size} fields, found ${fields.length}`,
    });
    return undefined;
  }
  const get = (col: (typeof ENRICHMENT_COLUMNS)[number]): string => fields[header.get(col)!]!.trim();
  const bad = (col: string, message: string): void => {
    issues.push({ path: `${file} line ${line} column "${col}"`, message });
  };
  const list = get("list");
  if (!KNOWN_LISTS.has(list)) bad("list", `"${list}" is not a list code (EL, SDN, MEU, CMIC, …)`);
  const listedName = get("listed_name");
  if (listedName === "") bad("listed_name", "is empty");
  const country = get("country");
  if (country !== "" && !/^[A-Z]{2}$/.test(country))
    bad("country", `"${country}" is not an ISO 3166 alpha-2 code`);
  const nativeName = get("native_name");
  const script = get("script");
  if (!(NATIVE_SCRIPTS as readonly string[]).includes(script)) {
    bad("script", `"${script}" is not one of ${NATIVE_SCRIPTS.join(", ")}`);
  }
  if (nativeName === "") bad("native_name", "is empty");
  else if (script in SCRIPT_LETTERS && !SCRIPT_LETTERS[script as NativeScript].test(nativeName)) {
    bad("native_name", `"${nativeName}" has no letter of script ${script}`);
  }
  const evidence = get("evidence");
  if (evidence !== "verified" && evidence !== "unverified") {
    bad("evidence", `"${evidence}" is not verified or unverified`);
  }
  const sourceUrl = get("source_url");
  if (sourceUrl === "") {
    if (evidence === "verified")
      bad("source_url", "is empty, but a verified name needs the source that was read");
  } else if (!/^https?:\/\/\S+$/.test(sourceUrl))
    bad("source_url", `"${sourceUrl}" is not an http(s) address`);
  const retrieved = get("retrieved");
  if (retrieved === "") {
    if (evidence === "verified")
      bad("retrieved", "is empty, but a verified name needs the date its source was read");
  } else if (!isIsoDate(retrieved)) bad("retrieved", `"${retrieved}" is not a YYYY-MM-DD date`);
  if (issues.length > before) return undefined;
  return {
    list: list as ListCode,
    listedName,
    listedId: get("listed_id"),
    country,
    nativeName,
    script: script as NativeScript,
    sourceUrl,
    retrieved,
    evidence: evidence as EvidenceGrade,
    notes: get("notes"),
    line,
  };
}

/** Throws every issue at once, as the rules loader does. */
export function assertEnrichmentValid(file: string, issues: Issue[]): void {
  if (issues.length > 0) throw invalid(file, issues);
}

/** An enrichment row that joined no record of the list in force, and why. */
export interface UnjoinedRow {
  line: number;
  list: ListCode;
  listedName: string;
  listedId: string;
  country: string;
  nativeName: string;
  reason: string;
}

export interface EnrichmentJoin {
  /** Records (indexes into the list) each joined row applies to, in row order. */
  joined: { row: number; records: number[] }[];
  unjoined: UnjoinedRow[];
}

/**
 * The key names join on: NFKC, case-folded, each run of letters and digits a word. Lists republish names
 * with other capitals and punctuation ("CO., LTD." / "Co. Ltd"), which this absorbs; a changed word is
 * another name, reported as not joined rather than guessed.
 */
export function nameKey(name: string): string {
  return (
    name
      .normalize("NFKC")
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu)
      ?.join(" ") ?? ""
  );
}

/**
 * Joins rows to the records of the list in force: by list and normalized name, narrowed to the row's country
 * when it names one (the record's country column or an address tail); and by `_id` when that is still a
 * record of the same list. A row may join several records (one party listed twice).
 */
export function joinEnrichment(
  records: { readonly length: number; at(i: number): CslRecord | undefined },
  rows: readonly EnrichmentRow[],
  countriesOf: (record: number) => readonly string[],
): EnrichmentJoin {
  const wanted = new Set(rows.map((r) => `${r.list}\u0000${nameKey(r.listedName)}`));
  const wantedIds = new Set(rows.map((r) => r.listedId).filter((id) => id !== ""));
  const byName = new Map<string, number[]>();
  const byId = new Map<string, number[]>();
  for (let i = 0; i < records.length; i++) {
    const r = records.at(i)!;
    const list = r.list ?? listCodeOfSource(r.source);
    if (wantedIds.has(r._id)) {
      const key = `${list}\u0000${r._id}`;
      byId.set(key, [...(byId.get(key) ?? []), i]);
    }
    const key = `${list}\u0000${nameKey(r.name)}`;
    if (wanted.has(key)) byName.set(key, [...(byName.get(key) ?? []), i]);
  }
  const join: EnrichmentJoin = { joined: [], unjoined: [] };
  rows.forEach((row, ri) => {
    const named = byName.get(`${row.list}\u0000${nameKey(row.listedName)}`) ?? [];
    const inCountry = row.country === "" ? named : named.filter((i) => countriesOf(i).includes(row.country));
    const ids = row.listedId === "" ? [] : (byId.get(`${row.list}\u0000${row.listedId}`) ?? []);
    const found = [...new Set([...inCountry, ...ids])].sort((a, b) => a - b);
    if (found.length > 0) {
      join.joined.push({ row: ri, records: found });
      return;
    }
    const reason =
      named.length > 0
        ? `the ${row.list} record of that name is not in ${row.country}`
        : `no ${row.list} record of that name${row.listedId ? ` or id ${row.listedId}` : ""}`;
    join.unjoined.push({
      line: row.line,
      list: row.list,
      listedName: row.listedName,
      listedId: row.listedId,
      country: row.country,
      nativeName: row.nativeName,
      reason,
    });
  });
  return join;
}
