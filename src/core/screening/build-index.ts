import { type CslRecord, LIST_CODES, splitCslList } from "./csl.js";
import { boundedEditDistance, deletions } from "./distance.js";
import { type EnrichmentRow, joinEnrichment, type UnjoinedRow } from "./enrichment.js";
import { expandListedName } from "./names.js";
import { isGenericWord } from "./normalize/generic.js";
import type { Origin } from "./normalize/han.js";
import { isOrdinaryWord } from "./normalize/ordinary.js";
import { phoneticKey } from "./normalize/phonetic.js";
import { normalizeName } from "./normalize/pipeline.js";
import { isPlace } from "./normalize/places.js";

/** One indexed name of one record, as term ids. */
export interface IndexedName {
  readonly record: number;
  readonly text: string;
  readonly via: "name" | "alias";
  readonly tokens: Int32Array;
  /** Term ids of adjacent pairs and triples joined without a space ("zhipu"+"ai" → "zhipuai"). */
  readonly pairs: Int32Array;
  readonly triples: Int32Array;
  /** Term id of the initials, when they are at least four letters (see `initials`); -1 otherwise. */
  readonly acronym: number;
  readonly legal: readonly string[];
  /** Sum of the term weights of the tokens: the "identifying mass" of the name. */
  readonly mass: number;
  /** How many of the tokens are distinctive (see `ScreeningIndex.distinctive`). */
  readonly distinctiveCount: number;
  /** The row of `ScreeningIndex.enrichment.rows` this native-script name comes from, or -1. */
  readonly enrichment: number;
}

/** The native-script names applied to this index, and the rows that found no record (see enrichment.ts). */
export interface IndexEnrichment {
  readonly rows: readonly EnrichmentRow[];
  /** Rows that joined at least one record, and how many records they joined. */
  readonly joinedRows: number;
  readonly joinedRecords: number;
  readonly unjoined: readonly UnjoinedRow[];
}

/**
 * Rows read by position: an array, or a packed table loaded from the index cache that makes each row on
 * first use (see index-codec.ts), so loading does not pay for rows no query reaches.
 */
export interface Table<T> {
  readonly length: number;
  at(i: number): T | undefined;
}

/** Rows of numbers packed in one array: row `i` is `items[start[i] .. start[i + 1])`. */
export interface Csr {
  readonly start: Int32Array;
  readonly items: Int32Array;
}

/** The ids of a term (a Map, or the packed hash table of a loaded index). */
export interface TermLookup {
  get(term: string): number | undefined;
}

export interface ScreeningIndex {
  readonly records: Table<CslRecord>;
  readonly names: Table<IndexedName>;
  /** `IndexedName.mass` per name, packed: ranking candidates reads it for every name a query touches. */
  readonly nameMass: Float64Array;
  /** `IndexedName.record` per name, packed, and each record's list (its position in `LIST_CODES`). */
  readonly nameRecord: Int32Array;
  readonly recordList: Uint8Array;
  readonly terms: Table<string>;
  readonly termIds: TermLookup;
  readonly idf: Float64Array;
  /**
   * What a term weighs in a score: its IDF, scaled down for very short words (which meet by chance)
   * and for place names (which say where, not who).
   */
  readonly weight: Float64Array;
  /** What a term weighs when only one side has it (see `penaltyFactor`). */
  readonly penalty: Float64Array;
  /** 1 when a term can identify a party: not a generic word, a place, a number or a 1-2 letter word. */
  readonly distinctive: Uint8Array;
  /** 1 when a distinctive term is an ordinary English word ("summit", "orion"; see `isOrdinaryWord`). */
  readonly ordinary: Uint8Array;
  /** Weight given to a query word the list does not contain. */
  readonly unknownWeight: number;
  /** Record-level document frequency of each term. */
  readonly df: Int32Array;
  /** Term → names containing it (as token, joined pair/triple, or acronym), in name order. */
  readonly postings: Csr;
  /** Hash of a phonetic key → term ids (see `HashTable`; callers check the key of each term). */
  readonly byKey: HashTable;
  /**
   * Hash of a one-deletion variant of a single-word term → the term ids it came from (callers verify
   * each by edit distance, which also rules out hash collisions).
   */
  readonly byDeletion: HashTable;
  /** ISO-2 countries per record, from the country column and the address tails. */
  readonly countries: Table<readonly string[]>;
  /**
   * Words the list itself gives as the same name in another spelling: a record whose name and alias are
   * the same words but one or two ("Beijing Sensetime Technology" / "Beijing Shangtang Technology"); and
   * abbreviations it spells out, linked to the joined run of words they stand for (see `mineAbbreviations`).
   */
  readonly synonyms: ReadonlyMap<number, readonly number[]>;
  readonly enrichment: IndexEnrichment;
}

