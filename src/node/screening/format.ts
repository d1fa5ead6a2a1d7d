import { bestBand } from "../../core/screening/band.js";
import type { ScreeningHit, ScreeningResult } from "../../core/screening/types.js";

type PublicHit = Pick<ScreeningHit, "id" | "name" | "list" | "score" | "band" | "explanation">;

/** The public JSON shape of one screened query (`--json`, `.jsonl` output): the record itself stays out. */
export function resultJson(result: ScreeningResult): {
  query: string;
  hits: PublicHit[];
  moreHits: number;
} {
  return {
    query: result.query,
    hits: result.hits.map((h) => ({
      id: h.id,
      name: h.name,
      list: h.list,
      score: h.score,
      band: h.band,
      explanation: h.explanation,
    })),
    moreHits: result.moreHits ?? 0,
  };
}

/** `resultJson` with the band of the whole result (`clear` without hits): the HTTP API's screening answer. */
export function screenedJson(result: ScreeningResult): ReturnType<typeof resultJson> & {
  band: "match" | "review" | "clear";
} {
  return { ...resultJson(result), band: bestBand(result.hits) ?? "clear" };
}

/**
 * One row of a batch (CSV file, upload or names on standard input), as the batch output gives it: its 1-based
 * line in the input, the input's other columns (by column name), and either its screening or why the row was
 * not screened. A bad row (an empty or over-long name, a malformed country) is reported and the run goes on.
 */
export interface BatchRow {
  line: number;
  name: string;
  country: string | undefined;
  /** The input's other columns, in input order ([] for names on standard input). */
  input: readonly string[];
  result?: ReturnType<typeof screenedJson>;
  error?: string;
}

/** The columns of a batch's input that the output carries along: every column but the name and country. */
export interface CarriedColumns {
  /** Their names in the input. */
  names: readonly string[];
  /** Their positions in an input row. */
  positions: readonly number[];
}

export const CSV_OUT_COLUMNS = [
  "line",
  "query",
  "country",
  "rank",
  "id",
  "name",
  "list",
  "score",
  "band",
  "explanation",
] as const;
export const CSV_OUT_HEADER = `${CSV_OUT_COLUMNS.join(",")}\n`;

/**
 * The CSV header of a batch: the result columns, then the input's other columns (an input column named like
 * a result column is prefixed `input_`, so that no header repeats).
 */
export function batchCsvHeader(carried: CarriedColumns): string {
  const taken = new Set<string>(CSV_OUT_COLUMNS);
  const extra = carried.names.map((n) => {
    let name = n;
    while (taken.has(name)) name = `input_${name}`;
    taken.add(name);
    return name;
  });
  return `${[...CSV_OUT_COLUMNS, ...extra].map(csvField).join(",")}\n`;
}

/** The JSON Lines form of a batch row: `{line, query, country, band, hits, moreHits, input}` or `{line, error, input}`. */
export function batchRowJson(row: BatchRow, carried: CarriedColumns): string {
  const input: Record<string, string> = {};
  carried.names.forEach((n, i) => {
    input[n] = row.input[i] ?? "";
  });
  const extra = carried.names.length > 0 ? { input } : {};
  if (row.error !== undefined || !row.result) {
    return `${JSON.stringify({ line: row.line, query: row.name, error: row.error ?? "not screened", ...extra })}\n`;
  }
  const r = row.result;
  return `${JSON.stringify({
    line: row.line,
    query: r.query,
    country: row.country ?? null,
    band: r.band,
    hits: r.hits,
    moreHits: r.moreHits,
    ...extra,
  })}\n`;
}

/**
 * The CSV form of a batch row: one row per hit; a query without hits, or a bad row (band `error`, the reason
 * in `explanation`), still gets one, so the output accounts for every input row. The input's other columns
 * follow the result columns.
 */
export function batchRowCsv(row: BatchRow): string {
  const c = row.country ?? "";
  const tail = row.input.length > 0 ? `,${row.input.map(csvField).join(",")}` : "";
  if (row.error !== undefined || !row.result) {
    return `${[row.line, row.name, c, 0, "", "", "", "", "error", row.error ?? "not screened"].map(csvField).join(",")}${tail}\n`;
  }
  const r = row.result;
  if (r.hits.length === 0)
    return `${[row.line, r.query, c, 0, "", "", "", "", "", ""].map(csvField).join(",")}${tail}\n`;
  return r.hits
    .map(
      (h, i) =>
        `${[row.line, r.query, c, i + 1, h.id, h.name, h.list, h.score, h.band, h.explanation.summary].map(csvField).join(",")}${tail}\n`,
    )
    .join("");
}

export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function resultText(result: ScreeningResult): string {
  const more = result.moreHits ? ` (${result.moreHits} more not shown; raise --limit)` : "";
  if (result.hits.length === 0) return `${result.query}: no listed party at review level or above\n`;
  const lines = [`${result.query}: ${result.hits.length} hit${result.hits.length === 1 ? "" : "s"}${more}`];
  for (const h of result.hits) {
    lines.push(
      `  ${h.band.toUpperCase().padEnd(6)} ${h.score.toFixed(3)}  ${h.list.padEnd(6)} ${h.name}  [${h.id}]`,
    );
    lines.push(`         ${h.explanation.summary}`);
    if (h.record.license_requirement)
      lines.push(`         license requirement: ${h.record.license_requirement}`);
  }
  return `${lines.join("\n")}\n`;
}
