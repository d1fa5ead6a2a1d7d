import { hanSupport } from "./support.js";

/** Where a piece of normalized text came from; the explanation reports it. */
export type Origin = "input" | "pinyin" | "translated" | "transliterated";

export interface Segment {
  text: string;
  origin: Origin;
  /** Other English renderings of a translated word (精密: precision, accuracy, precise…), tried in its place. */
  alternatives?: readonly string[];
}

const HAN = /\p{Script=Han}/u;
const HAN_RUN = /\p{Script=Han}+/gu;

export function hasHan(text: string): boolean {
  return HAN.test(text);
}

/** Stage: traditional → simplified Chinese (OpenCC, Taiwan/Hong Kong variants included). */
export function traditionalToSimplified(text: string): string {
  if (!hasHan(text)) return text;
  return hanSupport().toSimplified(text);
}

/**
 * Legal forms, dropped: they neither create nor destroy a match (see legal-forms.ts for the Latin side).
 * Longest first so 股份有限公司 wins over 有限公司.
 */
const HAN_LEGAL = [
  "股份有限公司",
  "有限责任公司",
  "有限公司",
  "股份公司",
  "总公司",
  "分公司",
  "公司",
  "控股有限公司",
];

/**
 * Common words of Chinese organisation names, rendered the way official English names render them.
 * Listed names are mostly English or pinyin; rendering only these generic words in English (and the
 * distinctive part in pinyin) lets 华为技术有限公司 meet "Huawei Technologies". The distinctive part is
 * never translated: brand names are romanized, not translated, in the lists.
 */
const HAN_GLOSSARY: Record<string, string> = {
  中国科学院: "chinese academy of sciences",
  科学院: "academy of sciences",
  人工智能: "artificial intelligence",
  集成电路: "integrated circuit",
  超级计算: "supercomputing",
  研究所: "research institute|institute",
  研究院: "research institute|academy",
  研究中心: "research center",
  进出口: "import export",
  微电子: "microelectronics",
  半导体: "semiconductor",
  计算机: "computer",
  国防: "national defense",
  科技: "technology|science technology",
  技术: "technology",
  集团: "group",
  控股: "holding",
  信息: "information",
  电子: "electronics|electronic",
  芯片: "chip",
  通信: "communication",
  通讯: "communication",
  网络: "network",
  软件: "software",
  数据: "data",
  智能: "intelligent",
  计算: "computing",
  量子: "quantum",
  存储: "storage",
  设备: "equipment",
  装备: "equipment",
  制造: "manufacturing",
  工业: "industry|polytechnical",
  产业: "industry",
  实业: "industrial",
  航空: "aviation|aeronautics",
  航天: "aerospace",
  航空航天: "aerospace|aeronautics astronautics",
  科学: "science",
  科工: "science industry",
  工程: "engineering",
  物理: "physics",
  空间: "space",
  大学: "university",
  学院: "institute|college",
  中心: "center",
  理工: "science technology|polytechnic",
  中国人民解放军: "people liberation army",
  解放军: "people liberation army",
  航发: "aero engine",
  发动机: "engine",
  导弹: "missile",
  雷达: "radar",
  飞机: "aircraft",
  船舶工业: "shipbuilding industry",
  联通: "unicom",
  移动通信: "mobile communication",
  光纤: "fiber optic",
  视觉: "vision",
  机器人: "robotics",
  生物: "biological",
  医药: "pharmaceutical",
  医疗: "medical",
  控制: "control",
  自动化: "automation",
  测控: "measurement control",
  北京: "beijing",
  上海: "shanghai",
  深圳: "shenzhen",
  国家: "national",
  中国: "china",
  国际: "international",
  贸易: "trading",
  物流: "logistics",
  电气: "electric",
  电力: "power",
  能源: "energy",
  动力: "power|dynamics|propulsion",
  汽车: "automobile",
  机械: "machinery",
  化工: "chemical",
  材料: "materials",
  光电: "optoelectronics",
  光学: "optical",
  精密: "precision",
  仪器: "instrument",
  系统: "systems",
  电信: "telecom",
  移动: "mobile",
  船舶: "shipbuilding",
  重工: "heavy industry",
  兵器: "ordnance",
  银行: "bank",
  投资: "investment",
  发展: "development",
  服务: "services",
  开发: "development",
  应用: "applied",
  先进: "advanced",
  西北: "northwest|northwestern",
  东北: "northeast|northeastern",
  西南: "southwest|southwestern",
  东南: "southeast|southeastern",
  北方: "northern",
  南方: "southern",
};