const MIN_ACRONYM = 4;

/**
 * A multimap from a 32-bit string hash to term ids, packed in two sorted typed arrays: far smaller and
 * faster to build than a Map of strings to arrays with hundreds of thousands of keys. A hash can
 * collide, so every caller checks what it gets back.
 */
export interface HashTable {
  readonly hashes: Uint32Array;
  readonly terms: Int32Array;
}

/** FNV-1a over UTF-16 code units. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Packs (hash, term) pairs given as `hash * 2^21 + term` (terms < 2^21) into a `HashTable`. */
export function packHashTable(entries: Float64Array): HashTable {
  entries.sort();
  const hashes = new Uint32Array(entries.length);
  const terms = new Int32Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const t = e % TERM_SPACE;
    hashes[i] = (e - t) / TERM_SPACE;
    terms[i] = t;
  }
  return { hashes, terms };
}

export const TERM_SPACE = 2 ** 21;

/** Calls `visit` with every term id filed under `hash`. */
export function forEachInTable(table: HashTable, hash: number, visit: (term: number) => void): void {
  const { hashes, terms } = table;
  let lo = 0;
  let hi = hashes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (hashes[mid]! < hash) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < hashes.length && hashes[i] === hash; i++) visit(terms[i]!);
}

/** Compass compounds give an initial per direction: Northwestern Polytechnical University is NWPU. */
const COMPASS = /^(north|south)(east|west)/;

/** The initials of a name's words, as acronyms are formed from them. */
export function initials(tokens: readonly string[]): string {
  let out = "";
  for (const t of tokens) {
    const m = COMPASS.exec(t);
    out += m ? m[1]![0]! + m[2]![0]! : t[0]!;
  }
  return out;
}

/** Length and place discounts shared by list and query words (see `ScreeningIndex.weight`). */
export function termFactor(term: string): number {
  const lengthFactor = lengthFactorOf(term);
  return isPlace(term) || isGenericWord(term) ? Math.min(lengthFactor, GENERIC_FACTOR) : lengthFactor;
}

/**
 * Generic words and places keep a little weight, so that a name made only of them ("China Aerospace
 * Science and Technology Corporation") still has a shape to match, but far too little to create or
 * destroy a match of a distinctive word.
 */
const GENERIC_FACTOR = 0.12;

/**
 * What a word costs when only one side has it. A generic word left over on one side is weak evidence
 * of a different party, more than it is evidence of the same party when both have it: "Ruixin Display
 * Technology" and "Ruixin Investment" describe different businesses. Places stay cheap, because the
 * same party is often written with or without its city.
 */
export function penaltyFactor(term: string): number {
  if (isGenericWord(term) && !isPlace(term)) return Math.min(lengthFactorOf(term), GENERIC_PENALTY_FACTOR);
  return termFactor(term);
}

const GENERIC_PENALTY_FACTOR = 0.35;

function lengthFactorOf(term: string): number {
  return term.length <= 1 ? 0.3 : term.length === 2 ? 0.5 : term.length === 3 ? 0.75 : 1;
}

/** Whether a word can identify a party on its own (see `ScreeningIndex.distinctive`). */
export function isDistinctiveTerm(term: string): boolean {
  // Letters with digits ("S7", "CETC14") are codes, specific however short.
  const code = /\d/.test(term) && /[a-z]/.test(term);
  return (term.length >= 3 || code) && !/^\d+$/.test(term) && !isPlace(term) && !isGenericWord(term);
}

/** Country codes appended to eCFR addresses (", CN") and the official CSL address layout. */
export function recordCountries(r: CslRecord): string[] {
  const out = new Set<string>();
  if (r.country) out.add(r.country);
  for (const a of splitCslList(r.addresses)) {
    const m = /,\s*([A-Z]{2})\s*$/.exec(a);
    if (m) out.add(m[1]!);
  }
  return [...out];
}

/**
 * Builds the candidate index: an inverted index from normalized words (and joined word pairs, and
 * acronyms) to names, plus a phonetic-key table and a one-deletion table so that a query word finds its
 * misspelled or differently romanized list words by hashing, not by scanning the list. The native-script
 * names of `enrichment` that join a record are indexed as names of that record.
 */
