import { ChipGateError } from "../errors.js";

const ACCEPTED =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Human description of what `parseInstant` accepts, for error messages and help text. */
export const INSTANT_FORMAT =
  "an ISO 8601 date (2025-01-31, midnight UTC) or date-time with offset (2025-01-31T12:00:00Z)";

/**
 * Parses a bound of a time range into the form stores keep `recordedAt` in (`YYYY-MM-DDTHH:mm:ss.sssZ`), so that
 * bounds compare as strings. Rejects what `Date` would silently roll over (2025-02-30) and times without an
 * offset (ambiguous). `name` is the flag or field named in the error.
 */
export function parseInstant(text: string, name: string): string {
  const m = ACCEPTED.exec(text.trim());
  const invalid = (why: string) =>
    new ChipGateError(
      "INVALID_INPUT",
      `${name}: ${JSON.stringify(text)} ${why}; expected ${INSTANT_FORMAT}`,
      [{ path: name, message: `${why}; expected ${INSTANT_FORMAT}` }],
    );
  if (!m) throw invalid("is not a date");
  const [, y, mo, d, h = "00", mi = "00", s = "00"] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) throw invalid("is not a calendar date");
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) throw invalid("is not a valid time of day");
  const date = new Date(m[4] === undefined ? `${y}-${mo}-${d}T00:00:00Z` : text.trim());
  if (Number.isNaN(date.getTime())) throw invalid("is not a date");
  const iso = date.toISOString();
  if (!/^\d{4}-/.test(iso)) throw invalid("is outside years 0000-9999");
  return iso;
}
