import fc from "fast-check";

/** The seed of every fuzz run: a failure is reproduced by running the suite again. */
export const SEED = 1616;

/**
 * A text a caller might send where a short one is expected: empty, control characters, lone surrogates,
 * other scripts, path tricks, and now and then a very long one (up to a megabyte of one letter, which used to
 * wedge typo search).
 */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "",
      " ",
      "\u0000",
      "\u001b[2J",
      "\ud800",
      "\ufeff",
      "../../etc/passwd",
      "%2e%2e%2f",
      "华为技术有限公司",
      "Рособоронэкспорт",
      "nvidia-h20",
      "2024-02-30",
      "CN",
      "null",
      "__proto__",
      "constructor",
      '","',
      "1e308",
      "-0",
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 501, max: 20_000 }).map((n) => "x".repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom(1_000_000, 200_000).map((n) => "a".repeat(n)) },
);

/** Numbers at and beyond the edges: huge finite ones overflowed TPP to Infinity. */
export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, -1, 1e308, -1e308, 5e-324, 2 ** 53, 1e21, 0.1),
);

/** Any JSON value, with nasty strings and numbers and some depth. */
export const nastyJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    nastyString,
    nastyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(
      nastyString.filter((k) => k.length < 100),
      tie("value"),
      { maxKeys: 5 },
    ),
  ),
})).value;

/** A deeply nested array, as a text (JSON.stringify would recurse). */
export const deepJsonText = fc
  .integer({ min: 1_000, max: 100_000 })
  .map((n) => `${"[".repeat(n)}${"]".repeat(n)}`);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `value` with the node at a random path replaced, removed, or given an unknown sibling. */
export function mutate(value: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) walk(x, [...path, i]);
    } else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(value, []);
  return fc
    .record({
      path: fc.constantFrom(...paths),
      action: fc.constantFrom("replace", "replace", "remove", "extra"),
      replacement: nastyJson,
      key: nastyString.filter((k) => k.length < 200),
    })
    .map(({ path, action, replacement, key }) => {
      const copy = structuredClone(value) as Json;
      if (path.length === 0) return action === "replace" ? replacement : copy;
      let parent = copy as Record<string | number, Json>;
      for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, Json>;
      const last = path[path.length - 1]!;
      if (action === "replace") parent[last] = replacement as Json;
      else if (action === "remove") {
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
      } else if (!Array.isArray(parent)) parent[key] = replacement as Json;
      return copy;
    });
}

/** CSV-ish text: stray and doubled quotes, a byte-order mark, ragged rows, empty lines, long cells. */
export const nastyCsv: fc.Arbitrary<string> = fc
  .record({
    bom: fc.boolean(),
    header: fc.constantFrom("name", "name,country", "party", "", '"name"', 'na"me', "name,country,name"),
    rows: fc.array(
      fc.array(
        fc.oneof(
          nastyString.filter((s) => s.length < 30_000),
          fc.constantFrom('"', '""', '"a"b', "a,b", "\r", "\n"),
        ),
        { maxLength: 4 },
      ),
      { maxLength: 30 },
    ),
    end: fc.constantFrom("\n", "\r\n", ""),
  })
  .map(
    ({ bom, header, rows, end }) =>
      `${bom ? "\ufeff" : ""}${[header, ...rows.map((r) => r.join(","))].join("\n")}${end}`,
  );

/** A value as a failure report shows it: long strings cut, so a megabyte input does not flood the log. */
export function shortly(value: unknown): string {
  const text = JSON.stringify(value, (_k, v) =>
    typeof v === "string" && v.length > 200 ? `${v.slice(0, 100)}…(${v.length} characters)` : v,
  );
  return text === undefined ? String(value) : text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}

/**
 * fc.assert with the seed of the suite, reporting a failure with its counterexample cut short (fast-check's
 * own report prints every character of it).
 */
export async function check<T extends unknown[]>(
  property: fc.IAsyncPropertyWithHooks<T> | fc.IPropertyWithHooks<T>,
  numRuns: number,
): Promise<void> {
  const details = await fc.check(property as fc.IAsyncProperty<T>, {
    seed: SEED,
    numRuns,
    endOnFailure: true,
  });
  if (!details.failed) return;
  const cause =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(
    `property failed after ${details.numRuns} run(s) (seed ${SEED}, path ${details.counterexamplePath}): ${cause.slice(0, 2000)}\ncounterexample: ${shortly(details.counterexample)}`,
  );
}
