import { ChipGateError } from "../errors.js";
import { LIMITS } from "../limits.js";
import {
  forEachInTable,
  hashString,
  type IndexedName,
  isDistinctiveTerm,
  penaltyFactor,
  type ScreeningIndex,
  type Table,
  termFactor,
} from "./build-index.js";
import { LIST_CODES, splitCslList } from "./csl.js";
import { boundedEditDistance, deletions, maxEditsFor } from "./distance.js";
import { expandListedName } from "./names.js";
import { isStructureWord } from "./normalize/generic.js";
import type { Origin } from "./normalize/han.js";
import { phoneticKey } from "./normalize/phonetic.js";
import { type NormalizedName, normalizeName } from "./normalize/pipeline.js";
import { isPlace } from "./normalize/places.js";
import type {
  Band,
  Explanation,
  MatchHow,
  NativeNameSource,
  ScoreAdjustment,
  ScreeningHit,
  ScreeningOptions,
  ScreeningQuery,
  ScreeningResult,
  TokenMatch,
} from "./types.js";

/**
 * Band thresholds, chosen from the dev-set score distributions (`npm run eval:screening -- --misses`
 * prints them): with the precision rules of `scoreName`, the lowest true identity found scores 0.685
 * and the highest unflagged negative 0.667; 0.68 sits in that gap (2 negatives in 100 flagged). `match`
 * starts where only 1 negative in 100 remains.
 */
export const DEFAULT_REVIEW_THRESHOLD = 0.68;
export const DEFAULT_MATCH_THRESHOLD = 0.85;

/** Similarities of the ways two words can meet; ordered so an exact reading always wins. */
const SIM_EXACT = 1;
const SIM_SPACING = 0.98;
const SIM_PHONETIC = 0.93;
const SIM_ACRONYM = 0.8;
/** A word the list gives as another spelling of the listed word (see `ScreeningIndex.synonyms`). */
const SIM_LIST_RESPELLING = 0.95;

/** A typo costs its share of the word: one edit in a 4-letter word is a quarter of it. */
function typoSimilarity(distance: number, length: number): number {
  return 1 - distance / length;
}

/** Candidate names scored exactly per query; the rest are ranked out by the cheap accumulator. */
const CANDIDATES = 12;
/** Words on more names than this are too common to find candidates with (they still score). */
const MAX_POSTINGS = 300;
/** Generic words on more names than this do not seed candidates when a distinctive word does. */
const MAX_GENERIC_POSTINGS = 50;
/** Names whose estimated score is below this are not scored exactly. */
const MIN_BOUND = 0.35;
/** Fewest words of a listed name made only of generic words and places for it to match at all. */
const MIN_GENERIC_NAME = 3;
const MAX_SPAN = 4;

interface SpanMatch {
  start: number;
  len: number;
  sim: number;
  how: MatchHow;
  distance: number;
  /** Met through another rendering of a generic word: weighs in the score, never identifies. */
  generic?: boolean;
}

interface QueryReading {
  tokens: readonly string[];
  origins: readonly Origin[];
  legal: readonly string[];
  organisation: boolean;
  weights: Float64Array;
  penalties: Float64Array;
  distinctive: Uint8Array;
  mass: number;
  byTerm: Map<number, SpanMatch[]>;
}

function exactHow(origin: Origin | undefined): MatchHow {
  if (origin === "pinyin" || origin === "transliterated") return "transliterated";
  if (origin === "translated") return "translated";
  return "exact";
}

function addMatch(byTerm: Map<number, SpanMatch[]>, term: number, m: SpanMatch): void {
  const list = byTerm.get(term);
  if (!list) byTerm.set(term, [m]);
  else list.push(m);
}

/** A list word a query text can stand for, and how; the span position is added per query. */
interface Lookup {
  term: number;
  sim: number;
  how: MatchHow;
  distance: number;
}

/** Lookups kept per index: order lines repeat the same words ("trading", "shenzhen") all day. */
const LOOKUP_CACHE_SIZE = 100_000;
const NO_LOOKUPS: Lookup[] = [];
/** Lookup cache per origin of a single word; joined runs use cache 0. */
const LOOKUP_KIND: Record<Origin, number> = { pinyin: 1, input: 2, transliterated: 3, translated: 4 };
const ALL_DIGITS = /^\d+$/;
const HAS_DIGIT = /\d/;

