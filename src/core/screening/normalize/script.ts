import type { Segment } from "./han.js";
import { transliterationSupport } from "./support.js";

const NON_LATIN = /[^\u0000-\u024F\u1E00-\u1EFF]/u;

export function hasNonLatin(text: string): boolean {
  return NON_LATIN.test(text);
}

/**
 * Stage: Cyrillic, Persian/Arabic, Greek, Hebrew, Korean and other scripts → Latin, using the
 * `transliteration` library's per-character tables (run after the Han stage, which needs context for
 * Chinese). Returns the input untouched when there is nothing to transliterate, so Latin text is not
 * perturbed by the library's own choices.
 */
export function toLatin(text: string): string {
  if (!hasNonLatin(text)) return text;
  return transliterationSupport().transliterate(text.replace(CYRILLIC_LETTER, (ch) => CYRILLIC[ch]!));
}

/**
 * Russian letters as the lists romanize them (BGN/PCGN, as OFAC and BIS write Russian names), where the
 * transliteration library would write otherwise: ц is "ts" (Korporatsiya, not Korporaciya), х "kh"
 * (Khimprom), and the hard and soft signs are dropped (Obedinennaya, Aviastroitelnaya) instead of splitting
 * the word. Lower case only: the text is case-folded before this stage.
 */
const CYRILLIC: Record<string, string> = {
  ц: "ts",
  х: "kh",
  щ: "shch",
  ж: "zh",
  ч: "ch",
  ш: "sh",
  й: "y",
  ы: "y",
  ё: "e",
  э: "e",
  ю: "yu",
  я: "ya",
  ъ: "",
  ь: "",
};
const CYRILLIC_LETTER = new RegExp(`[${Object.keys(CYRILLIC).join("")}]`, "g");

const ARABIC_WORD = /[\u0600-\u06FF\u200C]+/gu;

/**
 * Common words of Persian and Arabic organisation names, rendered the way the lists render them in
 * English. Lists carry "Bank Melli Iran" and "Islamic Republic of Iran Shipping Lines", which no
 * transliteration of بانک ملی ایران (written without vowels) reaches. Only generic words: names are
 * transliterated.
 */
const ARABIC_SCRIPT_GLOSSARY: Record<string, string> = {
  بانک: "bank",
  بانك: "bank",
  ملی: "melli|national",
  ملت: "mellat",
  ایران: "iran",
  جمهوری: "republic",
  اسلامی: "islamic",
  کشتیرانی: "shipping lines",
  هواپیمایی: "air",
  شرکت: "company",
  صنایع: "industries",
  سازمان: "organization",
  مرکز: "center",
  تحقیقات: "research",
  پژوهشگاه: "research institute",
  دانشگاه: "university",
  صنعتی: "industrial",
  الکترونیک: "electronics",
  هوایی: "aviation",
  هوافضا: "aerospace",
  موشکی: "missile",
  نفت: "oil",
  ملی‌: "melli",
  سپه: "sepah",
  پاسداران: "guards",
  انقلاب: "revolution",
  بین‌المللی: "international",
  تجارت: "trading",
  بازرگانی: "trading",
  گروه: "group",
  مهندسی: "engineering",
  فناوری: "technology",
  دفاع: "defense",
  وزارت: "ministry",
  نیرو: "force",
  دریایی: "marine",
  خطوط: "lines",
  كشتيراني: "shipping lines",
  الجمهورية: "republic",
  الإسلامية: "islamic",
  مصرف: "bank",
  شركة: "company",
  انرژی: "energy",
  اتمی: "atomic",
  هسته‌ای: "nuclear",
  پتروشیمی: "petrochemical",
  گاز: "gas",
  فولاد: "steel",
  مخابرات: "telecommunication",
  کشتی‌سازی: "shipbuilding",
  هواپیماسازی: "aircraft manufacturing",
  تولید: "production",
  پژوهشکده: "research institute",
  آزمایشگاه: "laboratory",
  توسعه: "development",
  سرمایه‌گذاری: "investment",
  بیمه: "insurance",
  تجهیزات: "equipment",
  موشک: "missile",
  شیمیایی: "chemical",
  دارویی: "pharmaceutical",
  فلزات: "metals",
  صنعت: "industry",
  علوم: "sciences",
  فنی: "technical",
  ایرانی: "iran",
  ایرانیان: "iran",
  بنیاد: "foundation",
};

/**
 * Stage: renders the generic words of a Persian or Arabic name in English (see the glossary) and
 * leaves the rest for transliteration.
 */
export function translateArabicScript(text: string): Segment[] {
  if (!/[\u0600-\u06FF]/u.test(text)) return [{ text, origin: "input" }];
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(ARABIC_WORD)) {
    const entry = ARABIC_SCRIPT_GLOSSARY[m[0].replace(/\u200C$/u, "")];
    if (entry === undefined) continue;
    if (m.index > last) out.push({ text: text.slice(last, m.index), origin: "input" });
    // A word lists give both transliterated and translated ("Bank Melli", "National Iranian Oil Company")
    // is read the first way and tried the other (see `Segment.alternatives`).
    const [english, ...alternatives] = entry.split("|");
    out.push({ text: english!, origin: "translated", ...(alternatives.length > 0 && { alternatives }) });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), origin: "input" });
  return out;
}
