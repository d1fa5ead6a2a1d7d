import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import { ChipGateError } from "../../core/errors.js";
import {
  type CslHeader,
  type CslRecord,
  type ListCode,
  parseCslHeader,
  parseCslRow,
} from "../../core/screening/csl.js";
import { emptyCsv, unreadableCsv } from "../csv-errors.js";

export interface CslFileContents {
  records: CslRecord[];
  /** sha256 of the file bytes, hex. */
  hash: string;
  rowsPerList: Partial<Record<ListCode, number>>;
  /** Latest snapshot_date, or the latest start_date for an official file that has no snapshot column. */
  snapshotDate: string | undefined;
}

function unreadable(file: string, error: unknown): ChipGateError {
  const reason =
    (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
  return new ChipGateError("SCREENING_DATA_INVALID", `${file}: cannot read the screening list: ${reason}`, [
    { path: file, message: reason },
  ]);
}

/**
 * Streams and validates a CSL-layout CSV. All or nothing: the first malformed row aborts with its line
 * number and reason, and the caller keeps whatever it had loaded before. Messages name the file as `label`
 * (default its path): an upload is named as its sender called it, never by where the server keeps it.
 */
export async function readCslFile(path: string, options: { label?: string } = {}): Promise<CslFileContents> {
  const file = options.label ?? path;
  const hash = createHash("sha256");
  const source = createReadStream(path);
  source.on("data", (chunk) => hash.update(chunk));
  const parser = source.pipe(
    parse({ bom: true, relax_column_count: true, info: true, skip_empty_lines: true }),
  );
  source.on("error", (e) => parser.destroy(e));

  let header: CslHeader | undefined;
  const records: CslRecord[] = [];
  const rowsPerList: Partial<Record<ListCode, number>> = {};
  let snapshot = "";
  let latestStart = "";
  let prevEndLine = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const line = prevEndLine + 1;
      prevEndLine = info.lines;
      if (!header) {
        try {
          header = parseCslHeader(record);
        } catch (e) {
          if (e instanceof ChipGateError) throw new ChipGateError(e.code, `${file}: ${e.message}`, e.issues);
          throw e;
        }
        continue;
      }
      // OFAC-derived files sometimes end with a DOS end-of-file character on its own line.
      if (record.length === 1 && record[0]!.trim().replace(/\x1a/g, "") === "") continue;
      let r: CslRecord;
      try {
        r = parseCslRow(header, record, line);
      } catch (e) {
        if (e instanceof ChipGateError) throw new ChipGateError(e.code, `${file}: ${e.message}`, e.issues);
        throw e;
      }
      records.push(r);
      rowsPerList[r.list] = (rowsPerList[r.list] ?? 0) + 1;
      if (r.snapshot_date > snapshot) snapshot = r.snapshot_date;
      if (r.start_date > latestStart) latestStart = r.start_date;
    }
  } catch (e) {
    if (e instanceof ChipGateError) throw e;
    const csv = unreadableCsv(e, "SCREENING_DATA_INVALID");
    if (csv) throw new ChipGateError(csv.code, `${file}: ${csv.message}`, csv.issues);
    throw unreadable(file, e);
  }
  if (!header) {
    const empty = emptyCsv("SCREENING_DATA_INVALID");
    throw new ChipGateError(empty.code, `${file}: ${empty.message}`, empty.issues);
  }
  if (records.length === 0) {
    throw new ChipGateError("SCREENING_DATA_INVALID", `${file}: the file has a header but no records`, [
      { path: file, message: "no records" },
    ]);
  }
  return {
    records,
    hash: hash.digest("hex"),
    rowsPerList,
    snapshotDate: snapshot || latestStart || undefined,
  };
}