/** Every list word one query word, or joined run of words, can stand for. */
function lookupSpan(
  index: ScreeningIndex,
  text: string,
  joined: boolean,
  origin: Origin | undefined,
): Lookup[] {
  // Joined runs shorter than four letters are never looked up (see below), so they need no cache entry.
  if (joined && text.length < 4) return NO_LOOKUPS;
  // One cache per way of reading the text (the lookups and how they are explained differ), keyed by the
  // text itself: no key string to build and hash.
  const cache = scratchOf(index).lookups[joined ? 0 : LOOKUP_KIND[origin ?? "input"]]!;
  const hit = cache.get(text);
  if (hit) return hit;
  const out: Lookup[] = [];
  const exact = index.termIds.get(text);
  if (exact !== undefined) {
    out.push({
      term: exact,
      sim: joined ? SIM_SPACING : SIM_EXACT,
      how: joined ? "spacing" : exactHow(origin),
      distance: 0,
    });
    for (const t of index.synonyms.get(exact) ?? []) {
      out.push({ term: t, sim: SIM_LIST_RESPELLING, how: "alias", distance: 0 });
    }
  }
  // Short words meet other short words by chance, and one pinyin syllable is one edit from dozens of
  // others (hang / fang): only exact spellings count for them. So do numbers: one digit off is another
  // number (FU YUAN YU 8672 / 8679), and digits have no sound to respell, joined to words or not. (A code's
  // letters may still carry a typo: 4Paraidgm.)
  if (
    text.length >= 4 &&
    (joined || origin !== "pinyin") &&
    !ALL_DIGITS.test(text) &&
    !(joined && HAS_DIGIT.test(text))
  ) {
    const phonetic = new Set<number>();
    const key = phoneticKey(text);
    forEachInTable(index.byKey, hashString(key), (t) => {
      const listed = index.terms.at(t)!;
      if (t !== exact && listed !== text && phoneticKey(listed) === key) {
        phonetic.add(t);
        out.push({ term: t, sim: SIM_PHONETIC, how: "phonetic", distance: 0 });
      }
    });
    // Typos are looked for inside single words only; joined runs are matched exactly or phonetically. A word
    // longer than any listed word is matched exactly and phonetically only: building its one-letter deletions
    // costs the square of its length.
    const maxEdits = joined || text.length > LIMITS.typoSearchWordLength ? 0 : maxEditsFor(text.length);
    if (maxEdits > 0) {
      const typos = new Map<number, number>();
      const consider = (t: number): void => {
        if (t === exact || phonetic.has(t) || typos.has(t)) return;
        const distance = boundedEditDistance(text, index.terms.at(t)!, maxEdits);
        if (distance <= maxEdits) typos.set(t, distance);
      };
      // Symmetric deletion: a list word one insertion, deletion, substitution or transposition away
      // shares a one-deletion variant with the query word (or is one).
      forEachInTable(index.byDeletion, hashString(text), consider);
      for (const d of deletions(text)) {
        const t = index.termIds.get(d);
        if (t !== undefined) consider(t);
        forEachInTable(index.byDeletion, hashString(d), consider);
      }
      for (const [t, distance] of typos) {
        const sim = typoSimilarity(distance, Math.max(text.length, index.terms.at(t)!.length));
        out.push({ term: t, sim, how: "typo", distance });
      }
    }
  }
  if (cache.size >= LOOKUP_CACHE_SIZE) cache.clear();
  cache.set(text, out);
  return out;
}

function readSpan(
  index: ScreeningIndex,
  byTerm: Map<number, SpanMatch[]>,
  text: string,
  start: number,
  len: number,
  origin: Origin | undefined,
): void {
  for (const l of lookupSpan(index, text, len > 1, origin)) {
    addMatch(byTerm, l.term, { start, len, sim: l.sim, how: l.how, distance: l.distance });
  }
}

/** Finds, by hashing only, every list word that a query word (or joined run of words) can stand for. */
function readQuery(
  index: ScreeningIndex,
  { tokens, surface, origins, legal, organisation, alternatives }: NormalizedName,
): QueryReading {
  const byTerm = new Map<number, SpanMatch[]>();
  const weights = new Float64Array(tokens.length);
  const penalties = new Float64Array(tokens.length);
  const distinctive = new Uint8Array(tokens.length);
  let mass = 0;
  tokens.forEach((t, i) => {
    const id = index.termIds.get(t);
    weights[i] = id === undefined ? index.unknownWeight * termFactor(t) : index.weight[id]!;
    penalties[i] = id === undefined ? index.unknownWeight * penaltyFactor(t) : index.penalty[id]!;
    // One pinyin syllable is a fragment of a word ("nan" of Nanjing), not a word that identifies.
    distinctive[i] = origins[i] !== "pinyin" && isDistinctiveTerm(t) ? 1 : 0;
    mass += weights[i]!;
  });
  for (let start = 0; start < tokens.length; start++) {
    let folded = "";
    let written = "";
    for (let len = 1; len <= MAX_SPAN && start + len <= tokens.length; len++) {
      folded += tokens[start + len - 1];
      written += surface[start + len - 1];
      // Joined runs are tried as written too: "Wing Tech" is "wingtech", not "wingtechnology".
      if (len === 1 || written === folded) readSpan(index, byTerm, folded, start, len, origins[start]);
      else {
        readSpan(index, byTerm, folded, start, len, origins[start]);
        readSpan(index, byTerm, written, start, len, origins[start]);
      }
    }
  }
  // Other renderings of a translated organisation word are tried in its place, as translations of a generic
  // word (动力: dynamics, propulsion): exact spellings only.
  for (const [i, others] of alternatives ?? []) {
    for (const other of others) {
      for (const l of lookupSpan(index, other, false, "translated")) {
        if (l.how === "translated") {
          addMatch(byTerm, l.term, { start: i, len: 1, sim: l.sim, how: l.how, distance: 0, generic: true });
        }
      }
    }
  }
  return { tokens, origins, legal, organisation, weights, penalties, distinctive, mass, byTerm };
}

