/**
 * Splits one listed name cell into the names it contains. Lists pack several names into one string:
 * "SIBERIAN AIRLINES D/B/A S7 AIRLINES", "Rostec (Russian Technologies State Corporation)",
 * "National University of Defense Technology (NUDT)". Each part is indexed as a name of its own, as
 * is the name without its parenthetical, so that neither "NUDT" nor "Rostec" has to carry the weight
 * of the other words to match.
 */
export function expandListedName(name: string): string[] {
  const out = new Set<string>();
  const add = (s: string): void => {
    const t = s.replace(/\s+/g, " ").replace(/^[\s,;.]+|[\s,;]+$/g, "");
    if (t !== "") out.add(t);
  };
  const parts = name.split(
    /\b(?:d\/b\/a|a\.k\.a\.?|f\.k\.a\.?|aka|fka|formerly known as|also known as)\b[:,]?/i,
  );
  for (const part of parts) {
    add(part);
    const without = part.replace(/\([^()]*\)/g, " ");
    if (without !== part) add(without);
    for (const m of part.matchAll(/\(([^()]*)\)/g)) {
      const inner = m[1]!.trim();
      const words = inner.split(/\s+/).filter((w) => w !== "");
      // Acronyms ("NSCC-TJ", "CETC 14") and multi-word former or full names become names; a lone
      // place or generic word ("Beijing", "Group", "Hong Kong") does not, or it would match anything.
      const acronym = /^[A-Z0-9][A-Z0-9 .&-]{1,11}$/.test(inner) && /[A-Z]/.test(inner) && words.length <= 2;
      if (acronym || words.length >= 3) add(inner);
    }
  }
  return [...out];
}
