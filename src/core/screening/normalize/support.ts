/**
 * The libraries behind the Chinese and other-script stages (OpenCC, pinyin-pro, the CC-CEDICT word list,
 * transliteration) take about a quarter of a second to load, and most names are Latin. They are registered
 * here by `han-support.ts` and `translit-support.ts`: the screening entry point (`index.ts`) imports both, so
 * a library user can normalize any name at once; a short-lived caller such as `chipgate screen "<name>"`
 * imports the stages directly and awaits `loadScriptSupport(name)`, which loads only what that name needs.
 */
export interface HanSupport {
  /** Traditional → simplified Chinese. */
  toSimplified(text: string): string;
  /** Pinyin syllables of `text`, one per character, without tones. */
  pinyin(text: string): string[];
  /** Every reading of each character of `text`. */
  polyphonic(text: string): string[][];
  /** The Chinese → English word list: `word<TAB>rendering` lines, sorted by word (see han-dictionary.ts). */
  dictionary: string;
}

export interface TransliterationSupport {
  /** Any script → Latin, unknown characters as spaces. */
  transliterate(text: string): string;
}

let han: HanSupport | undefined;
let transliteration: TransliterationSupport | undefined;

export function registerHanSupport(support: HanSupport): void {
  han = support;
}

export function registerTransliterationSupport(support: TransliterationSupport): void {
  transliteration = support;
}

function notLoaded(what: string): Error {
  return new Error(
    `screening: ${what} support is not loaded; import the screening entry point or await loadScriptSupport() first`,
  );
}

export function hanSupport(): HanSupport {
  if (!han) throw notLoaded("Chinese");
  return han;
}

export function transliterationSupport(): TransliterationSupport {
  if (!transliteration) throw notLoaded("transliteration");
  return transliteration;
}

const HAN = /\p{Script=Han}/u;
const NON_LATIN = /[^\u0000-\u024F\u1E00-\u1EFF]/u;

/**
 * Loads the support `text` needs (everything without `text`): Chinese characters need the Chinese stage and
 * any other non-Latin letter the transliteration. Resolves at once when it is loaded already.
 */
export async function loadScriptSupport(text?: string): Promise<void> {
  const needsHan = text === undefined || HAN.test(text);
  const needsOther = text === undefined || NON_LATIN.test(text);
  await Promise.all([
    needsHan && !han ? import("./han-support.js") : undefined,
    needsOther && !transliteration ? import("./translit-support.js") : undefined,
  ]);
}
