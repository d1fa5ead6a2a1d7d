import { beforeAll, describe, expect, it } from "vitest";
import type { DecideContext } from "../../src/core/decide/decide.js";
import { ChipGateError } from "../../src/core/errors.js";
import { bundledContext, decideWith } from "./context.js";

let ctx: DecideContext;
beforeAll(async () => {
  ctx = await bundledContext();
}, 60_000);

const buyer = { name: "Hangzhou Lakeside Cloud Services Co., Ltd.", country: "CN", headquarters: "CN" };

describe("parties are screened", () => {
  it("a restricted-party match makes a license required whatever the item, quoting the list entry", () => {
    const d = decideWith(ctx, {
      date: "2024-06-01",
      destination: "CN",
      items: [{ chip: "nvidia-rtx-4090d" }],
      endUser: { name: "华为技术有限公司", country: "CN", headquarters: "CN" },
    });
    expect(d.parties[0]!.band).toBe("match");
    const item = d.items[0]!;
    expect(item.eccn).toBeNull();
    expect(item.licenseRequired).toBe(true);
    expect(item.exception).toBeNull();
    const listed = item.requirements.find((r) => r.code === "LISTED_PARTY")!;
    expect(listed.message).toMatch(/Huawei Technologies/i);
    expect(listed.message).toMatch(/License requirement: .*EAR/);
    expect(d.outcome).toBe("license-required");
  });

  it("a review-band hit leaves the outcome undetermined until a person resolves it", () => {
    // Any Entity List record will do: the screen function is injected, so force a review-band hit on it.
    const listed = ctx.screen({ name: "华为技术有限公司" }).hits.find((h) => h.list === "EL")!;
    const reviewing: DecideContext = {
      ...ctx,
      screen: (q) => ({ query: q.name, hits: [{ ...listed, band: "review", score: 0.7 }] }),
    };
    const d = decideWith(reviewing, {
      date: "2024-06-01",
      destination: "DE",
      items: [{ chip: "nvidia-rtx-4090d" }],
      endUser: { name: "Some Trading GmbH", country: "DE", headquarters: "DE" },
    });
    expect(d.parties[0]!.band).toBe("review");
    expect(d.outcome).toBe("undetermined");
    expect(d.items[0]!.undetermined.map((u) => u.field)).toContain("parties.endUser");
    expect(d.warnings.some((w) => w.code === "SCREENING_REVIEW")).toBe(true);
  });
});

describe("destinations and parties", () => {
  it("treats Hong Kong as China and says so", () => {
    const d = decideWith(ctx, {
      date: "2024-06-01",
      destination: "HK",
      items: [{ chip: "nvidia-h100-sxm5-80gb" }],
      endUser: { ...buyer, country: "HK" },
    });
    expect(d.destination).toBe("CN");
    expect(d.destinationAsEntered).toBe("HK");
    expect(d.reasons.some((r) => r.code === "DESTINATION_ALIAS")).toBe(true);
    expect(d.items[0]!.reviewPolicy).toBe("presumption-of-denial");
  });

  it("Macau is its own destination and is caught", () => {
    const d = decideWith(ctx, {
      date: "2024-06-01",
      destination: "MO",
      items: [{ chip: "nvidia-h100-sxm5-80gb" }],
      endUser: { ...buyer, country: "MO", headquarters: "MO" },
    });
    expect(d.destination).toBe("MO");
    expect(d.items[0]!.licenseRequired).toBe(true);
  });

  it("a controlled item with no party headquarters is undetermined, naming the field", () => {
    const d = decideWith(ctx, {
      date: "2024-06-01",
      destination: "DE",
      items: [{ chip: "nvidia-h100-sxm5-80gb" }],
      endUser: { name: "Northmere Cloud GmbH", country: "DE" },
    });
    expect(d.outcome).toBe("undetermined");
    expect(d.items[0]!.undetermined.map((u) => u.field)).toContain("endUser.headquarters");
  });

  it("an uncontrolled item needs no headquarters", () => {
    const d = decideWith(ctx, {
      date: "2024-06-01",
      destination: "DE",
      items: [{ chip: "nvidia-rtx-4090d" }],
      endUser: { name: "Northmere Cloud GmbH" },
    });
    expect(d.outcome).toBe("no-license-required");
  });

  it("a stated supercomputer end use in China requires a license even for an uncontrolled chip", () => {
    const d = decideWith(ctx, {
      date: "2024-06-01",
      destination: "CN",
      items: [{ chip: "nvidia-rtx-4090d" }],
      endUser: buyer,
      endUse: ["supercomputer"],
    });
    expect(d.items[0]!.requirements.map((r) => r.code)).toEqual(["SUPERCOMPUTER_END_USE"]);
    expect(d.items[0]!.reviewPolicy).toBe("presumption-of-denial");
  });

  it("the H20 notice binds its exporter: no exporter named means undetermined", () => {
    const d = decideWith(ctx, {
      date: "2025-05-01",
      destination: "CN",
      items: [{ chip: "nvidia-h20" }],
      endUser: buyer,
    });
    expect(d.outcome).toBe("undetermined");
    expect(d.items[0]!.undetermined.map((u) => u.field)).toContain("exporter");
  });

  it("systems holding catalog chips are 4A090 and follow the same requirements", () => {
    const d = decideWith(ctx, {
      date: "2024-06-01",
      destination: "AE",
      items: [{ system: { name: "HGX H100", chip: "nvidia-h100-sxm5-80gb", count: 8 }, quantity: 4 }],
      endUser: { name: "Dunewater Compute Hosting LLC", country: "AE", headquarters: "AE" },
    });
    expect(d.items[0]).toMatchObject({
      eccn: "4A090.a",
      licenseRequired: true,
      reviewPolicy: "presumption-of-approval",
    });
  });

  it("closed model weights over 1e26 operations need a license worldwide only in as-codified mode", () => {
    const txn = {
      date: "2025-06-01",
      destination: "BR",
      items: [{ spec: { kind: "weights" as const, trainingOps: 5e26, weightsPublished: false } }],
      endUser: { name: "Cerrado Analytics Ltda", country: "BR", headquarters: "BR" },
    };
    expect(decideWith(ctx, { ...txn, mode: "as-codified" }).items[0]).toMatchObject({
      eccn: "4E091",
      licenseRequired: true,
    });
    const enforced = decideWith(ctx, { ...txn, mode: "as-enforced" });
    expect(enforced.items[0]).toMatchObject({ eccn: "4E091", licenseRequired: false });
    expect(enforced.otherMode.differs).toBe(true);
  });
});

