import type { Band } from "./types.js";

/** The band of a whole screening: its strongest hit's, or null without hits. */
export function bestBand(hits: readonly { band: Band }[]): Band | null {
  if (hits.some((h) => h.band === "match")) return "match";
  return hits.length > 0 ? "review" : null;
}