export function buildScreeningIndex(
  records: CslRecord[],
  enrichment: readonly EnrichmentRow[] = [],
): ScreeningIndex {
  const countries = records.map(recordCountries);
  const join = joinEnrichment(records, enrichment, (i) => countries[i]!);
  const nativeNames = new Map<number, number[]>();
  for (const { row, records: joined } of join.joined) {
    for (const ri of joined) nativeNames.set(ri, [...(nativeNames.get(ri) ?? []), row]);
  }
  // Verified names first: where a verified and an unverified name read the same (浪潮集团 / 浪潮集团有限公司),
  // the verified one is kept, and with it the better evidence.
  const verifiedFirst = (a: number, b: number): number =>
    Number(enrichment[a]!.evidence === "unverified") - Number(enrichment[b]!.evidence === "unverified") ||
    a - b;
  for (const rows of nativeNames.values()) rows.sort(verifiedFirst);
  const termIds = new Map<string, number>();
  const terms: string[] = [];
  const term = (t: string): number => {
    let id = termIds.get(t);
    if (id === undefined) {
      id = terms.length;
      terms.push(t);
      termIds.set(t, id);
    }
    return id;
  };

  const pending: {
    record: number;
    text: string;
    via: "name" | "alias";
    tokens: number[];
    pairs: number[];
    triples: number[];
    acronym: number;
    legal: readonly string[];
    enrichment: number;
  }[] = [];
  // Record-level document frequency, counted once per record: the last record that counted each term.
  const dfCounts: number[] = [];
  const countedFor: number[] = [];

  records.forEach((r, ri) => {
    const seen = new Set<string>();
    const count = (t: number): void => {
      if (countedFor[t] === ri) return;
      countedFor[t] = ri;
      dfCounts[t] = (dfCounts[t] ?? 0) + 1;
    };
    const sources: [string, "name" | "alias", number][] = [
      [r.name, "name", -1],
      ...splitCslList(r.alt_names).map((a): [string, "alias", number] => [a, "alias", -1]),
      ...(nativeNames.get(ri) ?? []).map((row): [string, "alias", number] => [
        enrichment[row]!.nativeName,
        "alias",
        row,
      ]),
    ];
    for (const [raw, via, enrichmentRow] of sources) {
      for (const part of expandListedName(raw)) {
        for (const n of normalizeName(part, { nativeName: enrichmentRow >= 0 })) {
          if (n.tokens.length === 0) continue;
          const key = n.tokens.join(" ");
          if (seen.has(key)) continue;
          seen.add(key);
          const tokens = n.tokens.map(term);
          const pairs: number[] = [];
          const triples: number[] = [];
          for (let i = 0; i + 1 < n.tokens.length; i++) pairs.push(term(n.tokens[i]! + n.tokens[i + 1]!));
          for (let i = 0; i + 2 < n.tokens.length; i++) {
            triples.push(term(n.tokens[i]! + n.tokens[i + 1]! + n.tokens[i + 2]!));
          }
          let acronym = -1;
          if (n.tokens.every((t) => /^[a-z]/.test(t))) {
            const letters = initials(n.tokens);
            if (letters.length >= MIN_ACRONYM) acronym = term(letters);
          }
          for (const t of tokens) count(t);
          for (const t of pairs) count(t);
          for (const t of triples) count(t);
          if (acronym >= 0) count(acronym);
          pending.push({
            record: ri,
            text: part,
            via,
            tokens,
            pairs,
            triples,
            acronym,
            legal: n.legal,
            enrichment: enrichmentRow,
          });
        }
      }
    }
  });

  const df = new Int32Array(terms.length);
  for (let t = 0; t < terms.length; t++) df[t] = dfCounts[t] ?? 0;
  const n = records.length;
  const idf = new Float64Array(terms.length);
  for (let t = 0; t < terms.length; t++) idf[t] = Math.log((n + 1) / (df[t]! + 0.5));
  const weight = new Float64Array(terms.length);
  const penalty = new Float64Array(terms.length);
  for (let t = 0; t < terms.length; t++) {
    weight[t] = idf[t]! * termFactor(terms[t]!);
    penalty[t] = idf[t]! * penaltyFactor(terms[t]!);
  }
  // An unknown word is evidence of a different party, but not more than a word found on ~20 records.
  const unknownWeight = Math.log((n + 1) / 20);

  const distinctive = new Uint8Array(terms.length);
  for (let t = 0; t < terms.length; t++) distinctive[t] = isDistinctiveTerm(terms[t]!) ? 1 : 0;
  const ordinary = new Uint8Array(terms.length);
  for (let t = 0; t < terms.length; t++) ordinary[t] = distinctive[t] && isOrdinaryWord(terms[t]!) ? 1 : 0;
  // Terms that are single words of some name (not only joined pairs, triples or acronyms).
  const singles = new Uint8Array(terms.length);
  for (const nm of pending) for (const t of nm.tokens) singles[t] = 1;
  for (const t of misspelledGenericWords(singles, terms, df, distinctive)) {
    distinctive[t] = 0;
    weight[t] = idf[t]! * Math.min(termFactor(terms[t]!), GENERIC_FACTOR);
    penalty[t] = idf[t]! * Math.min(penaltyFactor(terms[t]!), GENERIC_PENALTY_FACTOR);
  }
  // People's aliases are other names, not respellings, and vessels and aircraft carry flag countries.
  // Respellings and abbreviations are learned from the list alone, not from native names added to it.
  const organizations = records.map((r) => !/^(individual|vessel|aircraft)$/i.test(r.type.trim()));
  const organizationNames = pending.filter((p) => organizations[p.record] && p.enrichment < 0);
  const synonyms = mineSynonyms(organizationNames, distinctive, terms);
  for (const [a, runs] of mineAbbreviations(organizationNames, terms)) {
    for (const r of runs) {
      link(synonyms, a, r);
      link(synonyms, r, a);
    }
  }
  // Postings as one packed array: count each term's names, then place them (names in order, each once).
  const postingStart = new Int32Array(terms.length + 1);
  const lastName = new Int32Array(terms.length).fill(-1);

  pending.forEach((p, ni) => {
    eachTerm(p, (t) => {
      if (lastName[t] !== ni) {
        lastName[t] = ni;
        postingStart[t + 1]!++;
      }
    });
  });
  for (let t = 0; t < terms.length; t++) postingStart[t + 1]! += postingStart[t]!;
  const postingItems = new Int32Array(postingStart[terms.length]!);
  const fill = postingStart.slice(0, terms.length);
  lastName.fill(-1);
  const nameMass = new Float64Array(pending.length);
  const nameRecord = Int32Array.from(pending, (p) => p.record);
  const recordList = Uint8Array.from(records, (r) => LIST_CODES.indexOf(r.list));
  const names: IndexedName[] = pending.map((p, ni) => {
    eachTerm(p, (t) => {
      if (lastName[t] !== ni) {
        lastName[t] = ni;
        postingItems[fill[t]!++] = ni;
      }
    });
    let mass = 0;
    let distinctiveCount = 0;
    for (const t of p.tokens) {
      mass += weight[t]!;
      distinctiveCount += distinctive[t]!;
    }
    nameMass[ni] = mass;
    return {
      record: p.record,
      text: p.text,
      via: p.via,
      tokens: Int32Array.from(p.tokens),
      pairs: Int32Array.from(p.pairs),
      triples: Int32Array.from(p.triples),
      acronym: p.acronym,
      legal: p.legal,
      mass,
      distinctiveCount,
      enrichment: p.enrichment,
    };
  });

  // Phonetic keys cover every term, joined pairs and triples included, so "Zala Aerogroup" meets
  // "ZALA Aero Group" under any romanization. The one-deletion table covers single words only, on their
  // spelling: typos are seen best on the spelling (Sopgho / Sophgo), and joined words rarely carry one.
  // Words found only in native-script names are never met by a near spelling (see screen.ts), so they
  // need no entry in either table; nor would a query's near spellings find candidates through them.
  const nativeOnly = new Uint8Array(terms.length);
  for (const p of pending) if (p.enrichment >= 0) eachTerm(p, (t) => (nativeOnly[t] = 1));
  for (const p of pending) if (p.enrichment < 0) eachTerm(p, (t) => (nativeOnly[t] = 0));
  if (terms.length >= TERM_SPACE) throw new Error(`screening index: more than ${TERM_SPACE} terms`);
  const keyEntries = new Float64Array(terms.length);
  let keys = 0;
  let deletionCount = 0;
  for (let t = 0; t < terms.length; t++) {
    if (nativeOnly[t]) continue;
    keyEntries[keys++] = hashString(phoneticKey(terms[t]!)) * TERM_SPACE + t;
    if (singles[t] && terms[t]!.length >= 4) deletionCount += terms[t]!.length;
  }
  const deletionEntries = new Float64Array(deletionCount);
  let d = 0;
  for (let t = 0; t < terms.length; t++) {
    const text = terms[t]!;
    if (!singles[t] || text.length < 4 || nativeOnly[t]) continue;
    // One entry per distinct deletion ("aab" gives "ab" twice).
    let previous = -1;
    for (const del of deletions(text)) {
      const h = hashString(del);
      if (h === previous) continue;
      previous = h;
      deletionEntries[d++] = h * TERM_SPACE + t;
    }
  }
  const byKey = packHashTable(keyEntries.subarray(0, keys));
  const byDeletion = packHashTable(deletionEntries.subarray(0, d));

  return {
    records,
    names,
    nameMass,
    nameRecord,
    recordList,
    terms,
    termIds,
    idf,
    weight,
    penalty,
    distinctive,
    ordinary,
    unknownWeight,
    df,
    postings: { start: postingStart, items: postingItems },
    byKey,
    byDeletion,
    countries,
    synonyms,
    enrichment: {
      rows: enrichment,
      joinedRows: join.joined.length,
      joinedRecords: new Set(join.joined.flatMap((j) => j.records)).size,
      unjoined: join.unjoined,
    },
  };
}

