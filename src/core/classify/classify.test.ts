import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadEngine } from "../../node/engine.js";
import { classify } from "./classify.js";
import { formats, type IcSpec, parseItemSpec } from "./spec.js";

const { rules } = loadEngine();
const at = (spec: Parameters<typeof classify>[0], asOf = "2024-06-01") => classify(spec, rules, { asOf });

describe("missing inputs are named, never guessed", () => {
  it("a datacenter chip with 1600 <= TPP < 4800 and no die area is undetermined, naming dieAreaMm2", () => {
    const r = at({ name: "mid", datacenter: true, denseTops: { fp16: 200 } }); // TPP 3,200
    expect(r.status).toBe("undetermined");
    expect(r.eccn).toBeNull();
    expect(r.undetermined.map((m) => m.field)).toEqual(["dieAreaMm2"]);
  });

  it("TPP >= 4800 needs neither die area nor the datacenter flag", () => {
    const r = at({ denseTops: { fp8: 700 } }); // TPP 5,600
    expect(r.status).toBe("determined");
    expect(r.paragraph).toBe("3A090.a.1");
  });

  it("an unknown datacenter status decides when TPP < 4800 and the band would catch it", () => {
    const r = at({ denseTops: { fp8: 400 }, dieAreaMm2: 300 }); // TPP 3,200, PD 10.7 -> a.2 if datacenter
    expect(r.status).toBe("undetermined");
    expect(r.undetermined.map((m) => m.field)).toContain("datacenter");
  });

  it("a chip with TPP below 1600 is outside 3A090 whatever the missing inputs", () => {
    const r = at({ denseTops: { int8: 150 } }); // TPP 1,200
    expect(r.status).toBe("determined");
    expect(r.eccn).toBeNull();
  });

  it("the 2022 text needs the I/O figure only when TPP reaches 4800", () => {
    expect(at({ denseTops: { fp16: 400 } }, "2023-01-10").undetermined.map((m) => m.field)).toEqual([
      "interconnectGBs",
    ]);
    expect(at({ denseTops: { fp16: 200 } }, "2023-01-10").status).toBe("determined");
  });
});

describe("sparse figures and TF32", () => {
  it("halves figures declared sparse and says so", () => {
    const r = at({ datacenter: true, denseTops: { fp8: 3958 }, dieAreaMm2: 814, sparse: true });
    expect(r.tpp).toBeCloseTo(15832, 0);
    expect(r.warnings.map((w) => w.code)).toContain("SPARSE_HALVED");
  });

  it("refuses format names that are not dense formats, pointing at the sparse flag", () => {
    const parsed = parseItemSpec({ denseTops: { fp8_sparse: 100 } });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toMatch(/unknown format 'fp8_sparse'.*sparse/);
  });

  it("says when counting TF32 as 19 bits would change the result (Trainium-like chip)", () => {
    const r = at({ datacenter: true, denseTops: { tf32: 190, bf16: 190 } }); // 6,080 vs 3,610
    expect(r.paragraph).toBe("3A090.a.1");
    expect(r.warnings.find((w) => w.code === "TF32_BIT_LENGTH_MATTERS")?.message).toContain("19 bits");
  });
});

