/**
 * Stage: punctuation. Apostrophes inside words are dropped rather than split on, because Russian
 * soft signs (Izhevskiy Mashinostroitel'nyi) and French elisions are written both with and without
 * them. `&` and `+` mean "and"; every other non-alphanumeric character separates words.
 */
export function normalizePunctuation(text: string): string {
  return text
    .replace(/['’‘`´ʼʹ]/g, "")
    .replace(/[&+]/g, " and ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