/** Calls `visit` with every term a name is filed under: its words, joined pairs and triples, and acronym. */
function eachTerm(
  p: { tokens: readonly number[]; pairs: readonly number[]; triples: readonly number[]; acronym: number },
  visit: (t: number) => void,
): void {
  for (const t of p.tokens) visit(t);
  for (const t of p.pairs) visit(t);
  for (const t of p.triples) visit(t);
  if (p.acronym >= 0) visit(p.acronym);
}

/** Shorter rare words one edit from a generic word are as often names ("Centec", "Planet", "Tradex"). */
const MISSPELLING_MIN_LENGTH = 7;
/** A rare word at most this often in the list... */
const MISSPELLING_MAX_DF = 2;
/** ...one edit from a generic word at least this many times more frequent is taken for its misspelling. */
const MISSPELLING_RATIO = 10;

/**
 * List words that are misspellings of generic words ("Shaanxi Aircaft Industry"): they look rare, and so
 * distinctive, but identify no more than the word they misspell; left distinctive, a query with the
 * correct spelling would miss them and a query with the same slip would meet them instead of its party.
 */
function misspelledGenericWords(
  singles: Uint8Array,
  terms: readonly string[],
  df: Int32Array,
  distinctive: Uint8Array,
): number[] {
  const generic = new Map<string, number[]>();
  const file = (key: string, t: number): void => {
    const list = generic.get(key);
    if (list) list.push(t);
    else generic.set(key, [t]);
  };
  for (let t = 0; t < terms.length; t++) {
    const text = terms[t]!;
    if (!singles[t] || text.length < 5 || !isGenericWord(text)) continue;
    file(text, t);
    for (const d of deletions(text)) file(d, t);
  }
  const out: number[] = [];
  for (let t = 0; t < terms.length; t++) {
    const text = terms[t]!;
    if (
      !singles[t] ||
      !distinctive[t] ||
      text.length < MISSPELLING_MIN_LENGTH ||
      df[t]! > MISSPELLING_MAX_DF ||
      /\d/.test(text)
    )
      continue;
    const near = new Set<number>();
    for (const key of [text, ...deletions(text)]) for (const g of generic.get(key) ?? []) near.add(g);
    for (const g of near) {
      if (df[g]! >= MISSPELLING_RATIO * df[t]! && boundedEditDistance(text, terms[g]!, 1) <= 1) {
        out.push(t);
        break;
      }
    }
  }
  return out;
}

