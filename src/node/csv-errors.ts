import { CsvError } from "csv-parse";
import { ChipGateError, type ErrorCode } from "../core/errors.js";

/**
 * The input error for a CSV that csv-parse could not read, or undefined when `error` is something else. Every
 * reader of CSV input (screening upload and file, list import) reports it in these words, so the CLI and the
 * API say the same thing about the same file. csv-parse's error codes are not all prefixed (`CSV_…` and
 * `INVALID_OPENING_QUOTE` alike), so the class is what is checked.
 */
export function unreadableCsv(error: unknown, code: ErrorCode = "INVALID_INPUT"): ChipGateError | undefined {
  if (!(error instanceof CsvError)) return undefined;
  const line = (error as CsvError & { lines?: number }).lines;
  const message = `${line ? `line ${line}: ` : ""}unreadable CSV: ${error.message}`;
  return new ChipGateError(code, message, [
    { path: line ? `line ${line}` : "(csv)", message: error.message },
  ]);
}

/** The input error for a CSV without even a header row, in the same words everywhere. */
export function emptyCsv(code: ErrorCode = "INVALID_INPUT"): ChipGateError {
  const message = "the CSV is empty; expected a header row";
  return new ChipGateError(code, message, [{ path: "line 1", message: "no header row" }]);
}
