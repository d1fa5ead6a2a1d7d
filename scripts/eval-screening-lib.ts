import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import {
  DEFAULT_MATCH_THRESHOLD,
  DEFAULT_REVIEW_THRESHOLD,
  type ScreeningHit,
  type ScreeningIndex,
  screenName,
} from "../src/core/screening/index.js";

export interface EvalRow {
  query: string;
  expectedIds: string[];
  variantKind: string;
}

/** Kinds that the labelling policy calls "strict reading": a reviewer wants them, identity is not claimed. */
export const REVIEW_KINDS = new Set([
  "token_overlap_review",
  "alias_token_collision",
  "acronym_alias_collision",
  "parent_of_listed",
  "subsidiary_style",
]);

export function readEvalSet(file: string): EvalRow[] {
  const rows = parse(readFileSync(file, "utf8"), { columns: true, bom: true }) as Record<string, string>[];
  return rows.map((r, i) => {
    if (r.query === undefined || r.variant_kind === undefined || r.expected_match_id === undefined) {
      throw new Error(`${file}: line ${i + 2}: missing query, expected_match_id or variant_kind`);
    }
    return {
      query: r.query,
      expectedIds: r.expected_match_id.split("|").filter((s) => s !== ""),
      variantKind: r.variant_kind,
    };
  });
}

export interface KindFigures {
  kind: string;
  group: "identity" | "review" | "negative";
  n: number;
  /** Positives: found at review or above. Negatives: flagged at review or above. */
  hits: number;
  /** Positives found at the match band. */
  matchBand: number;
  misses: string[];
}

export interface EvalReport {
  identity: { n: number; recall: number; recallAtMatch: number };
  review: { n: number; recall: number };
  negatives: { n: number; flagged: number; flaggedShare: number; flaggedAtMatch: number };
  overall: { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number };
  /** Positives whose hits contained only other parties (counted as false positives too). */
  wrongParty: number;
  perKind: KindFigures[];
  msPerQuery: number;
  /**
   * Score distributions the band thresholds are chosen from: for each true-identity positive the score
   * of its expected party (0 when not found even at 0.3), for each negative its best score.
   */
  distributions: { identity: number[]; negatives: number[]; bins: ScoreBin[] };
}

export interface ScoreBin {
  from: number;
  identity: number;
  negatives: number;
}

/** Scores below this are not collected: far from any band, they only slow the run down. */
const FLOOR = 0.3;

function histogram(identity: number[], negatives: number[]): ScoreBin[] {
  const bins: ScoreBin[] = [];
  for (let b = 0; b < 14; b++) {
    const from = b === 0 ? 0 : FLOOR + (b - 1) * 0.05;
    const to = b === 0 ? FLOOR : from + 0.05;
    const inBin = (x: number): boolean => x >= from && (b === 13 ? true : x < to);
    bins.push({
      from: Math.round(from * 100) / 100,
      identity: identity.filter(inBin).length,
      negatives: negatives.filter(inBin).length,
    });
  }
  return bins;
}

export function evaluate(index: ScreeningIndex, rows: EvalRow[]): EvalReport {
  const kinds = new Map<string, KindFigures>();
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let wrongParty = 0;
  let idN = 0;
  let idHit = 0;
  let idMatch = 0;
  let rvN = 0;
  let rvHit = 0;
  let negN = 0;
  let negFlag = 0;
  let negMatch = 0;
  const idScores: number[] = [];
  const negScores: number[] = [];
  const started = performance.now();
  for (const row of rows) {
    const group =
      row.expectedIds.length === 0 ? "negative" : REVIEW_KINDS.has(row.variantKind) ? "review" : "identity";
    let k = kinds.get(row.variantKind);
    if (!k) {
      k = { kind: row.variantKind, group, n: 0, hits: 0, matchBand: 0, misses: [] };
      kinds.set(row.variantKind, k);
    }
    k.n++;
    // Screened below the review band to see the distributions; the bands are then applied here.
    const all = screenName(index, { name: row.query }, { reviewThreshold: FLOOR, limit: 50 }).hits;
    const hits: ScreeningHit[] = all
      .filter((h) => h.score >= DEFAULT_REVIEW_THRESHOLD)
      .slice(0, 10)
      .map((h) => ({ ...h, band: h.score >= DEFAULT_MATCH_THRESHOLD ? "match" : "review" }));
    if (group === "negative") negScores.push(all[0]?.score ?? 0);
    else if (group === "identity") {
      idScores.push(all.find((h) => row.expectedIds.includes(h.id))?.score ?? 0);
    }
    if (group === "negative") {
      negN++;
      if (hits.length > 0) {
        negFlag++;
        fp++;
        k.hits++;
        k.misses.push(`${row.query} → ${hits[0]!.name} (${hits[0]!.score})`);
        if (hits.some((h) => h.band === "match")) {
          negMatch++;
          k.matchBand++;
        }
      }
      continue;
    }
    const found = hits.find((h) => row.expectedIds.includes(h.id));
    if (found) {
      tp++;
      k.hits++;
      if (found.band === "match") k.matchBand++;
    } else {
      fn++;
      if (hits.length > 0) {
        wrongParty++;
        fp++;
      }
      k.misses.push(
        hits.length > 0 ? `${row.query} → wrong: ${hits[0]!.name} (${hits[0]!.score})` : row.query,
      );
    }
    if (group === "identity") {
      idN++;
      if (found) idHit++;
      if (found?.band === "match") idMatch++;
    } else {
      rvN++;
      if (found) rvHit++;
    }
  }
  const msPerQuery = (performance.now() - started) / rows.length;
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const r4 = (x: number): number => Math.round(x * 10000) / 10000;
  return {
    identity: { n: idN, recall: r4(idHit / idN), recallAtMatch: r4(idMatch / idN) },
    review: { n: rvN, recall: r4(rvN === 0 ? 1 : rvHit / rvN) },
    negatives: {
      n: negN,
      flagged: negFlag,
      flaggedShare: r4(negN === 0 ? 0 : negFlag / negN),
      flaggedAtMatch: negMatch,
    },
    overall: {
      precision: r4(precision),
      recall: r4(recall),
      f1: r4(precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)),
      tp,
      fp,
      fn,
    },
    wrongParty,
    perKind: [...kinds.values()].sort(
      (a, b) => a.group.localeCompare(b.group) || a.kind.localeCompare(b.kind),
    ),
    msPerQuery: Math.round(msPerQuery * 1000) / 1000,
    distributions: { identity: idScores, negatives: negScores, bins: histogram(idScores, negScores) },
  };
}
