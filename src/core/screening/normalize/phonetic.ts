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
  return collapseRuns(s);
}

/**
 * Each run of one repeated character as one character. A loop, not /(.)\1+/: the regular-expression engine
 * backtracks through a run recursively, which overflows the stack on a run of millions of characters.
 */
function collapseRuns(s: string): string {
  let out = "";
  let from = 0; // start of the stretch not yet copied
  for (let i = 1; i < s.length; i++) {
    if (s.charCodeAt(i) !== s.charCodeAt(i - 1)) continue;
    out += s.slice(from, i); // up to and including the run's first character
    while (i + 1 < s.length && s.charCodeAt(i + 1) === s.charCodeAt(i)) i++;
    from = i + 1;
  }
  return out + s.slice(from);
}