/**
 * Glossary entries may give other renderings after "|" (工业: industry, or "polytechnical" in
 * university names). The `alternative` reading takes every second rendering at once: words of one
 * name tend to follow one register ("Northwestern Polytechnical University"); the `translate` reading
 * keeps the others beside its first (see `otherRenderings`).
 */
function rendering(entry: string, mode: "translate" | "alternative"): string {
  const renderings = entry.split("|");
  return mode === "translate" ? renderings[0]! : (renderings[1] ?? renderings[0]!);
}

const PROVINCE_WORDS = ["省", "市", "自治区"];

const GLOSSARY_KEYS = [...Object.keys(HAN_GLOSSARY), ...HAN_LEGAL].sort((a, b) => b.length - a.length);
const MAX_KEY = Math.max(...GLOSSARY_KEYS.map((k) => k.length));
const GLOSSARY_SET = new Set(GLOSSARY_KEYS);
const LEGAL_SET = new Set(HAN_LEGAL);

const DIGITS: Record<string, number> = {
  〇: 0,
  零: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/**
 * The value of the Chinese numeral `text`, written positionally (十二 12, 二百零八 208, 一千〇二 1002) or digit
 * by digit as designations are (二〇八 and 二零八 208, 六一二 612); undefined when it is not one.
 */
export function chineseNumeral(text: string): number | undefined {
  if (text === "" || ![...text].every((ch) => ch in DIGITS || ch in UNITS)) return undefined;
  if (![...text].some((ch) => ch in UNITS)) {
    return Number([...text].map((ch) => DIGITS[ch]).join(""));
  }
  let value = 0;
  let pending = -1;
  for (const ch of text) {
    if (ch in DIGITS) pending = DIGITS[ch]!;
    else {
      // 十二 is 12: a unit without a digit before it counts once. A zero only holds a place (二百零八).
      value += (pending > 0 ? pending : pending === 0 ? 0 : 1) * UNITS[ch]!;
      pending = -1;
    }
  }
  return value + Math.max(0, pending);
}

/** What a number designates when this follows it (六一二所, 一五九厂): institutes and factories are numbered. */
const NUMBERED = [
  { word: "研究所", english: "research institute|institute" },
  { word: "研究院", english: "research institute|academy" },
  { word: "所", english: "institute" },
  { word: "厂", english: "factory" },
  { word: "院", english: "academy" },
];

/** The longest run of numeral characters of `run` from `i`. */
function numeralRun(run: string, i: number): string {
  let j = i;
  while (j < run.length && (run[j]! in DIGITS || run[j]! in UNITS)) j++;
  return run.slice(i, j);
}

/**
 * A number at `i` of a run of characters: an ordinal (第十四 14, 第二〇八 208), a numeral written digit by digit
 * with a zero (二〇八, which no name spells out), or a numeral naming an institute or factory (六一二所 612,
 * 一五九厂 159). Other numerals are left to pinyin: they are part of names (三一重工 Sany, 万科 Vanke).
 */
function numberAt(run: string, i: number): { value: number; length: number } | undefined {
  const ordinal = run[i] === "第";
  const digits = numeralRun(run, ordinal ? i + 1 : i);
  const value = chineseNumeral(digits);
  if (value === undefined) return undefined;
  const length = digits.length + (ordinal ? 1 : 0);
  const rest = run.slice(i + length);
  const zeroDigits = digits.length >= 2 && /[〇零]/.test(digits) && !/[十百千]/.test(digits);
  if (ordinal || zeroDigits || NUMBERED.some((n) => rest.startsWith(n.word))) return { value, length };
  return undefined;
}

const MAX_DICTIONARY_WORD = 6;

/** Where each line of the word list starts, found on first use (a scan, where a Map would take 0.2 s). */
let dictionaryLines: { tsv: string; starts: Uint32Array } | undefined;

function linesOf(tsv: string): Uint32Array {
  let count = 1;
  for (let i = tsv.indexOf("\n"); i >= 0; i = tsv.indexOf("\n", i + 1)) count++;
  const starts = new Uint32Array(count + 1);
  let n = 1;
  for (let i = tsv.indexOf("\n"); i >= 0; i = tsv.indexOf("\n", i + 1)) starts[n++] = i + 1;
  starts[count] = tsv.length + 1;
  return starts;
}

/** Compares `key` with the word of the line starting at `at` (up to its tab), in UTF-16 code unit order. */
function compareWord(tsv: string, at: number, key: string): number {
  for (let i = 0; ; i++) {
    const a = i < key.length ? key.charCodeAt(i) : -1;
    const c = tsv.charCodeAt(at + i);
    const b = c === 9 ? -1 : c;
    if (a !== b) return a - b;
    if (a === -1) return 0;
  }
}

/**
 * Chinese words of the CC-CEDICT list and their English rendering (see scripts/build-han-dictionary.ts), by
 * binary search over the sorted lines.
 */
function dictionaryWord(text: string): string | undefined {
  const tsv = hanSupport().dictionary;
  if (dictionaryLines?.tsv !== tsv) dictionaryLines = { tsv, starts: linesOf(tsv) };
  const { starts } = dictionaryLines;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareWord(tsv, starts[mid]!, text);
    if (c === 0) {
      const from = starts[mid]! + text.length + 1;
      return tsv.slice(from, starts[mid + 1]! - 1);
    }
    if (c < 0) hi = mid;
    else lo = mid + 1;
  }
  return undefined;
}

