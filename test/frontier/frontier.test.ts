import { describe, expect, it } from "vitest";
import { findChip } from "../../src/core/catalog/catalog.js";
import { allocationUse, type Frontier, frontier } from "../../src/core/frontier.js";
import { loadEngine } from "../../src/node/engine.js";
import { frontierSvg } from "../../src/node/frontier-chart.js";
import { cli } from "../cli/helpers.js";

// Facts from shared/reference/us-advanced-computing-controls.md (§1.5, §2, §6, §9, W2, W3, W5, W8).
const { rules, catalog } = loadEngine();
const ctx = {
  rules,
  catalog,
  screen: (q: { name: string }) => ({ query: q.name, hits: [] }),
  versions: { engine: "test", ruleData: rules.version, screeningData: "none" },
};
const cn = frontier("CN", { from: "2022-01-01", to: "2026-06-30" }, ctx);
const ae = frontier("AE", { from: "2022-01-01", to: "2026-06-30" }, ctx);
const stepAt = (f: Frontier, date: string) => f.steps.find((s) => s.from <= date && date <= s.to)!;

describe("frontier for China", () => {
  it("covers the window with contiguous steps at each rule change", () => {
    expect(cn.steps[0]!.from).toBe("2022-01-01");
    expect(cn.steps.at(-1)!.to).toBe("2026-06-30");
    for (let i = 1; i < cn.steps.length; i++) expect(cn.steps[i]!.from > cn.steps[i - 1]!.to).toBe(true);
    expect(cn.steps.map((s) => s.from)).toEqual(
      expect.arrayContaining(["2022-10-21", "2023-11-17", "2025-04-09", "2026-01-15"]),
    );
  });

  it("A800 and H800 are exportable without a license between the 2022 rule and 2023-11-16, and not after", () => {
    for (const date of ["2022-11-01", "2023-06-01", "2023-11-16"]) {
      expect(stepAt(cn, date).noLicense).toEqual(
        expect.arrayContaining(["nvidia-a800-sxm4-80gb", "nvidia-h800-sxm5"]),
      );
    }
    for (const date of ["2023-11-17", "2024-06-01", "2026-02-15"]) {
      expect(stepAt(cn, date).noLicense).not.toContain("nvidia-a800-sxm4-80gb");
      expect(stepAt(cn, date).noLicense).not.toContain("nvidia-h800-sxm5");
    }
  });

  it("the A100 and H100 needed a license under the 2022 rule (and the August 2022 notice before it)", () => {
    expect(stepAt(cn, "2022-09-15").noLicense).not.toContain("nvidia-a100-sxm4-80gb");
    expect(stepAt(cn, "2022-11-01").noLicense).not.toContain("nvidia-h100-sxm5-80gb");
  });

  it("the H20 is exportable without a license from 2023-11-17 until the April 2025 notice to its exporter", () => {
    expect(stepAt(cn, "2023-11-17").noLicense).toContain("nvidia-h20");
    expect(stepAt(cn, "2025-04-08").noLicense).toContain("nvidia-h20");
    expect(stepAt(cn, "2025-04-09").noLicense).not.toContain("nvidia-h20");
    expect(stepAt(cn, "2025-09-01").otherLicenseRequired).toContain("nvidia-h20");
  });

  it("the RTX 4090 moves to the license-exception set from 2023-11-17", () => {
    expect(stepAt(cn, "2023-06-01").noLicense).toContain("nvidia-rtx-4090");
    expect(stepAt(cn, "2023-11-17").licenseException).toContain("nvidia-rtx-4090");
  });

  it("the H200 becomes case-by-case from 2026-01-15 while the B200 stays presumption of denial", () => {
    expect(stepAt(cn, "2026-01-15").caseByCase).toContain("nvidia-h200-sxm-141gb");
    expect(stepAt(cn, "2025-06-01").caseByCase).not.toContain("nvidia-h200-sxm-141gb");
    expect(stepAt(cn, "2026-01-15").presumptionOfDenial).toContain("nvidia-b200");
  });

  it("lists domestic designs and orders every list by TPP descending", () => {
    const s = stepAt(cn, "2024-06-01");
    expect(s.domestic).toEqual(expect.arrayContaining(["huawei-ascend-910b2", "cambricon-mlu370-x8"]));
    expect(stepAt(cn, "2022-10-10").domestic).not.toContain("huawei-ascend-910b2"); // released 2023
    expect(s.noLicense).not.toContain("huawei-ascend-910b2");
    const tpps = s.noLicense
      .map((id) => ctx.catalog.find((c) => c.id === id)!)
      .map((c) =>
        Math.max(...Object.entries(c.spec.denseTops ?? {}).map(([f, v]) => v * rules.bitLength[f]!)),
      );
    for (let i = 1; i < tpps.length; i++) expect(tpps[i]!).toBeLessThanOrEqual(tpps[i - 1]!);
    expect(s.bestNoLicenseTpp).toBe(tpps[0]);
  });
});

