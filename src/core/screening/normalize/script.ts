import { transliterate } from "transliteration";

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
  return transliterate(text, { unknown: " " });
}