interface NameScore {
  /** The name score after the precision rules below; `raw` before them. */
  score: number;
  raw: number;
  /** Precision rules that lowered the score, reported as adjustments. */
  rules: ScoreAdjustment[];
  matches: TokenMatch[];
  unmatchedListed: string[];
  unmatchedQuery: string[];
  /** Query positions left unmatched. */
  freeQuery: number[];
  /** A distinctive word was met only as a translation that is an ordinary English word (浪潮 → "wave"). */
  translatedOrdinary: boolean;
}

interface Option {
  lj: number;
  llen: number;
  qi: number;
  qlen: number;
  sim: number;
  how: MatchHow;
  distance: number;
  gain: number;
  generic: boolean;
}

/**
 * Aligns query words with the words of one listed name, greedily by weighted similarity, each word used
 * once, then scores symmetrically (a weighted Dice coefficient): twice the matched weight over the
 * weight of both names. Unmatched distinctive words on either side lower the score; generic words and
 * places weigh so little that they can neither create nor destroy a match.
 */
function scoreName(index: ScreeningIndex, name: IndexedName, q: QueryReading, explain: boolean): NameScore {
  const { weight, terms, distinctive } = index;
  const k = name.tokens.length;
  const options: Option[] = [];
  const listedMass = (from: number, len: number): number => {
    let m = 0;
    for (let j = from; j < from + len; j++) m += weight[name.tokens[j]!]!;
    return m;
  };
  const queryMass = (from: number, len: number): number => {
    let m = 0;
    for (let i = from; i < from + len; i++) m += q.weights[i]!;
    return m;
  };
  // A native-script name is met in its own script, syllable for syllable; near spellings of its pinyin
  // ("changxin" / "hang xin") are another name more often than a typo, which the list's own names catch.
  const native = name.enrichment >= 0;
  const consider = (term: number, lj: number, llen: number): void => {
    const spans = q.byTerm.get(term);
    if (!spans) return;
    for (const s of spans) {
      if (llen > 1 && s.len > 1) continue;
      if (native && (s.how === "typo" || s.how === "phonetic")) continue;
      const how: MatchHow =
        llen > 1 && s.how !== "typo" && s.how !== "phonetic" && s.how !== "alias" ? "spacing" : s.how;
      const sim = llen > 1 && s.sim === SIM_EXACT ? SIM_SPACING : s.sim;
      const gain = sim * (listedMass(lj, llen) + queryMass(s.start, s.len));
      const generic = s.generic === true;
      options.push({ lj, llen, qi: s.start, qlen: s.len, sim, how, distance: s.distance, gain, generic });
    }
  };
  for (let j = 0; j < k; j++) consider(name.tokens[j]!, j, 1);
  for (let j = 0; j < name.pairs.length; j++) consider(name.pairs[j]!, j, 2);
  for (let j = 0; j < name.triples.length; j++) consider(name.triples[j]!, j, 3);
  if (name.acronym >= 0) {
    for (const s of q.byTerm.get(name.acronym) ?? []) {
      if (s.len !== 1 || s.distance !== 0 || s.how === "phonetic") continue;
      const gain = SIM_ACRONYM * (listedMass(0, k) + queryMass(s.start, 1));
      options.push({
        lj: 0,
        llen: k,
        qi: s.start,
        qlen: 1,
        sim: SIM_ACRONYM,
        how: "acronym",
        distance: 0,
        gain,
        generic: false,
      });
    }
  }
  options.sort((a, b) => b.gain - a.gain);
  const usedL = new Uint8Array(k);
  const usedQ = new Uint8Array(q.tokens.length);
  let matched = 0;
  let total = 0;
  let matchedDistinctive = false;
  // Matched pairs that carry a distinctive listed word, and how many of them are only near spellings.
  let distinctivePairs = 0;
  let nearPairs = 0;
  // Of those, how many met only through a respelling or abbreviation learned from the list.
  let learnedPairs = 0;
  let translatedOrdinary = false;
  let lastDistinctive: Option | undefined;
  let first: Option | undefined;
  let matchCount = 0;
  // The words of the explanation are only spelled out for the names that become hits (`explain`).
  const matches: TokenMatch[] = [];
  for (const o of options) {
    let free = true;
    for (let j = o.lj; j < o.lj + o.llen && free; j++) if (usedL[j]) free = false;
    for (let i = o.qi; i < o.qi + o.qlen && free; i++) if (usedQ[i]) free = false;
    if (!free) continue;
    usedL.fill(1, o.lj, o.lj + o.llen);
    usedQ.fill(1, o.qi, o.qi + o.qlen);
    const lm = listedMass(o.lj, o.llen);
    const both = lm + queryMass(o.qi, o.qlen);
    matched += o.sim * both;
    total += both;
    if (o.how === "acronym") matchedDistinctive = true;
    // A near spelling identifies only between two distinctive words: "Shanghai" one letter from a
    // listed "Changhai", or "Korea" from "Kora", is a place, not a misspelled name.
    const near = o.how === "typo" || o.how === "phonetic";
    let queryDistinctive = false;
    for (let i = o.qi; i < o.qi + o.qlen; i++) if (q.distinctive[i]) queryDistinctive = true;
    if (!o.generic && (!near || queryDistinctive)) {
      let any = false;
      for (let j = o.lj; j < o.lj + o.llen; j++) if (distinctive[name.tokens[j]!]) any = true;
      if (any || o.how === "acronym") {
        matchedDistinctive = true;
        distinctivePairs++;
        if (near) nearPairs++;
        if (o.how === "alias") learnedPairs++;
        if (o.how === "translated" && o.llen === 1 && index.ordinary[name.tokens[o.lj]!])
          translatedOrdinary = true;
        lastDistinctive = o;
      }
    }
    // Spacing variants of generic words ("aero group" / "aerogroup") identify as much as the joined word.
    if (o.llen > 1 || o.qlen > 1) matchedDistinctive = true;
    matchCount++;
    first ??= o;
    if (!explain) continue;
    const m: TokenMatch = {
      query: o.qlen === 1 ? q.tokens[o.qi]! : q.tokens.slice(o.qi, o.qi + o.qlen).join(" "),
      listed: spell(terms, name.tokens, o.lj, o.llen, " "),
      how: o.how,
      similarity: round(o.sim),
      weight: round(lm),
    };
    if (o.how === "typo") m.distance = o.distance;
    matches.push(m);
  }
  const unmatchedListed: string[] = [];
  let unmatchedListedCount = 0;
  let listedWords = 0;
  let listedPlace = "";
  // Distinctive listed words the query lacks: a listed name whose other distinctive words are all missing
  // is not that name.
  const listedMissing: string[] = [];
  for (let j = 0; j < k; j++) {
    if (!usedL[j]) {
      const t = terms.at(name.tokens[j]!)!;
      unmatchedListedCount++;
      if (distinctive[name.tokens[j]!]) listedMissing.push(t);
      if (explain) unmatchedListed.push(t);
      total += index.penalty[name.tokens[j]!]!;
      if (isPlace(t)) {
        if (isCityOrRegion(t)) listedPlace = t;
      } else if (!/^\d+$/.test(t)) listedWords++;
    }
  }
  const unmatchedQuery: string[] = [];
  const freeQuery: number[] = [];
  let freeNonPlace = 0;
  let queryPlace = "";
  q.tokens.forEach((t, i) => {
    if (!usedQ[i]) {
      if (explain) {
        unmatchedQuery.push(t);
        freeQuery.push(i);
      }
      total += q.penalties[i]!;
      if (!isPlace(t) && !isStructureWord(t)) freeNonPlace++;
      else if (isCityOrRegion(t)) queryPlace = t;
    }
  });
  let score = total > 0 ? matched / total : 0;
  if (name.distinctiveCount === 0) {
    // A name made only of generic words and places identifies a party only as a whole, and only when
    // it is long enough to be specific ("China Aerospace Science and Technology", not "Digital Technology").
    // Two generic words are specific only with a place ("China Telecom"), never alone ("Digital
    // Technologies").
    let places = 0;
    for (let j = 0; j < k; j++) if (isPlace(terms.at(name.tokens[j]!)!)) places++;
    const long = places < k && (k >= MIN_GENERIC_NAME || (k === 2 && places === 1));
    if (unmatchedListedCount > 0 || !long || freeNonPlace > 0) {
      score = 0;
    }
  } else if (!matchedDistinctive) {
    score = 0;
  } else if (k === 1 && terms.at(name.tokens[0]!)!.length <= 3) {
    // A two- or three-letter name ("HUA", "ROE") meets other words by chance: only the whole query counts.
    if (q.tokens.length !== 1 || first?.how !== "exact") score = 0;
  } else if (k === 1 && terms.at(name.tokens[0]!)!.length === 4 && first?.how === "typo") {
    // A four-letter name one edit from the query word is as likely another name ("MIEA" / "Midea").
    score = 0;
  }
  const raw = score;
  const rules: ScoreAdjustment[] = [];
  const spelled = (o: Option, sep: string): string => spell(terms, name.tokens, o.lj, o.llen, sep);
  // Spelled out only when a rule fires: most scored names never need it.
  let bestDistinctiveLength = 0;
  if (lastDistinctive) {
    for (let j = lastDistinctive.lj; j < lastDistinctive.lj + lastDistinctive.llen; j++)
      bestDistinctiveLength += terms.at(name.tokens[j]!)!.length;
  }
  if (score > 0 && name.distinctiveCount > 0) {
    // One distinctive word in common, and each side describes something else with its other words
    // ("Ruixin Display Technology" / "Ruixin Investment", "Volga Instrument Supply" / "Volga Group"):
    // a shared rare-looking word, not the same name. Long words are specific enough to stay in review.
    if (
      distinctivePairs === 1 &&
      listedWords > 0 &&
      freeNonPlace > 0 &&
      bestDistinctiveLength < LONG_WORD &&
      score > ONE_WORD_CAP
    ) {
      rules.push({
        reason: `only "${spelled(lastDistinctive!, "")}" is distinctive in common, and both names have other words`,
        delta: ONE_WORD_CAP - score,
      });
      score = ONE_WORD_CAP;
    }
    // A near spelling of the one word in common ("Micron" / "Mikron") next to other query words is a
    // look-alike, not a misspelling, until something else agrees.
    if (
      distinctivePairs === 1 &&
      nearPairs === 1 &&
      matchCount === 1 &&
      freeNonPlace > 0 &&
      score > ONE_WORD_CAP
    ) {
      rules.push({
        reason: `the only word in common is a near spelling ("${q.tokens.slice(first!.qi, first!.qi + first!.qlen).join(" ")}" / "${spelled(first!, " ")}")`,
        delta: ONE_WORD_CAP - score,
      });
      score = ONE_WORD_CAP;
    }
    const cap = (at: number, reason: () => string): void => {
      if (score <= at) return;
      rules.push({ reason: reason(), delta: at - score });
      score = at;
    };
    const shared = distinctivePairs === 1 ? lastDistinctive! : undefined;
    // One ordinary English word in common ("Eagle Systems" / "The Eagles", "Orion Trading" / "NPO Orion"):
    // a coincidence of vocabulary, below review when either name says more, and at most review even alone.
    if (shared && shared.llen === 1 && index.ordinary[name.tokens[shared.lj]!]) {
      const word = spelled(shared, " ");
      if (freeNonPlace > 0 || listedWords > 0) {
        cap(
          ONE_WORD_CAP,
          () =>
            `only "${word}", an ordinary English word, is distinctive in common, and the names have other words`,
        );
      } else cap(REVIEW_ONLY, () => `only "${word}", an ordinary English word, is in common: at most review`);
    }
    // A respelling or abbreviation the list taught from one of its records ("Summit" / "APEX") is a lead,
    // not an identity, until a word of the name itself agrees.
    if (distinctivePairs > 0 && learnedPairs === distinctivePairs) {
      cap(
        REVIEW_ONLY,
        () =>
          `met only through a respelling the list gives in another record ("${spelled(lastDistinctive!, " ")}"): at most review`,
      );
    }
    // The listed name's other distinctive words are all missing from the query: at most review.
    if (shared && listedMissing.length > 0 && bestDistinctiveLength < LONG_WORD) {
      cap(
        REVIEW_ONLY,
        () =>
          `the listed name's other distinctive word${listedMissing.length > 1 ? "s" : ""} ${listedMissing.map((w) => `"${w}"`).join(", ")} ${listedMissing.length > 1 ? "are" : "is"} missing from the query: at most review`,
      );
    }
    // Two different cities or provinces ("Hefei ..." / "Xi'an ..."): more likely two parties.
    if (listedPlace !== "" && queryPlace !== "" && listedPlace !== queryPlace) {
      rules.push({
        reason: `listed place "${listedPlace}" differs from "${queryPlace}"`,
        delta: -PLACE_CONFLICT,
      });
      score = Math.max(0, score - PLACE_CONFLICT);
    }
  }
  return { score, raw, rules, matches, unmatchedListed, unmatchedQuery, freeQuery, translatedOrdinary };
}

