import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import type { Issue } from "../../core/errors.js";
import { ChipGateError } from "../../core/errors.js";
import {
  assertEnrichmentValid,
  type EnrichmentRow,
  parseEnrichmentHeader,
  parseEnrichmentRow,
} from "../../core/screening/enrichment.js";
import { dataPath } from "../package-info.js";

/** The bundled native-script names of listed parties (see data/screening/enrichment/README.md). */
export function bundledEnrichmentPath(): string {
  return dataPath("screening", "enrichment", "native-names.csv");
}

/**
 * Reads and validates a native-name file strictly: an unknown or missing column, or any bad field, is an
 * error naming the file, the line and the column; every problem is reported at once.
 */
export async function readEnrichmentFile(file: string): Promise<EnrichmentRow[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new ChipGateError(
      "SCREENING_DATA_INVALID",
      `${file}: cannot read the enrichment: ${(e as Error).message}`,
    );
  }
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (e) {
    const err = e as { lines?: number; message?: string };
    throw new ChipGateError(
      "SCREENING_DATA_INVALID",
      `${file}: ${err.lines ? `line ${err.lines}: ` : ""}malformed CSV: ${err.message}`,
    );
  }
  if (parsed.length === 0) {
    throw new ChipGateError("SCREENING_DATA_INVALID", `${file}: line 1: the file is empty (no header)`);
  }
  const header = parseEnrichmentHeader(file, parsed[0]!.record);
  const issues: Issue[] = [];
  const rows: EnrichmentRow[] = [];
  let previousEnd = parsed[0]!.info.lines;
  for (const { record, info } of parsed.slice(1)) {
    const line = previousEnd + 1;
    previousEnd = info.lines;
    const row = parseEnrichmentRow(file, header, record, line, issues);
    if (row) rows.push(row);
  }
  assertEnrichmentValid(file, issues);
  return rows;
}
