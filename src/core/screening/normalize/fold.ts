/**
 * Letters that have no decomposition in Unicode, so stripping combining marks alone would leave
 * them as they are and they would never meet their ASCII spelling.
 */
const SPECIAL: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
  ĸ: "k",
};

/**
 * Stage: case and diacritics folding for Latin letters only. Marks are stripped only after a Latin
 * base letter because in other scripts they are part of the letter (Cyrillic й is и + breve), and
 * those scripts are transliterated by a later stage that needs the intact letter.
 */
export function foldCaseAndDiacritics(text: string): string {
  return text
    .normalize("NFD")
    .replace(/([A-Za-z])\p{M}+/gu, "$1")
    .normalize("NFC")
    .toLowerCase()
    .replace(/[ßæœøłđðþıĸ]/g, (ch) => SPECIAL[ch] ?? ch);
}