/** The words `tokens[from .. from + length)` joined by `sep`. */
function spell(terms: Table<string>, tokens: Int32Array, from: number, length: number, sep: string): string {
  let out = terms.at(tokens[from]!)!;
  for (let j = from + 1; j < from + length; j++) out += sep + terms.at(tokens[j]!)!;
  return out;
}

/** Score a one-distinctive-word match is capped at (below review) when both names say more. */
const ONE_WORD_CAP = 0.62;
/** Score of a name that may be reviewed but is not a match by the default bands. */
const REVIEW_ONLY = DEFAULT_MATCH_THRESHOLD - 0.01;
/** A shared word this long (joined spellings included) is specific enough on its own. */
const LONG_WORD = 9;
/** Lost when the listed name and the query each name a different city or province. */
const PLACE_CONFLICT = 0.08;

/** Places that are cities or provinces, not countries or words like "people" or "north". */
function isCityOrRegion(t: string): boolean {
  return isPlace(t) && t.length >= 4 && !NOT_CITY.has(t);
}

const NOT_CITY = new Set([
  "china",
  "russia",
  "iran",
  "korea",
  "syria",
  "united",
  "states",
  "america",
  "kingdom",
  "emirates",
  "arab",
  "republic",
  "islamic",
  "people",
  "democratic",
  "federation",
  "north",
  "south",
  "east",
  "west",
  "northern",
  "southern",
  "eastern",
  "western",
  "central",
  "hong",
  "kong",
]);

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// Per-index scratch space; queries run one at a time on a JavaScript thread, so it is never shared.
interface Scratch {
  acc: Float64Array;
  touched: Int32Array;
  keys: Float64Array;
  addressWords: Map<number, Set<string>>;
  /** Lookups per way of reading a text: joined run, pinyin, as written, transliterated or translated. */
  lookups: Map<string, Lookup[]>[];
}

