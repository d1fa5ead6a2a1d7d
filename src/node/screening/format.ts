import { bestBand } from "../../core/screening/band.js";
import type { ScreeningHit, ScreeningResult } from "../../core/screening/types.js";

/** The public JSON shape of one screened query (`--json`, `.jsonl` output): the record itself stays out. */
export function resultJson(result: ScreeningResult): {
  query: string;
  hits: Pick<ScreeningHit, "id" | "name" | "list" | "score" | "band" | "explanation">[];
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
  };
}

/** `resultJson` with the band of the whole result (`clear` without hits): the HTTP API's screening answer. */
export function screenedJson(result: ScreeningResult): ReturnType<typeof resultJson> & {
  band: "match" | "review" | "clear";
} {
  return { ...resultJson(result), band: bestBand(result.hits) ?? "clear" };
}

export const CSV_OUT_HEADER = "line,query,country,rank,id,name,list,score,band,explanation\n";

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV row per hit; a query without hits still gets a row, so the output accounts for every input. */
export function resultCsv(line: number, result: ScreeningResult, country: string | undefined): string {
  const c = country ?? "";
  if (result.hits.length === 0)
    return `${[line, result.query, c, 0, "", "", "", "", "", ""].map(csvField).join(",")}\n`;
  return result.hits
    .map(
      (h, i) =>
        `${[line, result.query, c, i + 1, h.id, h.name, h.list, h.score, h.band, h.explanation.summary].map(csvField).join(",")}\n`,
    )
    .join("");
}

export function resultText(result: ScreeningResult): string {
  if (result.hits.length === 0) return `${result.query}: no listed party at review level or above\n`;
  const lines = [`${result.query}: ${result.hits.length} hit${result.hits.length === 1 ? "" : "s"}`];
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
