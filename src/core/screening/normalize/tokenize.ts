/**
 * Stage: tokenization. Runs of single letters are re-joined because dotted initialisms lose their dots
 * to the punctuation stage ("S.A." → "s a" → "sa", "U.S.A." → "usa"). Ordinal suffixes are dropped so
 * "14th" meets "14" and "第十四".
 */
export function tokenize(text: string): string[] {
  const raw = text.split(/\s+/).filter((t) => t !== "");
  const out: string[] = [];
  let run = "";
  const flush = (): void => {
    if (run.length === 1) out.push(run);
    else if (run.length > 1) out.push(run);
    run = "";
  };
  for (const t of raw) {
    if (t.length === 1 && /\p{L}/u.test(t)) {
      run += t;
      continue;
    }
    flush();
    out.push(t.replace(/^(\d+)(st|nd|rd|th)$/, "$1"));
  }
  flush();
  return out;
}