const scratch = new WeakMap<ScreeningIndex, Scratch>();

function scratchOf(index: ScreeningIndex): Scratch {
  let s = scratch.get(index);
  if (!s) {
    const n = index.names.length;
    s = {
      acc: new Float64Array(n),
      touched: new Int32Array(n),
      keys: new Float64Array(n),
      addressWords: new Map(),
      lookups: [new Map(), new Map(), new Map(), new Map(), new Map()],
    };
    scratch.set(index, s);
  }
  return s;
}

/** Candidate names for one reading, best first, from the inverted index only (on the `allowed` lists). */
function candidates(index: ScreeningIndex, q: QueryReading, allowed: Uint8Array | undefined): number[] {
  const { acc, touched, keys } = scratchOf(index);
  const { nameMass, postings, nameRecord, recordList } = index;
  let count = 0;
  // Generic words and places find candidates only for queries with nothing distinctive to look up
  // ("China Aerospace Science and Technology"); otherwise they would touch thousands of names.
  let distinctiveSeed = false;
  for (const [term, spans] of q.byTerm) {
    if (!index.distinctive[term]) continue;
    for (const s of spans) if (s.sim >= 0.8 && q.distinctive[s.start]) distinctiveSeed = true;
  }
  // Both sides of the best pairing count, as in the Dice score: a misspelled query word the list
  // does not know weighs as much as the listed word it stands for.
  const gainOf = (term: number, spans: readonly SpanMatch[]): number => {
    let gain = 0;
    for (const s of spans) {
      let qw = 0;
      for (let i = s.start; i < s.start + s.len; i++) qw += q.weights[i]!;
      const g = s.sim * (index.weight[term]! + qw);
      if (g > gain) gain = g;
    }
    return gain;
  };
  for (const [term, spans] of q.byTerm) {
    const from = postings.start[term]!;
    const to = postings.start[term + 1]!;
    if (to - from > MAX_POSTINGS) continue;
    if (distinctiveSeed && !index.distinctive[term] && to - from > MAX_GENERIC_POSTINGS) continue;
    const gain = gainOf(term, spans);
    for (let p = from; p < to; p++) {
      const n = postings.items[p]!;
      if (allowed && !allowed[recordList[nameRecord[n]!]!]) continue;
      if (acc[n] === 0) touched[count++] = n;
      acc[n]! += gain;
    }
  }
  // Without a distinctive word, the names were found through generic words alone, and those too common to
  // look up ("china", "science") did not count: many names tie. Their estimate is made again from all their
  // words, so that "China Aerospace Science and Technology" ranks before "Aerospace Technology".
  if (!distinctiveSeed) {
    for (let i = 0; i < count; i++) {
      const n = touched[i]!;
      const name = index.names.at(n)!;
      let estimate = 0;
      for (const t of name.tokens) {
        const spans = q.byTerm.get(t);
        if (spans) estimate += gainOf(t, spans);
      }
      acc[n] = Math.max(acc[n]!, estimate);
    }
  }
  // Rank by an estimate of the Dice score, keeping the best few (ties in the order names were touched)
  // rather than sorting every name touched.
  const top: number[] = [];
  for (let i = 0; i < count; i++) {
    const n = touched[i]!;
    const key = acc[n]! / (nameMass[n]! + q.mass);
    acc[n] = 0;
    if (key < MIN_BOUND) continue;
    if (top.length === CANDIDATES && key <= keys[top[CANDIDATES - 1]!]!) continue;
    keys[i] = key;
    let at = top.length;
    while (at > 0 && keys[top[at - 1]!]! < key) at--;
    top.splice(at, 0, i);
    if (top.length > CANDIDATES) top.pop();
  }
  return top.map((i) => touched[i]!);
}

