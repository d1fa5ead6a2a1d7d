import { beforeAll, describe, expect, it } from "vitest";
import type { DecideContext } from "../../src/core/decide/decide.js";
import type { TransactionInput } from "../../src/core/decide/transaction.js";
import { bundledContext, decideWith } from "./context.js";

// Worked examples W1-W12 of shared/reference/us-advanced-computing-controls.md §11, end to end. The reference
// assumes a US exporter shipping US-origin items from the US, no listed party and no prohibited end use.
let ctx: DecideContext;
beforeAll(async () => {
  ctx = await bundledContext();
}, 60_000);

const cnBuyer = { name: "Hangzhou Lakeside Cloud Services Co., Ltd.", country: "CN", headquarters: "CN" };
const run = (txn: TransactionInput) => decideWith(ctx, txn);

describe("worked examples W1-W12 (decisions)", () => {
  it("W1: A800 to China on 2023-06-01 — not 3A090, no 3A090-based license", () => {
    const d = run({
      date: "2023-06-01",
      destination: "CN",
      items: [{ chip: "nvidia-a800-sxm4-80gb" }],
      endUser: cnBuyer,
    });
    expect(d.items[0]!.eccn).toBeNull();
    expect(d.items[0]!.licenseRequired).toBe(false);
    expect(d.outcome).toBe("no-license-required");
    expect(d.parties[0]!.band).toBeNull();
  });

  it("W2: A800 to China on 2023-12-01 — 3A090.a, license required, no exception, presumption of denial", () => {
    const d = run({
      date: "2023-12-01",
      destination: "CN",
      items: [{ chip: "nvidia-a800-sxm4-80gb" }],
      endUser: cnBuyer,
    });
    const item = d.items[0]!;
    expect(item).toMatchObject({
      eccn: "3A090.a",
      licenseRequired: true,
      exception: null,
      reviewPolicy: "presumption-of-denial",
    });
    expect(item.requirements.map((r) => r.code)).toEqual(["DESTINATION_RULE"]);
    expect(item.requirements[0]!.citation.text).toContain("742.6(a)(6)(iii)");
    expect(d.outcome).toBe("license-required");
    // China's membership of D:1, D:4 and D:5 is confirmed by independent sources: no group warning.
    expect(item.warnings.some((w) => w.code === "UNVERIFIED_COUNTRY_GROUP")).toBe(false);
  });

  it("W3: H100 to a UAE datacenter operator on 2024-06-01 — license required, no exception, presumption of approval", () => {
    const d = run({
      date: "2024-06-01",
      destination: "AE",
      items: [{ chip: "nvidia-h100-sxm5-80gb", quantity: 64 }],
      endUser: { name: "Dunewater Compute Hosting LLC", country: "AE", headquarters: "AE" },
    });
    expect(d.items[0]).toMatchObject({
      eccn: "3A090.a",
      licenseRequired: true,
      exception: null,
      reviewPolicy: "presumption-of-approval",
    });
    expect(d.outcome).toBe("license-required");
  });

  it("W4: H100 to the German subsidiary of a PRC-headquartered cloud company — HQ rule, no exception, PoD", () => {
    const d = run({
      date: "2024-06-01",
      destination: "DE",
      items: [{ chip: "nvidia-h100-sxm5-80gb" }],
      consignee: { name: "Northmere Cloud GmbH", country: "DE", headquarters: "CN" },
    });
    const item = d.items[0]!;
    expect(item).toMatchObject({
      eccn: "3A090.a",
      licenseRequired: true,
      exception: null,
      reviewPolicy: "presumption-of-denial",
    });
    expect(item.requirements.map((r) => r.code)).toEqual(["HEADQUARTERS_RULE"]);
    expect(item.requirements[0]!.citation.text).toContain("744.23(a)(3)(i)");
  });

  it("W5: RTX 4090 to a Chinese retailer on 2024-02-01 — 3A090.a, license required, License Exception NAC with 25-day notice", () => {
    const d = run({
      date: "2024-02-01",
      destination: "CN",
      items: [{ chip: "nvidia-rtx-4090", quantity: 100 }],
      endUser: cnBuyer,
    });
    const item = d.items[0]!;
    expect(item).toMatchObject({ eccn: "3A090.a", licenseRequired: true, exception: "NAC" });
    expect(item.exceptionDetail?.notificationDays).toBe(25);
    expect(d.outcome).toBe("license-exception");
  });

  it("W6: RTX 4090D to China on 2024-02-01 — not 3A090, no license", () => {
    const d = run({
      date: "2024-02-01",
      destination: "CN",
      items: [{ chip: "nvidia-rtx-4090d" }],
      endUser: cnBuyer,
    });
    expect(d.items[0]).toMatchObject({ eccn: null, licenseRequired: false });
    expect(d.outcome).toBe("no-license-required");
  });

  it("W7: L40 to an end user in Vietnam on 2024-06-01 — 3A090.b, license required, License Exception ACA (no notification)", () => {
    const d = run({
      date: "2024-06-01",
      destination: "VN",
      items: [{ chip: "nvidia-l40" }],
      endUser: { name: "Saigon Riverbend Render Farm JSC", country: "VN", headquarters: "VN" },
    });
    expect(d.items[0]).toMatchObject({
      eccn: "3A090.b",
      paragraph: "3A090.b.1",
      licenseRequired: true,
      exception: "ACA",
    });
    expect(d.items[0]!.exceptionDetail?.notificationDays).toBe(0);
    expect(d.outcome).toBe("license-exception");
  });

  describe("W8: H20 to China", () => {
    const h20 = (date: string) =>
      run({
        date,
        destination: "CN",
        items: [{ chip: "nvidia-h20" }],
        endUser: cnBuyer,
        exporter: "NVIDIA Corporation",
      });

    it("(a) 2024-06-01: not 3A090, no license", () => {
      const d = h20("2024-06-01");
      expect(d.items[0]).toMatchObject({ eccn: null, licenseRequired: false });
      expect(d.outcome).toBe("no-license-required");
    });

    it("(b) 2025-05-01, exporter NVIDIA: license required by the company-specific notice, no exception", () => {
      const d = h20("2025-05-01");
      const item = d.items[0]!;
      expect(item).toMatchObject({ eccn: null, licenseRequired: true, exception: null });
      expect(item.requirements.map((r) => r.code)).toEqual(["COMPANY_NOTICE"]);
      expect(item.requirements[0]!.message).toContain("not a rule");
    });

    it("(c) 2025-09-01: still required; licenses being issued is practice, not a rule change", () => {
      const d = h20("2025-09-01");
      expect(d.items[0]!.licenseRequired).toBe(true);
      expect(d.items[0]!.warnings.some((w) => w.code === "LICENSING_PRACTICE")).toBe(true);
    });
  });

  describe("W9: H200 to China on 2026-02-15", () => {
    const certifications = [
      "commercially-available-in-us",
      "sufficient-us-supply",
      "no-foundry-diversion",
      "recipient-security",
      "us-third-party-testing",
      "no-military-end-use",
    ];
    const h200 = (extra: Partial<TransactionInput>) =>
      run({
        date: "2026-02-15",
        destination: "CN",
        items: [{ chip: "nvidia-h200-sxm-141gb" }],
        endUser: cnBuyer,
        certifications,
        ...extra,
      });

    it("from the US with every certification: license required, no exception, case-by-case (91 FR 1684)", () => {
      const item = h200({}).items[0]!;
      expect(item).toMatchObject({
        eccn: "3A090.a",
        licenseRequired: true,
        exception: null,
        reviewPolicy: "case-by-case",
      });
      expect(
        item.reasons.some((r) => r.code === "REVIEW_POLICY" && r.citation.text.includes("91 FR 1684")),
      ).toBe(true);
    });

    it("reexported from Singapore: presumption of denial", () => {
      expect(h200({ exportedFrom: "SG" }).items[0]!.reviewPolicy).toBe("presumption-of-denial");
    });

    it("certifications not met: presumption of denial", () => {
      expect(h200({ certifications: certifications.slice(1) }).items[0]!.reviewPolicy).toBe(
        "presumption-of-denial",
      );
    });
  });

  it("W10: B200 to China from the US on 2026-02-15 — license required, presumption of denial (above 21,000 TPP)", () => {
    const d = run({
      date: "2026-02-15",
      destination: "CN",
      items: [{ chip: "nvidia-b200" }],
      endUser: cnBuyer,
      certifications: [
        "commercially-available-in-us",
        "sufficient-us-supply",
        "no-foundry-diversion",
        "recipient-security",
        "us-third-party-testing",
        "no-military-end-use",
      ],
    });
    expect(d.items[0]).toMatchObject({
      eccn: "3A090.a",
      licenseRequired: true,
      reviewPolicy: "presumption-of-denial",
    });
  });

  describe("W11: an HBM3 stack at >= 3.3 GB/s/mm2 to China on 2025-02-01", () => {
    const stack = {
      spec: { kind: "hbm" as const, name: "HBM3 stack", memoryBandwidthGBs: 819, packageAreaMm2: 110 },
    };

    it("PRC-headquartered buyer: 3A090.c, license required, no HBM exception, presumption of denial", () => {
      const d = run({ date: "2025-02-01", destination: "CN", items: [stack], endUser: cnBuyer });
      expect(d.items[0]).toMatchObject({
        eccn: "3A090.c",
        licenseRequired: true,
        exception: null,
        reviewPolicy: "presumption-of-denial",
      });
    });

    it("a Korean-headquartered company's plant in China: presumption of approval", () => {
      const d = run({
        date: "2025-02-01",
        destination: "CN",
        items: [stack],
        endUser: { name: "Hanbit Memory Packaging (Wuxi) Co., Ltd.", country: "CN", headquarters: "KR" },
      });
      expect(d.items[0]!.reviewPolicy).toBe("presumption-of-approval");
    });
  });

  describe("W12: H100 to an Indian cloud provider on 2025-06-01", () => {
    const txn = (mode: "as-enforced" | "as-codified"): TransactionInput => ({
      date: "2025-06-01",
      mode,
      destination: "IN",
      items: [{ chip: "nvidia-h100-sxm5-80gb", quantity: 256 }],
      endUser: { name: "Deccan Plateau Cloud Pvt. Ltd.", country: "IN", headquarters: "IN" },
    });

    it("as enforced: 3A090.a, no license (India is A:5; AI Diffusion not enforced), and the divergence is flagged", () => {
      const d = run(txn("as-enforced"));
      expect(d.items[0]).toMatchObject({ eccn: "3A090.a", licenseRequired: false });
      expect(d.outcome).toBe("no-license-required");
      expect(d.otherMode).toMatchObject({ mode: "as-codified", differs: true });
      expect(d.warnings.some((w) => w.code === "MODE_DIVERGENCE")).toBe(true);
    });

    it("as codified: license required worldwide; no AIA (India not Tier 1); LPP within 26.9 M TPP; else PoA within 790 M", () => {
      const d = run(txn("as-codified"));
      const item = d.items[0]!;
      expect(item).toMatchObject({
        eccn: "3A090.a",
        licenseRequired: true,
        exception: "LPP",
        reviewPolicy: "presumption-of-approval",
      });
      expect(item.requirements.map((r) => r.code)).toEqual(["WORLDWIDE_RULE"]);
      expect(item.reasons.some((r) => r.code === "REVIEW_POLICY" && r.message.includes("790,000,000"))).toBe(
        true,
      );
      expect(d.otherMode).toMatchObject({
        mode: "as-enforced",
        outcome: "no-license-required",
        differs: true,
      });

      const big = run({ ...txn("as-codified"), items: [{ chip: "nvidia-h100-sxm5-80gb", quantity: 2000 }] });
      expect(big.items[0]).toMatchObject({
        licenseRequired: true,
        exception: null,
        reviewPolicy: "presumption-of-approval",
      });
    });
  });
});