function longestDictionaryWord(run: string, at: number): { english: string; length: number } | undefined {
  for (let len = Math.min(MAX_DICTIONARY_WORD, run.length - at); len >= 2; len--) {
    const english = dictionaryWord(run.slice(at, at + len));
    if (english !== undefined) return { english: english.split("|")[0]!, length: len };
  }
  return undefined;
}

/** Most renderings tried for one organisation word, its first included. */
const MAX_RENDERINGS = 4;

/**
 * The other one-word English renderings of a glossary word, beside `first`: the glossary's own alternative
 * and the senses CC-CEDICT gives (精密: accuracy, exact, precise, refined; 装备: equipment, equip, outfit).
 * Official English names render one Chinese word in several ways, and a query cannot know which.
 */
function otherRenderings(word: string, first: string): string[] {
  if (first.includes(" ")) return [];
  const out: string[] = [];
  const candidates = [...HAN_GLOSSARY[word]!.split("|"), ...(dictionaryWord(word)?.split("|") ?? [])];
  for (const r of candidates) {
    if (r !== first && !r.includes(" ") && !out.includes(r) && out.length < MAX_RENDERINGS - 1) out.push(r);
  }
  return out;
}

function pinyinSegments(text: string): Segment[] {
  const syllables = hanSupport().pinyin(text);
  return syllables.map((s) => ({ text: s, origin: "pinyin" as const }));
}

/** Another reading of one romanized syllable of a reading: segment `at` may also be read `text`. */
export interface Polyphone {
  at: number;
  text: string;
}

/**
 * Other readings of the polyphonic characters of `text` (都: du as well as dou), as offsets into the
 * syllables `pinyinSegments(text)` gives. pinyin-pro picks one reading in context, and names often use
 * the rarer one (洪都 Hongdu).
 */
function polyphonesOf(text: string, first: number, chosen: readonly Segment[], into: Polyphone[]): void {
  const all = hanSupport().polyphonic(text);
  if (all.length !== chosen.length) return;
  all.forEach((readings, j) => {
    for (const r of new Set(readings)) {
      if (r !== chosen[j]!.text && /^[a-z]+$/.test(r)) into.push({ at: first + j, text: r });
    }
  });
}