function addressWords(index: ScreeningIndex, record: number): Set<string> {
  const { addressWords: cache } = scratchOf(index);
  let words = cache.get(record);
  if (!words) {
    words = new Set<string>();
    for (const a of splitCslList(index.records.at(record)!.addresses)) {
      for (const n of normalizeName(a))
        for (const t of n.tokens) if (t.length >= 3 && !/^\d+$/.test(t)) words.add(t);
    }
    cache.set(record, words);
  }
  return words;
}

/**
 * The readings of a query: its normalizations, and those of the names packed into it, as listed names
 * are split ("Iran Electronics Industries (IEI)" is also "Iran Electronics Industries" and "IEI").
 */
function queryReadings(name: string): NormalizedName[] {
  const parts = expandListedName(name);
  if (parts.length <= 1) return normalizeName(name);
  const out: NormalizedName[] = [];
  const seen = new Set<string>();
  for (const part of [name, ...parts]) {
    for (const n of normalizeName(part)) {
      const key = n.tokens.join(" ");
      if (!seen.has(key)) {
        seen.add(key);
        out.push(n);
      }
    }
  }
  return out;
}

function validateQuery(query: ScreeningQuery): void {
  if (typeof query.name !== "string" || query.name.trim() === "") {
    throw new ChipGateError("INVALID_INPUT", "name: must be a non-empty string", [
      { path: "name", message: "must be a non-empty string" },
    ]);
  }
  if (query.name.length > LIMITS.nameLength) {
    throw new ChipGateError("INVALID_INPUT", `name: longer than ${LIMITS.nameLength} characters`, [
      { path: "name", message: `must be at most ${LIMITS.nameLength} characters` },
    ]);
  }
  if (query.country !== undefined && !/^[A-Za-z]{2}$/.test(query.country)) {
    throw new ChipGateError("INVALID_INPUT", `country: "${query.country}" is not an ISO 3166 alpha-2 code`, [
      { path: "country", message: "must be an ISO 3166 alpha-2 code such as CN" },
    ]);
  }
}

