import { foldCaseAndDiacritics } from "./fold.js";
import {
  hanToLatin,
  hasHan,
  type Origin,
  type Polyphone,
  type Segment,
  traditionalToSimplified,
} from "./han.js";
import { markLegalForms } from "./legal-forms.js";
import { nfkc } from "./nfkc.js";
import { normalizePunctuation } from "./punctuation.js";
import { hasNonLatin, toLatin, translateArabicScript } from "./script.js";
import { tokenize } from "./tokenize.js";
import { canonicalWord, foldPlural, isOrganisationWord, isStopWord } from "./words.js";

/** One normalized reading of a name: the tokens that identify it, and the legal-form words removed. */
export interface NormalizedName {
  readonly tokens: readonly string[];
  /**
   * Each token as written, before generic spellings and plurals were folded: "Wing Tech" must still
   * join into "wingtech" although "tech" became "technology".
   */
  readonly surface: readonly string[];
  readonly origins: readonly Origin[];
  readonly legal: readonly string[];
  /** The name carries a legal form or an organisation word, so it cannot be a person's name. */
  readonly organisation: boolean;
  /**
   * Other readings of single tokens, by position: the other English renderings of a Chinese organisation
   * word (动力: power, dynamics, propulsion), each normalized like a token; absent when there are none.
   */
  readonly alternatives?: ReadonlyMap<number, readonly string[]>;
}

interface RawToken {
  text: string;
  origin: Origin;
  alternatives?: readonly string[];
}

function latinTokens(seg: Segment): RawToken[] {
  let text = foldCaseAndDiacritics(seg.text);
  let origin = seg.origin;

  if (hasNonLatin(text)) {
    text = toLatin(text).toLowerCase();
    if (origin === "input") origin = "transliterated";
  }
  const tokens: RawToken[] = tokenize(normalizePunctuation(text)).map((t) => ({ text: t, origin }));
  // Alternatives stand for a word that reads as one token.
  if (seg.alternatives && tokens.length === 1) {
    const alternatives = seg.alternatives.flatMap((a) => {
      const t = tokenize(normalizePunctuation(foldCaseAndDiacritics(a)));
      return t.length === 1 ? t : [];
    });
    if (alternatives.length > 0) tokens[0]!.alternatives = alternatives;
  }
  return tokens;
}

export interface NormalizeOptions {
  /**
   * The name is a listed party's native-script name (from the enrichment data), indexed beside the list's
   * own English or romanized names: a Chinese one is read only with its generic words translated (the
   * reading a query in characters also gets). Its pinyin-only reading would let generic words written in
   * pinyin (ban dao ti, 半导体) match as if they were names, and its dictionary reading may drop words
   * (南京理工大学 is "Nanjing University" in CC-CEDICT's first sense).
   */
  nativeName?: boolean;
}

/** Extra readings tried for polyphonic characters, at most, per Chinese name. */
const MAX_POLYPHONE_READINGS = 4;

/** Parent organisations that prefix the Chinese names of their units. */
const PARENT_PREFIXES = ["中国人民解放军", "解放军"];

const HAN_ORGANISATION = /公司|集团|大学|研究|中心|学院|银行|工厂/;

function finish(raw: RawToken[], hanOrganisation: boolean): NormalizedName {
  const words = raw.map((r) => r.text);
  const romanized = raw.map((r) => r.origin === "pinyin");
  const legalMask = markLegalForms(words, romanized);
  const tokens: string[] = [];
  const surface: string[] = [];
  const origins: Origin[] = [];
  const legal: string[] = [];
  let alternatives: Map<number, string[]> | undefined;
  raw.forEach((r, i) => {
    if (legalMask[i]) {
      legal.push(r.text);
      return;
    }
    // Pinyin syllables are not English words: "de", "a", "an" there are parts of a name.
    if (r.origin === "pinyin") {
      tokens.push(r.text);
      surface.push(r.text);
      origins.push(r.origin);
      return;
    }
    if (isStopWord(r.text)) return;
    const words = canonicalWord(r.text);
    if (words.length === 1 && r.alternatives) {
      const first = foldPlural(words[0]!);
      const others = new Set<string>();
      for (const a of r.alternatives) {
        const w = canonicalWord(a);
        if (w.length === 1 && !isStopWord(a) && foldPlural(w[0]!) !== first) others.add(foldPlural(w[0]!));
      }
      if (others.size > 0) {
        alternatives ??= new Map();
        alternatives.set(tokens.length, [...others]);
      }
    }
    for (const w of words) {
      tokens.push(foldPlural(w));
      surface.push(words.length > 1 ? w : r.text);
      origins.push(r.origin);
    }
  });
  // A name of function words only ("The A") would vanish; keep its words rather than match nothing.
  if (tokens.length === 0 && legal.length === 0 && raw.length > 0) {
    for (const r of raw) {
      tokens.push(r.text);
      surface.push(r.text);
      origins.push(r.origin);
    }
  }
  const organisation = hanOrganisation || legal.length > 0 || tokens.some(isOrganisationWord);
  return { tokens, surface, origins, legal, organisation, ...(alternatives && { alternatives }) };
}

/**
 * The whole normalization pipeline: NFKC → Chinese (traditional → simplified, glossary, pinyin) →
 * Latin case/diacritics folding → other scripts → Latin → punctuation → tokens → legal forms,
 * function words, generic-word spellings and plurals. Chinese input yields two readings (glossary +
 * pinyin, and pinyin only); everything else yields one.
 */
export function normalizeName(input: string, options: NormalizeOptions = {}): NormalizedName[] {
  const text = nfkc(input);
  let readings: Segment[][];
  if (hasHan(text) && options.nativeName) {
    // Both sides in characters meet through this reading; the others exist to reach names that lists
    // write in pinyin or English, which a native name's record already carries.
    readings = [hanToLatin(text, "translate"), hanToLatin(text, "alternative")];
  } else if (hasHan(text)) {
    const polyphones: Polyphone[] = [];
    const translated = hanToLatin(text, "translate", polyphones);
    readings = [
      translated,
      hanToLatin(text, "alternative"),
      hanToLatin(text, "pinyin"),
      hanToLatin(text, "dictionary"),
    ];
    // Other readings of polyphonic characters in the romanized (non-glossary) part, one change per
    // reading and a bounded number of them: 洪都 is "hong du" as well as "hong dou".
    for (const p of polyphones.slice(0, MAX_POLYPHONE_READINGS)) {
      readings.push(translated.map((s, i) => (i === p.at ? { text: p.text, origin: s.origin } : s)));
    }
    // Units named under their parent organisation (中国人民解放军国防科技大学) are listed under their own
    // name ("National University of Defense Technology"): read them without the parent as well.
    const simplified = traditionalToSimplified(text).trim();
    for (const parent of PARENT_PREFIXES) {
      if (simplified.startsWith(parent) && simplified.length >= parent.length + 2) {
        readings.push(hanToLatin(simplified.slice(parent.length), "translate"));
        break;
      }
    }
  } else readings = [translateArabicScript(text)];
  const out: NormalizedName[] = [];
  const seen = new Set<string>();
  for (const segments of readings) {
    const n = finish(segments.flatMap(latinTokens), HAN_ORGANISATION.test(text));
    const key = n.tokens.join(" ");
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(n);
  }
  return out;
}
