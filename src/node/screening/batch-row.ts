import { LIMITS } from "../../core/limits.js";

/**
 * The one policy for a bad row of a batch, in the CLI and the HTTP API alike: a row whose name is empty or
 * longer than `LIMITS.nameLength`, or whose country is not an ISO alpha-2 code, is not screened; it gets an
 * error line in the output, the run goes on, and the summary counts it. (A missing column, or a file that is
 * not valid CSV, stops the run instead.) `columns.name` is the name column ("" for names on standard input).
 */
export function checkBatchRow(
  name: string,
  country: string | undefined,
  columns: { name: string; country?: string | undefined },
): { name: string; country: string | undefined } | { error: string } {
  const trimmed = name.trim();
  const what = columns.name === "" ? "the line" : `column "${columns.name}"`;
  if (trimmed === "") return { error: `${what} is empty` };
  if (trimmed.length > LIMITS.nameLength) {
    return { error: `${what} is longer than ${LIMITS.nameLength} characters` };
  }
  const c = country?.trim() ?? "";
  if (c !== "" && !/^[A-Za-z]{2}$/.test(c)) {
    return { error: `column "${columns.country}" is not an ISO 3166 alpha-2 code: "${c}"` };
  }
  return { name: trimmed, country: c === "" ? undefined : c.toUpperCase() };
}
