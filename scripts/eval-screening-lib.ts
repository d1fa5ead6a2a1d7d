import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import {
  DEFAULT_MATCH_THRESHOLD,
  DEFAULT_REVIEW_THRESHOLD,
  type ScreeningHit,
  type ScreeningIndex,
  screenName,
} from "../src/core/screening/index.js";
import { traditionalToSimplified } from "../src/core/screening/normalize/han.js";

export interface EvalRow {
  query: string;
  expectedIds: string[];
  variantKind: string;
  /** ISO 15924 script of the query: the set's `script` column, or read from the query itself. */
  script: Script;
}

/** The scripts the evaluation reports separately (ISO 15924; Japanese and Korean only among ordinary names). */
export const SCRIPTS = ["Latn", "Hans", "Hant", "Cyrl", "Arab", "Jpan", "Kore"] as const;
export type Script = (typeof SCRIPTS)[number] | "other";

/** Negatives that are everyday company names (none listed), reported apart from look-alikes. */
export const ORDINARY_KIND = "ordinary_company";

/**
 * The script a query is written in: Chinese is traditional (Hant) when OpenCC's conversion to simplified
 * changes it, simplified (Hans) otherwise; a query mixing Latin with another script counts as the other.
 */
export function scriptOf(query: string): Script {
  if (/\p{Script=Han}/u.test(query)) return traditionalToSimplified(query) !== query ? "Hant" : "Hans";
  if (/\p{Script=Cyrillic}/u.test(query)) return "Cyrl";
  if (/\p{Script=Arabic}/u.test(query)) return "Arab";
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(query)) return "Jpan";
  if (/\p{Script=Hangul}/u.test(query)) return "Kore";
  if (/[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u.test(query)) return "other";
  return "Latn";
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
    const declared = r.script?.trim();
    if (declared !== undefined && declared !== "" && !(SCRIPTS as readonly string[]).includes(declared)) {
      throw new Error(`${file}: line ${i + 2}: script "${declared}" is not one of ${SCRIPTS.join(", ")}`);
    }
    return {
      query: r.query,
      expectedIds: r.expected_match_id.split("|").filter((s) => s !== ""),
      variantKind: r.variant_kind,
      script: declared ? (declared as Script) : scriptOf(r.query),
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

/** True-identity recall and negatives flagged among the queries written in one script. */
export interface ScriptFigures {
  script: Script;
  identity: { n: number; found: number };
  negatives: { n: number; flagged: number };
}

export interface NegativeFigures {
  n: number;
  flagged: number;
  flaggedShare: number;
  flaggedAtMatch: number;
}

export interface EvalReport {
  rows: number;
  identity: { n: number; recall: number; recallAtMatch: number };
  /** True-identity recall on queries in Chinese characters (Hans and Hant together). */
  chineseScript: { n: number; recall: number };
  review: { n: number; recall: number };
  negatives: NegativeFigures;
  /** Everyday company names (variant kind `ordinary_company`), also counted in `negatives`. */
  ordinary: NegativeFigures;
  overall: { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number };
  /** Positives whose hits contained only other parties (counted as false positives too). */
  wrongParty: number;
  perKind: KindFigures[];
  perScript: ScriptFigures[];
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
  const ordinary = { n: 0, flagged: 0, atMatch: 0 };
  let hanN = 0;
  let hanFound = 0;
  const scripts = new Map<Script, ScriptFigures>();
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
    let sc = scripts.get(row.script);
    if (!sc) {
      sc = { script: row.script, identity: { n: 0, found: 0 }, negatives: { n: 0, flagged: 0 } };
      scripts.set(row.script, sc);
    }
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
      sc.negatives.n++;
      const isOrdinary = row.variantKind === ORDINARY_KIND;
      if (isOrdinary) ordinary.n++;
      if (hits.length > 0) {
        negFlag++;
        fp++;
        k.hits++;
        sc.negatives.flagged++;
        if (isOrdinary) ordinary.flagged++;
        k.misses.push(`${row.query} → ${hits[0]!.name} (${hits[0]!.score})`);
        if (hits.some((h) => h.band === "match")) {
          negMatch++;
          k.matchBand++;
          if (isOrdinary) ordinary.atMatch++;
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
      sc.identity.n++;
      if (found) {
        idHit++;
        sc.identity.found++;
      }
      if (found?.band === "match") idMatch++;
      if (row.script === "Hans" || row.script === "Hant") {
        hanN++;
        if (found) hanFound++;
      }
    } else {
      rvN++;
      if (found) rvHit++;
    }
  }
  const msPerQuery = (performance.now() - started) / rows.length;
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const r4 = (x: number): number => Math.round(x * 10000) / 10000;
  const order = (x: Script): number => {
    const i = (SCRIPTS as readonly string[]).indexOf(x);
    return i < 0 ? SCRIPTS.length : i;
  };
  return {
    rows: rows.length,
    identity: {
      n: idN,
      recall: r4(idN === 0 ? 1 : idHit / idN),
      recallAtMatch: r4(idN === 0 ? 1 : idMatch / idN),
    },
    chineseScript: { n: hanN, recall: r4(hanN === 0 ? 1 : hanFound / hanN) },
    review: { n: rvN, recall: r4(rvN === 0 ? 1 : rvHit / rvN) },
    negatives: {
      n: negN,
      flagged: negFlag,
      flaggedShare: r4(negN === 0 ? 0 : negFlag / negN),
      flaggedAtMatch: negMatch,
    },
    ordinary: {
      n: ordinary.n,
      flagged: ordinary.flagged,
      flaggedShare: r4(ordinary.n === 0 ? 0 : ordinary.flagged / ordinary.n),
      flaggedAtMatch: ordinary.atMatch,
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
    perScript: [...scripts.values()].sort((a, b) => order(a.script) - order(b.script)),
    msPerQuery: Math.round(msPerQuery * 1000) / 1000,
    distributions: { identity: idScores, negatives: negScores, bins: histogram(idScores, negScores) },
  };
}

/** The figures of one set that the regression test holds as floors (`eval-baseline.json`). */
export interface EvalSetFloors {
  identityRecall: number;
  chineseScriptRecall: number;
  reviewRecall: number;
  negativesFlaggedShare: number;
  ordinaryFlaggedShare: number;
  ordinaryFlaggedAtMatch: number;
  precision: number;
}

export function floorsOf(r: EvalReport): EvalSetFloors {
  return {
    identityRecall: r.identity.recall,
    chineseScriptRecall: r.chineseScript.recall,
    reviewRecall: r.review.recall,
    negativesFlaggedShare: r.negatives.flaggedShare,
    ordinaryFlaggedShare: r.ordinary.flaggedShare,
    ordinaryFlaggedAtMatch: r.ordinary.flaggedAtMatch,
    precision: r.overall.precision,
  };
}
