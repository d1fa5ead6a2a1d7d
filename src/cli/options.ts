import { readFileSync } from "node:fs";
import { isIsoDate } from "../core/dates.js";
import { ChipGateError } from "../core/errors.js";
import type { Mode } from "../core/rules/schema.js";

function invalid(path: string, message: string): never {
  throw new ChipGateError("INVALID_INPUT", `${path}: ${message}`, [{ path, message }]);
}

/** Today's date in UTC, the default for --date. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function parseDate(value: string | undefined, flag = "--date"): string {
  if (value === undefined) return today();
  if (!isIsoDate(value))
    invalid(flag, `'${value}' is not a real calendar date; expected YYYY-MM-DD, e.g. 2024-06-01`);
  return value;
}

export function parseMode(value: string | undefined, flag = "--mode"): Mode {
  if (value === undefined) return "as-enforced";
  if (value !== "as-enforced" && value !== "as-codified") {
    invalid(flag, `'${value}' is not a mode; accepted: as-enforced (default), as-codified`);
  }
  return value;
}

/** Reads a JSON document from a file path or "-" (standard input). */
export function readJsonInput(source: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(source === "-" ? 0 : source, "utf8");
  } catch (error) {
    return invalid(
      flag,
      `cannot read '${source}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    // Editors on Windows save UTF-8 with a byte-order mark; it is not part of the JSON.
    return JSON.parse(text.startsWith("\uFEFF") ? text.slice(1) : text);
  } catch (error) {
    return invalid(flag, `'${source}' is not valid JSON: ${(error as Error).message}`);
  }
}