/** Adds `b` to the terms linked from `a`, once. */
function link(map: Map<number, number[]>, a: number, b: number): void {
  const list = map.get(a);
  if (!list) map.set(a, [b]);
  else if (!list.includes(b)) list.push(b);
}

/** Calls `each(start, end)` for every run of names of one record (`pending` is in record order). */
function forEachRecord(
  pending: readonly { record: number }[],
  each: (start: number, end: number) => void,
): void {
  for (let start = 0, end = 0; start < pending.length; start = end) {
    while (end < pending.length && pending[end]!.record === pending[start]!.record) end++;
    each(start, end);
  }
}

/** Most different word runs one abbreviation may stand for before it is taken as ambiguous. */
const MAX_ABBREVIATION_RUNS = 2;

/**
 * Abbreviations the list itself spells out: a record named "Aviation Industry Corporation of China" with
 * the alias "AVIC" says that "avic" stands for the run "aviation industry china" wherever it appears
 * ("Aviation Industry Corporation of China 612 Institute" is "AVIC 612 Institute"). The abbreviation is
 * linked to the run's joined term (see `IndexedName.pairs`/`triples`), in both directions.
 */
function mineAbbreviations(
  pending: readonly {
    record: number;
    tokens: readonly number[];
    pairs: readonly number[];
    triples: readonly number[];
  }[],
  terms: readonly string[],
): Map<number, number[]> {
  const out = new Map<number, number[]>();
  forEachRecord(pending, (start, end) => {
    for (let i = start; i < end; i++) {
      if (pending[i]!.tokens.length !== 1) continue;
      const a = pending[i]!.tokens[0]!;
      const short = terms[a]!;
      if (short.length < MIN_ACRONYM || short.length > 6 || !/^[a-z]+$/.test(short)) continue;
      for (let j = start; j < end; j++) {
        const words = pending[j]!.tokens.map((t) => terms[t]!);
        for (let from = 0; from < words.length; from++) {
          for (const [len, runs] of [
            [2, pending[j]!.pairs],
            [3, pending[j]!.triples],
          ] as const) {
            if (from + len > words.length || !abbreviates(short, words.slice(from, from + len))) continue;
            link(out, a, runs[from]!);
          }
        }
      }
    }
  });
  for (const [a, runs] of out) if (runs.length > MAX_ABBREVIATION_RUNS) out.delete(a);
  return out;
}

