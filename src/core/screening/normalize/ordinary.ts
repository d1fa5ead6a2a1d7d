import { COMMON_WORDS } from "./common-words.js";

// Built on first use: only an index build asks (the index keeps the answer per word).
let words: Set<string> | undefined;

/**
 * Whether a normalized word is an ordinary English word ("summit", "eagle", "orion", "wave"): one of the
 * 27,000 words most used in spoken English (SUBTLEX-US, see common-words.ts). A name met only through such
 * a word is a coincidence of vocabulary more often than the same party.
 */
export function isOrdinaryWord(word: string): boolean {
  words ??= new Set(COMMON_WORDS.split(" "));
  return words.has(word);
}