/**
 * Stage: Chinese characters → Latin. `translate` renders glossary words in English and the rest in
 * pinyin; `pinyin` romanizes everything except legal forms, for lists that spell the generic words
 * in pinyin too ("Haiguang Xinxi Jishu"); `dictionary` renders glossary words as `translate` does and
 * the other words that CC-CEDICT knows in English, as a list may give a brand or a translation (浪潮:
 * Inspur's "Wave", 范式: 4Paradigm's "Fourth Paradigm"). The caller scores the readings and keeps the best.
 */
export function hanToLatin(
  text: string,
  mode: "translate" | "alternative" | "pinyin" | "dictionary",
  polyphones?: Polyphone[],
): Segment[] {
  const simplified = traditionalToSimplified(text);
  const out: Segment[] = [];
  let last = 0;
  for (const m of simplified.matchAll(HAN_RUN)) {
    if (m.index > last) out.push({ text: simplified.slice(last, m.index), origin: "input" });
    last = m.index + m[0].length;
    const run = m[0];
    let pending = "";
    const flushPending = (): void => {
      if (pending) {
        const syllables = pinyinSegments(pending);
        if (polyphones) polyphonesOf(pending, out.length, syllables, polyphones);
        out.push(...syllables);
      }
      pending = "";
    };
    let i = 0;
    while (i < run.length) {
      const num = numberAt(run, i);
      if (num) {
        flushPending();
        out.push({ text: String(num.value), origin: "translated" });
        i += num.length;
        // A lone 所 or 厂 after a number is the institute or factory it numbers.
        const unit = NUMBERED.find((n) => n.word.length === 1 && run.startsWith(n.word, i));
        if (unit && !run.startsWith("研究", i)) {
          out.push({
            text: rendering(unit.english, mode === "alternative" ? mode : "translate"),
            origin: "translated",
          });
          i += 1;
        }
        continue;
      }
      // 第 before Arabic digits (第709研究所) and 所 or 厂 after them (709所) read as with Chinese numerals.
      if (run[i] === "第" && i === run.length - 1 && /^\d/.test(simplified.slice(last))) {
        i++;
        continue;
      }
      if (i === 0 && /\d$/.test(simplified.slice(0, m.index))) {
        const unit = NUMBERED.find(
          (n) => n.word.length === 1 && run.startsWith(n.word) && !run.startsWith("研究"),
        );
        if (unit && (run.length === 1 || !GLOSSARY_SET.has(run.slice(0, 2)))) {
          out.push({
            text: rendering(unit.english, mode === "alternative" ? mode : "translate"),
            origin: "translated",
          });
          i = 1;
          continue;
        }
      }
      let matched: string | undefined;
      for (let len = Math.min(MAX_KEY, run.length - i); len >= 2; len--) {
        const cand = run.slice(i, i + len);
        if (GLOSSARY_SET.has(cand)) {
          matched = cand;
          break;
        }
      }
      if (matched) {
        flushPending();
        if (!LEGAL_SET.has(matched)) {
          if (mode === "pinyin") out.push(...pinyinSegments(matched));
          else {
            const entry = HAN_GLOSSARY[matched]!;
            const text = rendering(entry, mode === "alternative" ? mode : "translate");
            const alternatives = mode === "translate" ? otherRenderings(matched, text) : [];
            out.push({ text, origin: "translated", ...(alternatives.length > 0 && { alternatives }) });
          }
        }
        i += matched.length;
        continue;
      }
      if (mode === "dictionary") {
        const found = longestDictionaryWord(run, i);
        if (found) {
          flushPending();
          out.push({ text: found.english, origin: "translated" });
          i += found.length;
          continue;
        }
      }
      const ch = run[i]!;
      // Administrative suffixes (福建省, 上海市) are not part of the name in the lists.
      if (PROVINCE_WORDS.includes(ch) && pending !== "") {
        flushPending();
        i++;
        continue;
      }
      pending += ch;
      i++;
    }
    flushPending();
  }
  if (last < simplified.length) out.push({ text: simplified.slice(last), origin: "input" });
  return out;
}