/**
 * Screens one name against the index. Every returned hit is at least `review`; each says which words
 * matched which listed words and how, and what country/address evidence moved the score.
 */
export function screenName(
  index: ScreeningIndex,
  query: ScreeningQuery,
  options: ScreeningOptions = {},
): ScreeningResult {
  validateQuery(query);
  validateOptions(options);
  const reviewAt = options.reviewThreshold ?? DEFAULT_REVIEW_THRESHOLD;
  const matchAt = options.matchThreshold ?? DEFAULT_MATCH_THRESHOLD;
  const limit = options.limit ?? DEFAULT_LIMIT;
  const minScore = options.minScore ?? 0;
  const country = query.country?.toUpperCase();
  let allowed: Uint8Array | undefined;
  if (options.lists) {
    allowed = new Uint8Array(LIST_CODES.length);
    for (const l of options.lists) allowed[LIST_CODES.indexOf(l)] = 1;
  }

  const queryAddress = new Set<string>();
  if (query.address) {
    for (const n of normalizeName(query.address)) {
      for (const t of n.tokens) if (t.length >= 3 && !/^\d+$/.test(t)) queryAddress.add(t);
    }
  }

  const best = new Map<number, { nameScore: number; name: IndexedName; s: NameScore; q: QueryReading }>();
  for (const reading of queryReadings(query.name)) {
    if (reading.tokens.length === 0) continue;
    const q = readQuery(index, reading);
    for (const n of candidates(index, q, allowed)) {
      const name = index.names.at(n)!;
      const s = scoreName(index, name, q, false);
      if (s.score <= 0) continue;
      const prev = best.get(name.record);
      // An unverified native-script name counts only up to review (see `unverifiedCap`).
      const score = Math.min(s.score, unverifiedCap(index, name, matchAt));
      if (!prev || score > prev.nameScore) best.set(name.record, { nameScore: score, name, s, q });
    }
  }

  const hits: ScreeningHit[] = [];
  const translatedOrdinary = new Set<ScreeningHit>();
  for (const [ri, b] of best) {
    // Context can lift a near-miss into review or push a weak hit out, never create a hit from nothing.
    if (b.nameScore < reviewAt - 0.1) continue;
    b.s = scoreName(index, b.name, b.q, true);
    const adjustments: ScoreAdjustment[] = [];
    const countries = index.countries.at(ri)!;
    if (country && countries.length > 0) {
      if (countries.includes(country)) {
        adjustments.push({
          reason: `query country ${country} is a listed country of this record`,
          delta: 0.04,
        });
      } else {
        adjustments.push({
          reason: `listed country ${countries.join("/")} differs from query country ${country}`,
          delta: -0.08,
        });
      }
    }
    const record = index.records.at(ri)!;
    if (
      b.q.organisation &&
      (record.type === "Individual" || record.type === "Vessel" || record.type === "Aircraft")
    ) {
      adjustments.push({
        reason: `the query names an organisation but the listed party is ${record.type === "Individual" ? "an individual" : `a ${record.type.toLowerCase()}`}`,
        delta: -0.15,
      });
    }
    const listedAddress = addressWords(index, ri);
    if (listedAddress.size > 0) {
      const inAddress = b.s.freeQuery
        .map((i) => b.q.tokens[i]!)
        .filter((t) => t.length >= 4 && listedAddress.has(t));
      if (inAddress.length > 0) {
        adjustments.push({
          reason: `query word${inAddress.length > 1 ? "s" : ""} ${inAddress.map((t) => `"${t}"`).join(", ")} found in the listed address`,
          delta: Math.min(0.06, 0.03 * inAddress.length),
        });
      }
      if (queryAddress.size > 0) {
        const shared = [...queryAddress].filter((t) => listedAddress.has(t));
        if (shared.length > 0) {
          adjustments.push({
            reason: `address shares ${shared
              .slice(0, 5)
              .map((t) => `"${t}"`)
              .join(", ")} with the listed address`,
            delta: shared.length / queryAddress.size >= 0.5 ? 0.05 : 0.025,
          });
        } else {
          adjustments.push({ reason: "address shares no word with the listed addresses", delta: -0.03 });
        }
      }
    }
    let score = b.s.score;
    for (const a of adjustments) score += a.delta;
    const cap = unverifiedCap(index, b.name, matchAt);
    if (score > cap) {
      adjustments.push({
        reason: "the native-script name that matched is unverified (no source read): at most review",
        delta: cap - score,
      });
      score = cap;
    }
    score = Math.max(0, Math.min(1, score));
    // `minScore` is compared with the score as returned (rounded), as a caller reads it.
    if (score < reviewAt || round(score) < minScore) continue;
    const band: Band = score >= matchAt ? "match" : "review";
    const explanation: Explanation = {
      matchedName: b.name.text,
      via: b.name.via,
      matches: b.s.matches,
      unmatchedListed: b.s.unmatchedListed,
      unmatchedQuery: b.s.unmatchedQuery,
      ignoredLegalForms: [...new Set([...b.q.legal, ...b.name.legal])],
      nameScore: round(b.s.raw),
      adjustments: [...b.s.rules, ...adjustments].map((a) => ({ reason: a.reason, delta: round(a.delta) })),
      summary: summarize(index, b.name, b.s, [...b.s.rules, ...adjustments]),
    };
    const native = enrichmentOf(index, b.name);
    if (native) explanation.enrichment = native;
    const hit: ScreeningHit = {
      id: record._id,
      name: record.name,
      list: record.list,
      score: round(score),
      band,
      explanation,
      record,
    };
    if (b.s.translatedOrdinary) translatedOrdinary.add(hit);
    hits.push(hit);
  }
  // Within a band, a name that meets every distinctive word ranks before one met through a translated
  // ordinary word (浪潮 read as "wave"), then by score.
  hits.sort(
    (a, b) =>
      bandRank(a.band) - bandRank(b.band) ||
      Number(translatedOrdinary.has(a)) - Number(translatedOrdinary.has(b)) ||
      b.score - a.score ||
      a.id.localeCompare(b.id),
  );
  return { query: query.name, hits: hits.slice(0, limit), moreHits: Math.max(0, hits.length - limit) };
}

