import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChipGateError } from "../errors.js";
import { deepFreeze, isDeeplyFrozen } from "../freeze.js";
import { canonicalJson, canonicalText, isCanonicalText } from "./canonical.js";
import { GENESIS_HASH, normalizeEntry, recordHashText, recordHashTextOf, sealRecord } from "./chain.js";
import { parseInstant } from "./instant.js";
import type { AuditEntryInput, AuditRecord } from "./types.js";
import { ChainVerifier, verifyChain } from "./verify.js";

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

const entry = (n: number): AuditEntryInput => ({
  kind: "decision",
  actor: `user-${n % 3}`,
  input: { chip: `C${n}`, destination: "DE", qty: n },
  output: { outcome: n % 2 ? "license-required" : "no-license-required", reasons: [{ code: "R1" }] },
  outcome: n % 2 ? "license-required" : "no-license-required",
  versions: { engine: "0.1.0", ruleData: "r1", screeningData: "s1" },
});

function chain(n: number): AuditRecord[] {
  const records: AuditRecord[] = [];
  for (let i = 1; i <= n; i++) {
    records.push(
      sealRecord(
        normalizeEntry(entry(i)),
        {
          seq: i,
          id: `id-${i}`,
          recordedAt: `2025-01-01T00:00:${String(i).padStart(2, "0")}.000Z`,
          prevHash: records[i - 2]?.hash ?? GENESIS_HASH,
        },
        sha256,
      ),
    );
  }
  return records;
}

describe("canonicalJson", () => {
  it("sorts keys, drops undefined members and writes no whitespace", () => {
    expect(canonicalJson({ b: 1, a: [true, null, "x"], c: undefined, d: { z: 1.5, y: -0 } })).toBe(
      '{"a":[true,null,"x"],"b":1,"d":{"y":0,"z":1.5}}',
    );
  });

  it("matches RFC 8785 examples for numbers and strings", () => {
    expect(canonicalJson([1e21, 1e-7, 0.1, 333333333.3333333, "\u20ac\n\u0001"])).toBe(
      '[1e+21,1e-7,0.1,333333333.3333333,"€\\n\\u0001"]',
    );
  });

  it("rejects what JSON cannot represent exactly, naming where", () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(/\$\.a\[1\].*NaN/);
    expect(() => canonicalJson({ a: [undefined] })).toThrow(/undefined inside an array/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/bigint/);
  });

  it("is independent of key order and stable through a JSON round trip", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (dict) => {
        const reversed = Object.fromEntries(Object.entries(dict).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(dict));
      }),
    );
  });
});

describe("canonicalText", () => {
  it("is canonicalJson's text, and only what it made is taken as canonical", () => {
    const made = canonicalText({ b: 1, a: [true, null] });
    expect(made.text).toBe('{"a":[true,null],"b":1}');
    expect(isCanonicalText(made)).toBe(true);
    expect(isCanonicalText({ text: '{"a":[true,null],"b":1}' })).toBe(false);
    expect(isCanonicalText(Object.freeze({ ...made }))).toBe(false);
    expect(() => canonicalText({ n: Number.NaN })).toThrow(/\$\.n.*NaN/);
  });

  it("reuses the text of deeply frozen plain data, and never of a frozen Date that can still change", () => {
    const when = new Date(0);
    const holder = deepFreeze({ when, note: "x" });
    expect(isDeeplyFrozen(holder)).toBe(false);
    expect(canonicalJson(holder)).toBe('{"note":"x","when":"1970-01-01T00:00:00.000Z"}');
    when.setTime(86_400_000);
    expect(canonicalJson(holder)).toBe('{"note":"x","when":"1970-01-02T00:00:00.000Z"}');
    const plain = deepFreeze({ a: [1, { b: 2 }], c: "d" });
    expect(isDeeplyFrozen(plain)).toBe(true);
    expect(isDeeplyFrozen(plain.a[1])).toBe(true);
    expect(canonicalJson(plain)).toBe('{"a":[1,{"b":2}],"c":"d"}');
  });
});

describe("normalizeEntry", () => {
  it("lists every problem with its path", () => {
    const bad = {
      kind: "x",
      actor: "",
      input: undefined,
      output: { t: Number.POSITIVE_INFINITY },
      versions: {},
    };
    try {
      normalizeEntry(bad as unknown as AuditEntryInput);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ChipGateError);
      const paths = (error as ChipGateError).issues.map((i) => i.path);
      expect(paths).toEqual([
        "kind",
        "actor",
        "versions.engine",
        "versions.ruleData",
        "versions.screeningData",
        "input",
        "output.t",
      ]);
    }
  });

  it("copies input so later changes by the caller do not reach the record", () => {
    const e = entry(1);
    const normalized = normalizeEntry(e);
    (e.input as { chip: string }).chip = "changed";
    expect(normalized.input).toEqual({ chip: "C1", destination: "DE", qty: 1 });
  });
});

describe("sealRecord and the chain rule", () => {
  it("hashes the canonical record without its hash, genesis prevHash is 64 zeros", () => {
    const [first] = chain(1);
    expect(first!.prevHash).toBe("0".repeat(64));
    expect(first!.hash).toBe(sha256(recordHashText(first!)));
    expect(recordHashText(first!)).not.toContain('"hash"');
    expect(recordHashText(first!)).toContain('"seq":1');
  });
});

