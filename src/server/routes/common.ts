import { z } from "zod";
import { isIsoDate } from "../../core/dates.js";
import { LIMITS } from "../../core/limits.js";

export const isoDate = z
  .string()
  .refine(isIsoDate, { error: "must be a real calendar date written YYYY-MM-DD" })
  .meta({ format: "date", example: "2024-06-01" });

export const modeParam = z
  .enum(["as-enforced", "as-codified"], { error: "must be as-enforced or as-codified" })
  .meta({ description: "as-enforced (default) or as-codified" });

/** A whole number given as a query string. */
export const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, { error: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `must be a whole number from ${min} to ${max}` });

export const idParams = z.object({ id: z.string().min(1).max(LIMITS.textLength) });

/** Today in UTC: the default date of a classification. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
