/**
 * Screening's cost stays bounded whatever the input (hardening issue 16): words longer than
 * LIMITS.typoSearchWordLength skip typo search, and phoneticKey uses no recursion that grows with its input.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../limits.js";
import { buildScreeningIndex } from "./build-index.js";
import { CSL_COLUMNS, type CslRecord } from "./csl.js";
import { phoneticKey } from "./normalize/phonetic.js";
import { screenName } from "./screen.js";

function record(id: string, name: string): CslRecord {
  const r: Record<string, string> = {};
  for (const c of CSL_COLUMNS) r[c] = "";
  Object.assign(r, { _id: id, name, source: "Entity List (EL) - Bureau of Industry and Security" });
  return {
    ...(r as unknown as CslRecord),
    list: "EL",
    row: 2,
    country: "",
    snapshot_date: "",
    snapshot_origin: "",
  };
}

/** A made-up word of `n` letters that no rule of normalization rewrites. */
const word = (n: number) => "abdefgijlmnoprtu".repeat(Math.ceil(n / 16)).slice(0, n);

describe("typo search is bounded by the word's length", () => {
  const short = word(LIMITS.typoSearchWordLength);
  const long = word(LIMITS.typoSearchWordLength + 1);
  const filler = Array.from({ length: 60 }, (_, i) =>
    record(
      `f${i}`,
      `${["Beijing", "Moscow", "Tehran"][i % 3]} ${["Alpha", "Orion", "Vega"][i % 3]}${i} Machinery`,
    ),
  );
  const index = buildScreeningIndex([
    record("s", `${short} Machinery`),
    record("l", `${long} Machinery`),
    ...filler,
  ]);
  // One letter changed in the middle: one edit.
  const typo = (w: string) => `${w.slice(0, 20)}z${w.slice(21)}`;

  it(`finds a typo in a word of ${LIMITS.typoSearchWordLength} letters`, () => {
    const r = screenName(index, { name: `${typo(short)} Machinery` });
    expect(r.hits.map((h) => h.id)).toContain("s");
  });

  it(`matches a longer word exactly, but looks for no typo in it`, () => {
    expect(screenName(index, { name: `${long} Machinery` }).hits.map((h) => h.id)).toContain("l");
    expect(screenName(index, { name: `${typo(long)} Machinery` }).hits.map((h) => h.id)).not.toContain("l");
  });

  it("screens a one-word name of the longest allowed length, and refuses a longer one by its field", () => {
    // Letters that vary: a run of one letter has a single one-letter deletion, so it never cost much.
    expect(screenName(index, { name: word(LIMITS.nameLength) }).hits).toEqual([]);
    // 120,000 letters ran out of heap before the cap; the library now refuses it before any work.
    expect(() => screenName(index, { name: word(120_000) })).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT", issues: [expect.objectContaining({ path: "name" })] }),
    );
  });
});

describe("phoneticKey", () => {
  /** The key as it was computed before, with a regular expression that recurses over a run. */
  const collapsedByRegex = (s: string) => s.replace(/(.)\1+/g, "$1");

  it("keys a 10-million-letter run without overflowing the stack", () => {
    expect(phoneticKey("a".repeat(10_000_000))).toBe("a");
    expect(phoneticKey("ab".repeat(1_000_000))).toBe("ab".repeat(1_000_000));
  });

  it("collapses runs as before", () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom("a", "b", "k", "h", "c", "x", "y", "w", "s", "\u00e9"),
          maxLength: 30,
        }),
        (s) => {
          const key = phoneticKey(s);
          expect(collapsedByRegex(key)).toBe(key);
        },
      ),
      { seed: 16, numRuns: 500 },
    );
    expect(phoneticKey("Melli")).toBe("Meli");
    expect(phoneticKey("kasperskiy")).toBe(phoneticKey("kaspersky"));
    expect(phoneticKey("rosoboroneksport")).toBe(phoneticKey("rosoboronexport"));
  });
});