describe("frontier for the UAE", () => {
  it("H100-class chips need a license from 2023-11-17 with a presumption of approval", () => {
    expect(stepAt(ae, "2023-06-01").noLicense).toContain("nvidia-h100-sxm5-80gb");
    expect(stepAt(ae, "2023-11-17").presumptionOfApproval).toContain("nvidia-h100-sxm5-80gb");
  });
});

describe("allocations in chips (AI Diffusion, as codified)", () => {
  it("expresses the 790,000,000 TPP country allocation as about 49,900 H100s and gives a purchase's share", () => {
    const use = allocationUse(findChip(catalog, "nvidia-h100-sxm5-80gb"), 1000, "2025-06-01", rules);
    const country = use.budgets.find((b) => b.name.startsWith("country allocation"))!;
    expect(country.tpp).toBe(790_000_000);
    expect(country.unitsThatFit).toBeGreaterThan(49_800);
    expect(country.unitsThatFit).toBeLessThan(50_000);
    expect(country.share).toBeCloseTo((1000 * use.tpp) / 790_000_000, 10);
    const lpp = use.budgets.find((b) => b.name.startsWith("License Exception LPP"))!;
    expect(lpp.tpp).toBe(26_900_000);
    expect(lpp.unitsThatFit).toBe(Math.floor(26_900_000 / use.tpp)); // about 1,700 H100-equivalents
    expect(lpp.unitsThatFit).toBeGreaterThan(1690);
  });
});

describe("chart and CLI", () => {
  it("draws one step line per country with the rule events", () => {
    const svg = frontierSvg([cn, ae]);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain("ear-2023-11");
    expect(svg).toContain(">CN<");
  });

  it("`chipgate frontier --country CN --json` prints the documented shape", () => {
    const r = cli(["frontier", "--country", "CN", "--to", "2026-06-30", "--json"]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ country: "CN", mode: "as-enforced" });
    for (const s of out.steps) {
      for (const key of ["from", "to", "noLicense", "licenseException", "caseByCase", "domestic"])
        expect(s).toHaveProperty(key);
    }
  });

  it("rejects a bad country list with exit 2", () => {
    const r = cli(["frontier", "--country", "CN,XX"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--country: 'XX'/);
  });
});

describe("release years", () => {
  it("lists a chip only from its release year unless asked to include unreleased chips", () => {
    expect(stepAt(cn, "2022-10-10").noLicense).not.toContain("nvidia-h20"); // released 2024
    const all = frontier("CN", { from: "2022-01-01", to: "2026-06-30", includeUnreleased: true }, ctx);
    expect(stepAt(all, "2022-10-10").noLicense).toContain("nvidia-h20");
    expect(all.assumptions.some((a) => a.includes("before their release year"))).toBe(true);
  });
});
