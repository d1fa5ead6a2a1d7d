import { describe, expect, it } from "vitest";
import { findChip } from "../../src/core/catalog/catalog.js";
import { classify } from "../../src/core/classify/classify.js";
import type { ItemSpec } from "../../src/core/classify/spec.js";
import { loadEngine } from "../../src/node/engine.js";

// The classification part of worked examples W1-W12 in shared/reference/us-advanced-computing-controls.md §11.
// Expected values are the reference's, not the engine's own output; TPP/PD within 1 % of the reference figure.
const { rules, catalog } = loadEngine();
const chip = (id: string) => findChip(catalog, id).spec;
const run = (spec: ItemSpec, asOf: string, mode: "as-enforced" | "as-codified" = "as-enforced") =>
  classify(spec, rules, { asOf, mode });

function near(actual: number | null, expected: number, tolerance = 0.01) {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected) / expected).toBeLessThanOrEqual(tolerance);
}

describe("worked examples W1-W12 (classification)", () => {
  it("W1: A800 SXM on 2023-06-01 is not 3A090 — I/O below 600 GB/s fails the 2022 conjunctive test", () => {
    const r = run(chip("nvidia-a800-sxm4-80gb"), "2023-06-01");
    near(r.tpp, 4992);
    expect(r.status).toBe("determined");
    expect(r.eccn).toBeNull();
    const io = r.reasons.find((x) => x.input === "io");
    expect(io?.met).toBe(false);
    expect(io?.citation.text).toContain("87 FR 62186");
  });

  it("W2: A800 SXM on 2023-12-01 is 3A090.a (a.1: TPP 4,992 >= 4,800)", () => {
    const r = run(chip("nvidia-a800-sxm4-80gb"), "2023-12-01");
    expect(r.eccn).toBe("3A090.a");
    expect(r.paragraph).toBe("3A090.a.1");
    near(r.tpp, 4992);
    expect(r.reasons.some((x) => x.citation.text.includes("88 FR 73458"))).toBe(true);
  });

  it("W3/W4: H100 SXM on 2024-06-01 is 3A090.a with TPP about 15,831 and PD about 19.4", () => {
    const r = run(chip("nvidia-h100-sxm5-80gb"), "2024-06-01");
    expect(r.eccn).toBe("3A090.a");
    near(r.tpp, 15831);
    near(r.performanceDensity, 19.45);
  });

  it("W5: RTX 4090 (consumer) on 2024-02-01 is 3A090.a: TPP 5,285 >= 4,800", () => {
    const r = run(chip("nvidia-rtx-4090"), "2024-02-01");
    near(r.tpp, 5285);
    expect(r.designedForDatacenter).toBe(false);
    expect(r.eccn).toBe("3A090.a");
  });

  it("W6: RTX 4090D (consumer) on 2024-02-01 is outside 3A090 by Note 2: TPP 4,707 < 4,800", () => {
    const r = run(chip("nvidia-rtx-4090d"), "2024-02-01");
    near(r.tpp, 4707);
    expect(r.eccn).toBeNull();
    expect(r.status).toBe("determined");
    expect(r.reasons.some((x) => x.code === "EXCLUDED" && x.paragraph === "Note 2 to 3A090")).toBe(true);
  });

  it("W7: L40 on 2024-06-01 is 3A090.b (b.1): TPP about 2,896, PD about 4.76", () => {
    const r = run(chip("nvidia-l40"), "2024-06-01");
    near(r.tpp, 2896);
    near(r.performanceDensity, 4.76);
    expect(r.eccn).toBe("3A090.b");
    expect(r.paragraph).toBe("3A090.b.1");
  });

  it.each(["2024-06-01", "2025-05-01", "2025-09-01"])(
    "W8: H20 on %s is not 3A090 (TPP 2,368; PD 2.91)",
    (date) => {
      const r = run(chip("nvidia-h20"), date);
      near(r.tpp, 2368);
      near(r.performanceDensity, 2.91);
      expect(r.eccn).toBeNull();
      expect(r.status).toBe("determined");
    },
  );

  it("W9: H200 on 2026-02-15 is 3A090.a with TPP about 15,832", () => {
    const r = run(chip("nvidia-h200-sxm-141gb"), "2026-02-15");
    expect(r.eccn).toBe("3A090.a");
    near(r.tpp, 15832);
  });

  it("W10: B200 on 2026-02-15 is 3A090.a with TPP about 36,000", () => {
    const r = run(chip("nvidia-b200"), "2026-02-15");
    expect(r.eccn).toBe("3A090.a");
    near(r.tpp, 36000);
  });

  it("W11: a stand-alone HBM3 stack with memory bandwidth density >= 3.3 GB/s/mm2 on 2025-02-01 is 3A090.c", () => {
    const r = run(
      { kind: "hbm", name: "HBM3 stack", memoryBandwidthGBs: 819, packageAreaMm2: 110 },
      "2025-02-01",
    );
    expect(r.memoryBandwidthDensity).toBeGreaterThanOrEqual(3.3);
    expect(r.eccn).toBe("3A090.c");
    expect(r.reasons.some((x) => x.citation.text.includes("89 FR 96790"))).toBe(true);
  });

  it("W12: H100 SXM on 2025-06-01 is 3A090.a in both modes, and the result states its mode", () => {
    const enforced = run(chip("nvidia-h100-sxm5-80gb"), "2025-06-01", "as-enforced");
    const codified = run(chip("nvidia-h100-sxm5-80gb"), "2025-06-01", "as-codified");
    expect(enforced.eccn).toBe("3A090.a");
    expect(codified.eccn).toBe("3A090.a");
    expect(enforced.mode).toBe("as-enforced");
    expect(codified.mode).toBe("as-codified");
    expect(enforced.otherMode).toMatchObject({ mode: "as-codified", differs: false });
    expect(enforced.ruleVersion?.id).toBe("bis-2025-05-non-enforcement");
    expect(codified.ruleVersion?.id).toBe("ear-2025-05-ai-diffusion-compliance");
  });
});