/**
 * Whether `short` is made of the words' beginnings, in order, one piece per word: their initials, or
 * initials with one piece of two or three letters ("av" + "i" + "c" for Aviation Industry China).
 */
export function abbreviates(short: string, words: readonly string[]): boolean {
  const walk = (pos: number, w: number, longUsed: boolean): boolean => {
    if (w === words.length) return pos === short.length;
    const word = words[w]!;
    if (!/^[a-z]/.test(word)) return false;
    for (let len = 1; len <= 3 && len <= word.length && pos + len <= short.length; len++) {
      if (len > 1 && longUsed) break;
      if (short.slice(pos, pos + len) !== word.slice(0, len)) break;
      if (walk(pos + len, w + 1, longUsed || len > 1)) return true;
    }
    return false;
  };
  return walk(0, 0, false);
}

/** Most words that may differ between a record's name and alias for them to count as respellings. */
const MAX_SYNONYM_WORDS = 2;
/** Most respellings one word may have before it is taken for a common word rather than a name. */
const MAX_RESPELLINGS = 2;

function mineSynonyms(
  pending: readonly { record: number; tokens: readonly number[] }[],
  distinctive: Uint8Array,
  terms: readonly string[],
): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const usable = (t: number): boolean =>
    distinctive[t] === 1 && terms[t]!.length >= 4 && !/\d/.test(terms[t]!);
  forEachRecord(pending, (start, end) => {
    for (let i = start; i < end; i++) {
      for (let j = i + 1; j < end; j++) {
        const a = pending[i]!.tokens;
        const b = pending[j]!.tokens;
        if (a.length !== b.length || a.length < 3) continue;
        const differ: number[] = [];
        for (let k = 0; k < a.length && differ.length <= MAX_SYNONYM_WORDS; k++)
          if (a[k] !== b[k]) differ.push(k);
        // At least one word in common anchors the alignment; otherwise it is a different name, not a respelling.
        if (differ.length === 0 || differ.length > MAX_SYNONYM_WORDS || differ.length * 2 > a.length)
          continue;
        if (!differ.every((k) => usable(a[k]!) && usable(b[k]!))) continue;
        for (const k of differ) {
          link(out, a[k]!, b[k]!);
          link(out, b[k]!, a[k]!);
        }
      }
    }
  });
  // A word said to be several others is a shared surname or a generic label, not a respelling.
  for (const [t, list] of out) if (list.length > MAX_RESPELLINGS) out.delete(t);
  for (const [t, list] of out) {
    const kept = list.filter((u) => out.has(u));
    if (kept.length) out.set(t, kept);
    else out.delete(t);
  }
  return out;
}

export type { Origin };
