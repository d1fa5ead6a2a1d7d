import type { CslRecord, ListCode } from "./csl.js";

export type Band = "match" | "review";

/**
 * How one query word (or run of words) met one listed word:
 * - `exact`: same word after normalization (case, diacritics, punctuation, legal forms, plurals);
 * - `spacing`: same letters, split or joined differently ("Hua Wei" / "Huawei", "ZHIPUAI" / "Zhipu AI");
 * - `transliterated`: the query word came from another script (Chinese → pinyin, Cyrillic, Persian);
 * - `translated`: a Chinese word rendered in English, by the glossary of generic words (技术 → technology)
 *   or by the CC-CEDICT dictionary (浪潮 → wave, 华为 → huawei);
 * - `phonetic`: a different romanization of the same sounds (Rosoboroneksport / Rosoboronexport);
 * - `typo`: within `distance` edits;
 * - `acronym`: the query word is the initials of the listed name;
 * - `alias`: the list itself gives the query word as another spelling of the listed word, in a record whose
 *   name and alias differ only there ("Shangtang" / "Sensetime"), or as the abbreviation of listed words
 *   (a record named "Aviation Industry Corporation of China" with the alias "AVIC").
 */
export type MatchHow =
  | "exact"
  | "spacing"
  | "transliterated"
  | "translated"
  | "phonetic"
  | "typo"
  | "acronym"
  | "alias";

export interface TokenMatch {
  query: string;
  listed: string;
  how: MatchHow;
  /** Edit distance, for `typo`. */
  distance?: number;
  /** Similarity of the pair in [0, 1]. */
  similarity: number;
  /** Rarity of the listed word over the whole list (IDF); rare words identify, common ones don't. */
  weight: number;
}

export interface ScoreAdjustment {
  reason: string;
  delta: number;
}

export interface Explanation {
  /** The listed name or alias that matched best. */
  matchedName: string;
  via: "name" | "alias";
  matches: TokenMatch[];
  /** Listed words the query lacks (weighted by rarity, they lower the score). */
  unmatchedListed: string[];
  /** Query words not found in the listed name. */
  unmatchedQuery: string[];
  /** Legal-form words ignored on both sides. */
  ignoredLegalForms: string[];
  /** Name similarity before adjustments. */
  nameScore: number;
  adjustments: ScoreAdjustment[];
  summary: string;
  /**
   * Present when the name that matched is a native-script name from the enrichment data
   * (data/screening/enrichment/), not the list's own: where it comes from and how well it is established.
   */
  enrichment?: NativeNameSource;
}

/** A native-script name of a listed party from the enrichment data, with its provenance. */
export interface NativeNameSource {
  nativeName: string;
  /** ISO 15924: Hans, Hant, Cyrl or Arab. */
  script: string;
  /** The source that was read and states the name; null for an unverified name. */
  sourceUrl: string | null;
  /** When the source was read (YYYY-MM-DD); null when none was. */
  retrieved: string | null;
  /** `verified` counts as an alias; `unverified` can raise a hit to review, never to match. */
  evidence: "verified" | "unverified";
}

export interface ScreeningHit {
  /** The CSL `_id` of the listed record. */
  id: string;
  name: string;
  list: ListCode;
  score: number;
  band: Band;
  explanation: Explanation;
  record: CslRecord;
}

export interface ScreeningResult {
  query: string;
  hits: ScreeningHit[];
  /** Hits beyond `limit` that were not returned (0 when all were). */
  moreHits?: number;
}

export interface ScreeningQuery {
  name: string;
  /** ISO 3166 alpha-2 country of the party. */
  country?: string;
  address?: string;
}

export interface ScreeningOptions {
  /** Lowest score returned as `review` (default 0.68). */
  reviewThreshold?: number;
  /** Lowest score returned as `match` (default 0.85). */
  matchThreshold?: number;
  /** Most hits returned (default 10, at most `LIMITS.hitsPerName`); the result says how many more exist. */
  limit?: number;
  /** Lowest score returned (default: the review threshold; a lower value does not return hits below review). */
  minScore?: number;
  /** Only hits on these lists (default: all). */
  lists?: readonly ListCode[];
}