describe("bad input gets a clear error naming the field", () => {
  const base = { date: "2024-06-01", destination: "CN", items: [{ chip: "nvidia-h20" }] };
  it.each([
    ["an unknown country code", { ...base, destination: "XX" }, "destination"],
    ["an unknown chip id", { ...base, items: [{ chip: "nvidia-h2000" }] }, "items.0.chip"],
    ["an impossible date", { ...base, date: "2024-02-30" }, "date"],
    ["a negative quantity", { ...base, items: [{ chip: "nvidia-h20", quantity: -3 }] }, "items.0"],
    ["no items", { ...base, items: [] }, "items"],
    ["an unknown key", { ...base, destinaton: "CN" }, "(transaction)"],
  ])("%s", (_what, txn, path) => {
    let error: unknown;
    try {
      decideWith(ctx, txn as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChipGateError);
    expect((error as ChipGateError).code).toBe("INVALID_INPUT");
    expect((error as ChipGateError).issues.some((i) => i.path.startsWith(path))).toBe(true);
  });
});

describe("uncertain rule data stays visibly uncertain", () => {
  it("an HBM stack below 3.3 GB/s/mm2 gets License Exception HBM with its unchecked conditions flagged", () => {
    const d = decideWith(ctx, {
      date: "2025-02-01",
      destination: "CN",
      items: [{ spec: { kind: "hbm", memoryBandwidthGBs: 300, packageAreaMm2: 110 } }],
      endUser: { name: "Hanbit Memory Packaging (Wuxi) Co., Ltd.", country: "CN", headquarters: "KR" },
      exporter: { name: "Hanbit Memory Co., Ltd.", headquarters: "KR" },
    });
    expect(d.items[0]).toMatchObject({ eccn: "3A090.c", licenseRequired: true, exception: "HBM" });
    expect(
      d.items[0]!.warnings.some((w) => w.code === "UNCERTAIN_RULE_DATA" && /packaging-site/.test(w.message)),
    ).toBe(true);
  });

  it("the 2022 review policy for China is flagged as not retrieved", () => {
    const d = decideWith(ctx, {
      date: "2023-06-01",
      destination: "CN",
      items: [{ chip: "nvidia-a100-sxm4-80gb" }],
      endUser: buyer,
    });
    expect(d.items[0]).toMatchObject({ licenseRequired: true, reviewPolicy: "presumption-of-denial" });
    expect(
      d.items[0]!.warnings.some(
        (w) => w.code === "UNCERTAIN_RULE_DATA" && /2022 review-policy/.test(w.message),
      ),
    ).toBe(true);
  });
});