const DEFAULT_LIMIT = 10;

function bandRank(band: Band): number {
  return band === "match" ? 0 : 1;
}

function invalidOption(path: string, message: string): ChipGateError {
  return new ChipGateError("INVALID_INPUT", `${path}: ${message}`, [{ path, message }]);
}

function validateOptions(options: ScreeningOptions): void {
  const { limit, minScore, lists } = options;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= LIMITS.hitsPerName)) {
    throw invalidOption("limit", `must be a whole number from 1 to ${LIMITS.hitsPerName}`);
  }
  if (minScore !== undefined && !(Number.isFinite(minScore) && minScore >= 0 && minScore <= 1)) {
    throw invalidOption("minScore", "must be a number from 0 to 1");
  }
  if (lists !== undefined) {
    const unknown = lists.filter((l) => !(LIST_CODES as readonly string[]).includes(l));
    if (unknown.length > 0 || lists.length === 0) {
      throw invalidOption(
        "lists",
        `${unknown.length > 0 ? `unknown list ${unknown.map((l) => `"${l}"`).join(", ")}; ` : ""}list codes are ${LIST_CODES.join(", ")}`,
      );
    }
  }
}

/**
 * Below this (by 0.01), a name met only through an unverified native-script name: such a name can raise a
 * hit to review, never to match, however well it matches.
 */
function unverifiedCap(index: ScreeningIndex, name: IndexedName, matchAt: number): number {
  if (name.enrichment < 0) return Number.POSITIVE_INFINITY;
  return index.enrichment.rows[name.enrichment]!.evidence === "unverified"
    ? matchAt - 0.01
    : Number.POSITIVE_INFINITY;
}

function enrichmentOf(index: ScreeningIndex, name: IndexedName): NativeNameSource | undefined {
  if (name.enrichment < 0) return undefined;
  const row = index.enrichment.rows[name.enrichment]!;
  return {
    nativeName: row.nativeName,
    script: row.script,
    sourceUrl: row.sourceUrl === "" ? null : row.sourceUrl,
    retrieved: row.retrieved === "" ? null : row.retrieved,
    evidence: row.evidence,
  };
}

function summarize(
  index: ScreeningIndex,
  name: IndexedName,
  s: NameScore,
  adjustments: ScoreAdjustment[],
): string {
  const parts = s.matches.map((m) => {
    const how = m.how === "typo" ? `typo, ${m.distance} edit${m.distance === 1 ? "" : "s"}` : m.how;
    return m.query === m.listed ? `"${m.query}" (${how})` : `"${m.query}" → "${m.listed}" (${how})`;
  });
  const native = enrichmentOf(index, name);
  const which = native
    ? `native-script name from enrichment "${name.text}" (${native.evidence}${native.sourceUrl ? `; source: ${native.sourceUrl}` : "; no source"})`
    : `${name.via === "alias" ? "alias" : "name"} "${name.text}"`;
  let text = `${which}: ${parts.join(", ")}`;
  if (s.unmatchedListed.length > 0) text += `; listed words not in query: ${s.unmatchedListed.join(", ")}`;
  if (s.unmatchedQuery.length > 0) text += `; query words not in listed name: ${s.unmatchedQuery.join(", ")}`;
  for (const a of adjustments) text += `; ${a.reason} (${a.delta > 0 ? "+" : ""}${round(a.delta)})`;
  return text;
}
