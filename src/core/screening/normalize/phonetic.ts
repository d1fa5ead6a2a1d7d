/**
 * Stage: a romanization-insensitive key. The same Russian, Persian or Chinese name reaches us through
 * different romanization systems (Rosoboroneksport / Rosoboronexport, Kasperskiy / Kaspersky,
 * Rostekh / Rostec), so two tokens with equal keys are treated as the same word spelled differently.
 * The rules only merge letters that romanization schemes actually swap, to keep unrelated words apart.
 */
export function phoneticKey(token: string): string {
  let s = token
    .replace(/ch/g, "\u0001")
    .replace(/sh/g, "\u0002")
    .replace(/zh/g, "\u0003")
    .replace(/kh/g, "h")
    .replace(/ph/g, "f")
    .replace(/ck/g, "k")
    .replace(/x/g, "ks")
    .replace(/[cq]/g, "k")
    .replace(/w/g, "v")
    .replace(/y/g, "i");
  s = s
    .replace(/\u0001/g, "ch")
    .replace(/\u0002/g, "sh")
    .replace(/\u0003/g, "zh");
  // Doubled letters are the most common romanization and typing variance (Melli / Meli).
  return s.replace(/(.)\1+/g, "$1");
}