describe("recordHashTextOf (the text the SQLite writer thread hashes)", () => {
  it("is the canonical JSON of the record, for any strings, numbers and JSON values", () => {
    const text = fc.string({ unit: "grapheme" });
    fc.assert(
      fc.property(
        fc.record({
          actor: text,
          id: text,
          outcome: fc.option(text, { nil: undefined }),
          versions: fc.record({ engine: text, ruleData: text, screeningData: text }),
          seq: fc.nat(),
          recordedAt: text,
          prevHash: text,
          input: fc.jsonValue(),
          output: fc.jsonValue(),
        }),
        (r) => {
          const { input, output, outcome, ...rest } = r;
          const record = {
            kind: "decision" as const,
            ...rest,
            input,
            output,
            ...(outcome !== undefined && { outcome }),
          };
          expect(
            recordHashTextOf({
              ...rest,
              outcome,
              kind: "decision",
              inputText: canonicalJson(input),
              outputText: canonicalJson(output),
            }),
          ).toBe(recordHashText(record));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("verifyChain", () => {
  it("accepts an intact chain and reports its head", () => {
    const records = chain(5);
    expect(verifyChain(records, sha256, { head: { seq: 5, hash: records[4]!.hash } })).toEqual({
      ok: true,
      checked: 5,
      head: { seq: 5, hash: records[4]!.hash },
    });
    expect(verifyChain([], sha256, { head: { seq: 0, hash: GENESIS_HASH } })).toEqual({
      ok: true,
      checked: 0,
    });
  });

  it("names an edited record", () => {
    const records = chain(5);
    records[2] = { ...records[2]!, actor: "mallory" };
    const result = verifyChain(records, sha256);
    expect(result).toMatchObject({
      ok: false,
      checked: 2,
      firstBad: { seq: 3, id: "id-3", reason: "hash-mismatch" },
    });
  });

  it("names the record after an edited record whose hash was recomputed", () => {
    const records = chain(5);
    const { hash: _h, ...rest } = { ...records[2]!, output: { outcome: "no-license-required" } };
    records[2] = { ...rest, hash: sha256(recordHashText(rest)) };
    expect(verifyChain(records, sha256).firstBad).toMatchObject({ seq: 4, reason: "broken-link" });
  });

  it("names a gap, a reordering and a forged insertion", () => {
    const records = chain(5);
    expect(verifyChain([...records.slice(0, 2), ...records.slice(3)], sha256).firstBad).toMatchObject({
      seq: 4,
      reason: "seq-gap",
    });
    expect(verifyChain([records[0]!, records[2]!, records[1]!], sha256).firstBad).toMatchObject({
      seq: 3,
      reason: "seq-gap",
    });
    const swapped = [records[0]!, { ...records[2]!, seq: 2 }, { ...records[1]!, seq: 3 }];
    expect(verifyChain(swapped, sha256).firstBad).toMatchObject({
      seq: 2,
      id: "id-3",
      reason: "broken-link",
    });
    expect(verifyChain([records[0]!, records[0]!], sha256).firstBad).toMatchObject({
      reason: "seq-out-of-order",
    });
  });

  it("needs the head row to see a removed tail or a well-forged row at the end", () => {
    const records = chain(5);
    const head = { seq: 5, hash: records[4]!.hash };
    expect(verifyChain(records.slice(0, 3), sha256).ok).toBe(true);
    expect(verifyChain(records.slice(0, 3), sha256, { head }).firstBad).toMatchObject({
      seq: 4,
      id: null,
      reason: "truncated",
    });
    const forged = sealRecord(
      normalizeEntry(entry(99)),
      { seq: 6, id: "forged", recordedAt: "2025-01-01T00:01:00.000Z", prevHash: records[4]!.hash },
      sha256,
    );
    expect(verifyChain([...records, forged], sha256, { head }).firstBad).toMatchObject({
      seq: 6,
      reason: "beyond-head",
    });
    expect(verifyChain(records, sha256, { head: { seq: 5, hash: "f".repeat(64) } }).firstBad).toMatchObject({
      seq: 5,
      reason: "head-mismatch",
    });
  });

  it("checks outside anchors, which survive a rewrite of the head row", () => {
    const records = chain(5);
    expect(
      verifyChain(records.slice(0, 3), sha256, { anchors: [{ seq: 5, hash: records[4]!.hash }] }).firstBad,
    ).toMatchObject({
      reason: "truncated",
    });
    expect(
      verifyChain(records, sha256, { anchors: [{ seq: 2, hash: "a".repeat(64) }] }).firstBad,
    ).toMatchObject({
      seq: 2,
      reason: "anchor-mismatch",
    });
  });

  it("rejects time going backwards and malformed records", () => {
    const records = chain(3);
    const { hash: _h, ...rest } = { ...records[2]!, recordedAt: "2024-01-01T00:00:00.000Z" };
    records[2] = { ...rest, hash: sha256(recordHashText(rest)) };
    expect(verifyChain(records, sha256).firstBad).toMatchObject({ seq: 3, reason: "time-regression" });
    const v = new ChainVerifier(sha256);
    expect(v.push({ ...chain(1)[0]!, hash: "nothex" })).toBe(false);
    expect(v.finish().firstBad).toMatchObject({ seq: 1, reason: "malformed" });
  });
});

describe("parseInstant", () => {
  it("accepts dates and offset date-times, normalized to UTC milliseconds", () => {
    expect(parseInstant("2025-01-31", "--from")).toBe("2025-01-31T00:00:00.000Z");
    expect(parseInstant("2025-01-31T12:30:00+02:00", "--from")).toBe("2025-01-31T10:30:00.000Z");
    expect(parseInstant("2025-01-31T12:30Z", "--from")).toBe("2025-01-31T12:30:00.000Z");
  });

  it("names the flag and what is accepted", () => {
    for (const bad of ["yesterday", "2025-02-30", "2025-13-01", "2025-01-31T12:00:00", "2025-01-31T25:00Z"]) {
      expect(() => parseInstant(bad, "--to")).toThrow(/^--to: .*expected an ISO 8601 date/);
    }
  });
});