describe("systems, HBM and model weights", () => {
  const h100: IcSpec = { datacenter: true, denseTops: { fp8: 1979 }, dieAreaMm2: 814 };

  it("a server holding 3A090.a ICs is 4A090.a; the test is what it contains", () => {
    const r = at({ kind: "system", name: "HGX", chip: h100, count: 8 });
    expect(r.eccn).toBe("4A090.a");
    expect(r.contained?.paragraph).toBe("3A090.a.1");
  });

  it("a system holding 3A090.b ICs is 4A090.b from 2023-11-17", () => {
    const l40: IcSpec = { datacenter: true, denseTops: { fp8: 362 }, dieAreaMm2: 608.5 };
    expect(at({ kind: "system", chip: l40, count: 4 }).eccn).toBe("4A090.b");
  });

  it("an item otherwise in a .z-eligible ECCN takes its .z paragraph", () => {
    expect(at({ kind: "system", chip: h100, count: 8, otherwiseEccn: "5A992" }).paragraph).toBe("5A992.z");
  });

  it("HBM at or below 2 GB/s/mm2 is not 3A090.c, and 3A090.c does not exist before December 2024", () => {
    expect(at({ kind: "hbm", memoryBandwidthGBs: 200, packageAreaMm2: 100 }, "2025-02-01").eccn).toBeNull();
    expect(at({ kind: "hbm", memoryBandwidthGBs: 819, packageAreaMm2: 110 }, "2024-06-01").eccn).toBeNull();
  });

  it("closed weights trained with more than 1e26 operations are 4E091 from 2025-01-13; published weights are not", () => {
    expect(at({ kind: "weights", trainingOps: 3e26, weightsPublished: false }, "2025-06-01").eccn).toBe(
      "4E091",
    );
    expect(at({ kind: "weights", trainingOps: 3e26, weightsPublished: true }, "2025-06-01").eccn).toBeNull();
    expect(at({ kind: "weights", trainingOps: 3e26, weightsPublished: false }, "2024-06-01").eccn).toBeNull();
  });
});

describe("every result explains itself", () => {
  it("every reason carries a citation with a Federal Register or CFR reference", () => {
    const r = at({ datacenter: true, denseTops: { fp16: 150 }, dieAreaMm2: 100 });
    expect(r.reasons.length).toBeGreaterThan(0);
    for (const reason of r.reasons) expect(reason.citation.text).toMatch(/FR|CFR/);
  });

  it("warns when a value sits within 1% of a threshold", () => {
    const r = at({ datacenter: true, denseTops: { fp16: 299 }, dieAreaMm2: 2000 }); // TPP 4,784
    expect(r.warnings.map((w) => w.code)).toContain("NEAR_THRESHOLD");
  });
});

const LEVEL: Record<string, number> = { "3A090.a": 2, "3A090.b": 1 };
const level = (eccn: string | null) => (eccn ? (LEVEL[eccn] ?? 0) : 0);

describe("properties", () => {
  const date = fc.constantFrom("2023-06-01", "2023-12-01", "2024-06-01", "2025-06-01", "2026-02-15");
  const spec = fc.record({
    datacenter: fc.boolean(),
    dieAreaMm2: fc.double({ min: 50, max: 3000, noNaN: true }),
    denseTops: fc.record({ fp16: fc.double({ min: 0, max: 3000, noNaN: true }) }),
    interconnectGBs: fc.double({ min: 0, max: 2000, noNaN: true }),
  });

  it("raising a TPP input never lowers the control level on the same date", () => {
    fc.assert(
      fc.property(spec, fc.double({ min: 1, max: 10, noNaN: true }), date, (s, factor, asOf) => {
        const lower = at(s, asOf);
        const higher = at({ ...s, denseTops: { fp16: s.denseTops.fp16 * factor } }, asOf);
        expect(level(higher.eccn)).toBeGreaterThanOrEqual(level(lower.eccn));
      }),
      { numRuns: 300 },
    );
  });

  it("a complete spec is always determined, and TPP is the max over formats of TOPS x bit length", () => {
    const tops = fc.record(
      Object.fromEntries(formats.map((f) => [f, fc.double({ min: 0, max: 5000, noNaN: true })])),
    );
    fc.assert(
      fc.property(tops, date, (denseTops, asOf) => {
        const r = at({ datacenter: true, dieAreaMm2: 500, interconnectGBs: 900, denseTops }, asOf);
        expect(r.status).toBe("determined");
        const expected = Math.max(...formats.map((f) => denseTops[f]! * rules.bitLength[f]!));
        expect(r.tpp).toBeCloseTo(expected, 6);
      }),
      { numRuns: 200 },
    );
  });
});