describe("reference §9 anchors", () => {
  it("L4 is 3A090.a.2 by density (TPP 1,940; PD 6.59)", () => {
    const r = run(chip("nvidia-l4"), "2024-06-01");
    near(r.tpp, 1940);
    near(r.performanceDensity, 6.59);
    expect(r.paragraph).toBe("3A090.a.2");
  });

  it("L20 is not 3A090 (PD 3.14 just below 3.2)", () => {
    const r = run(chip("nvidia-l20"), "2024-06-01");
    near(r.performanceDensity, 3.14);
    expect(r.eccn).toBeNull();
  });

  it("L40S is 3A090.a (TPP 5,864, datacenter)", () => {
    const r = run(chip("nvidia-l40s"), "2024-06-01");
    near(r.tpp, 5864);
    expect(r.paragraph).toBe("3A090.a.1");
  });

  it("A100 was controlled under the 2022 text (NVLink 600 GB/s plus host I/O, TPP 4,992)", () => {
    const r = run(chip("nvidia-a100-sxm4-80gb"), "2023-06-01");
    expect(r.paragraph).toBe("3A090.a");
  });

  it("H800 was outside the 2022 text and is 3A090.a from 2023-11-17", () => {
    expect(run(chip("nvidia-h800-sxm5"), "2023-06-01").eccn).toBeNull();
    expect(run(chip("nvidia-h800-sxm5"), "2023-11-17").eccn).toBe("3A090.a");
  });

  it("nothing is 3A090 before the October 2022 rule", () => {
    const r = run(chip("nvidia-h100-sxm5-80gb"), "2022-06-01");
    expect(r.eccn).toBeNull();
    expect(r.reasons.some((x) => x.code === "NOT_YET_IN_FORCE")).toBe(true);
  });
});
