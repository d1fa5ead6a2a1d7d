import { beforeAll, describe, expect, it } from "vitest";
import { classify } from "../../src/core/classify/classify.js";
import type { DecideContext } from "../../src/core/decide/decide.js";
import type { TransactionInput } from "../../src/core/decide/transaction.js";
import { verificationStatus } from "../../src/core/rules/rulebook.js";
import { bundledContext, decideWith } from "./context.js";

// Reference §14 (update of 2026-12-06): the UAE in A:5 with its carve-out (§14.1, worked example W13), the
// Country Group corrections (§14.2) and the smaller corrections (§14.5). Expected values are the reference's.
let ctx: DecideContext;
beforeAll(async () => {
  ctx = await bundledContext();
}, 60_000);
const run = (txn: TransactionInput) => decideWith(ctx, txn);
const codes = (list: readonly { code: string }[]) => list.map((x) => x.code);

describe("W13: 1,000 x H100 to the UAE (§14.1)", () => {
  const h100 = (date: string, endUser: TransactionInput["endUser"], mode?: "as-enforced" | "as-codified") =>
    run({
      date,
      destination: "AE",
      items: [{ chip: "nvidia-h100-sxm5-80gb", quantity: 1000 }],
      endUser,
      ...(mode && { mode }),
    });
  const hosting = { name: "Dunewater Compute Hosting LLC", country: "AE", headquarters: "AE" };
  const ministry = {
    name: "Abu Dhabi Digital Authority",
    country: "AE",
    headquarters: "AE",
    government: true,
  };
  const usSubsidiary = { name: "Azure Sands AI FZ-LLC", country: "AE", headquarters: "US" };

  it("2026-08-01, private hosting company not on Supp. No. 8 and not US-headquartered: license required, review policy uncertain", () => {
    const d = h100("2026-08-01", hosting);
    const item = d.items[0]!;
    expect(d.outcome).toBe("license-required");
    expect(item).toMatchObject({
      eccn: "3A090.a",
      licenseRequired: true,
      exception: null,
      reviewPolicy: null,
    });
    expect(codes(item.requirements)).toEqual(["UAE_CARVE_OUT"]);
    expect(item.requirements[0]!.citation.text).toContain("91 FR 43034");
    // The carve-out's conditions, the incomplete Supp. No. 8 list and the unknown review policy are all flagged.
    const uncertain = item.warnings.filter((w) => w.code === "UAE_CARVE_OUT_UNCERTAIN").map((w) => w.message);
    expect(uncertain.some((m) => /conditions are UNCERTAIN/.test(m))).toBe(true);
    expect(uncertain.some((m) => /Supp\. No\. 8.*incomplete/.test(m))).toBe(true);
    expect(
      item.warnings.some((w) => w.code === "UNCERTAIN_RULE_DATA" && /review policy/.test(w.message)),
    ).toBe(true);
  });

  it("the same shipment to a UAE ministry: no license required (UAE Government), flagged uncertain", () => {
    const d = h100("2026-08-01", ministry);
    expect(d.outcome).toBe("no-license-required");
    expect(d.items[0]!.licenseRequired).toBe(false);
    expect(codes(d.items[0]!.reasons)).toContain("UAE_CARVE_OUT_APPLIES");
    expect(codes(d.items[0]!.warnings)).toContain("UAE_CARVE_OUT_UNCERTAIN");
  });

  it("to the UAE subsidiary of a US-headquartered AI company: no license required, with the AI-company condition flagged", () => {
    const d = h100("2026-08-01", usSubsidiary);
    expect(d.outcome).toBe("no-license-required");
    expect(d.items[0]!.warnings.some((w) => /cannot check .* AI company/.test(w.message))).toBe(true);
  });

  it("an entity named in Supp. No. 8 (Core42) needs no license until its authorization lapses on 2027-04-06", () => {
    const core42 = { name: "Core42 LLC", country: "AE", headquarters: "AE" };
    expect(h100("2026-08-01", core42).outcome).toBe("no-license-required");
    expect(h100("2027-04-06", core42).outcome).toBe("license-required");
    // A name that only contains an approved entity's name is not cleared; a person must confirm it.
    const lookalike = h100("2026-08-01", {
      name: "Core42 Trading Partners LLC",
      country: "AE",
      headquarters: "AE",
    });
    expect(lookalike.outcome).toBe("license-required");
    expect(codes(lookalike.items[0]!.warnings)).toContain("UAE_APPROVED_ENTITY_NAME");
  });

  it("before 2026-07-10 all three need a license under the destination rule (UAE in D:4), with no exception (datacenter .a) and presumption of approval", () => {
    for (const endUser of [hosting, ministry, usSubsidiary]) {
      const item = h100("2026-07-09", endUser).items[0]!;
      expect(item).toMatchObject({
        licenseRequired: true,
        exception: null,
        reviewPolicy: "presumption-of-approval",
      });
      expect(codes(item.requirements)).toEqual(["DESTINATION_RULE"]);
    }
  });

  it("the D:5/Macau headquarters rule still applies in the UAE", () => {
    const d = h100("2026-08-01", { name: "Falcon Cloud FZE", country: "AE", headquarters: "CN" });
    expect(codes(d.items[0]!.requirements)).toEqual(["HEADQUARTERS_RULE", "UAE_CARVE_OUT"]);
    expect(d.items[0]!.reviewPolicy).toBe("presumption-of-denial");
  });

  it("as codified, the AI Diffusion worldwide requirement still reaches the ministry (the UAE is not Tier 1); LPP covers 1,000 H100", () => {
    const d = h100("2026-08-01", ministry, "as-codified");
    expect(codes(d.items[0]!.requirements)).toEqual(["WORLDWIDE_RULE"]);
    expect(d.items[0]!.exception).toBe("LPP");
    expect(d.otherMode).toMatchObject({ mode: "as-enforced", outcome: "no-license-required", differs: true });
  });
});

describe("Country Groups (§14.2)", () => {
  const members = (group: string, date: string) => ctx.rules.groupMembersAt(group, date);

  it("Ukraine is in no D group since 2020-12-28: an H100 to a Ukrainian lab needs no license, and the answer excludes the covered regions", () => {
    for (const date of ["2023-12-01", "2024-06-01", "2026-08-01"]) {
      const d = run({
        date,
        destination: "UA",
        items: [{ chip: "nvidia-h100-sxm5-80gb" }],
        endUser: { name: "Kyiv Institute of Applied AI", country: "UA", headquarters: "UA" },
      });
      expect(d.outcome).toBe("no-license-required");
      expect(d.warnings.find((w) => w.code === "DESTINATION_NOTE")?.message).toMatch(/Crimea.*746\.6/);
    }
    expect(members("D1", "2020-12-27").has("UA")).toBe(true);
    for (const g of ["D1", "D4", "D5"]) expect(members(g, "2020-12-28").has("UA")).toBe(false);
  });

  it("Iran is not in D:1 but in D:4 and D:5; Belarus and Venezuela are in D:1, D:4 and D:5", () => {
    const date = "2026-08-01";
    expect(members("D1", date).has("IR")).toBe(false);
    expect(members("D4", date).has("IR") && members("D5", date).has("IR")).toBe(true);
    for (const c of ["BY", "VE"])
      for (const g of ["D1", "D4", "D5"]) expect(members(g, date).has(c)).toBe(true);
    expect(members("D1", date).size).toBe(24);
    expect(members("D5", date).size).toBe(23); // the snapshot's 22 and Cyprus, kept as uncertain
  });

  it("the UAE leaves D:4 and joins A:5 on 2026-07-10", () => {
    expect(members("D4", "2026-07-09").has("AE")).toBe(true);
    expect(members("D4", "2026-07-10").has("AE")).toBe(false);
    expect(members("A5", "2026-07-09").has("AE")).toBe(false);
    expect(members("A5", "2026-07-10").has("AE")).toBe(true);
  });

  it("Cambodia leaves D:5 on 2026-02-03, cited to 91 FR 5091 (FR Doc 2026-02262)", () => {
    expect(members("D5", "2026-02-02").has("KH")).toBe(true);
    expect(members("D5", "2026-02-03").has("KH")).toBe(false);
    const change = ctx.rules.groups.D5!.changes!.find((c) => c.country === "KH")!;
    const text = ctx.rules.cite(change.cite).text;
    expect(text).toContain("91 FR 5091");
    expect(text).toContain("2026-02262");
  });

  it("D:1/D:4/D:5 show their status as a secondary snapshot of 2026-07-08", () => {
    for (const g of ["D1", "D4", "D5"])
      expect(verificationStatus(ctx.rules.groups[g]!)).toBe("secondary snapshot of 2026-07-08");
    const d = run({
      date: "2024-06-01",
      destination: "KZ",
      items: [{ chip: "nvidia-l40" }],
      endUser: { name: "Steppe Render LLP", country: "KZ", headquarters: "KZ" },
    });
    const warning = d.items[0]!.warnings.find((w) => w.code === "UNVERIFIED_COUNTRY_GROUP")!;
    expect(warning.message).toMatch(
      /Whether KZ is in Country Group D1 decides this answer.*secondary snapshot of 2026-07-08/,
    );
  });

  it("a group warning appears only where membership changes the answer: none for the Netherlands", () => {
    const d = run({
      date: "2026-08-01",
      destination: "NL",
      items: [{ chip: "nvidia-h100-sxm5-80gb" }, { chip: "nvidia-l40" }],
      endUser: { name: "Polder Compute B.V.", country: "NL", headquarters: "NL" },
    });
    expect(d.outcome).toBe("no-license-required");
    expect(d.items.flatMap((i) => codes(i.warnings))).not.toContain("UNVERIFIED_COUNTRY_GROUP");
  });

  it("Cyprus stays uncertain in D:5: a Cyprus-headquartered buyer gets the headquarters rule, flagged", () => {
    const d = run({
      date: "2024-06-01",
      destination: "DE",
      items: [{ chip: "nvidia-h100-sxm5-80gb" }],
      endUser: { name: "Aphrodite Compute Ltd", country: "DE", headquarters: "CY" },
    });
    expect(codes(d.items[0]!.requirements)).toEqual(["HEADQUARTERS_RULE"]);
    const w = d.items[0]!.warnings.find((x) => x.code === "UNVERIFIED_COUNTRY_GROUP")!;
    expect(w.message).toMatch(/Whether CY is in Country Group D5.*Cyprus is kept in D:5/);
  });
});

describe("smaller corrections (§14.5)", () => {
  const stack = { spec: { kind: "hbm" as const, memoryBandwidthGBs: 300, packageAreaMm2: 110 } };
  const plant = { name: "Hanbit Memory Packaging (Wuxi) Co., Ltd.", country: "CN", headquarters: "KR" };

  it("License Exception HBM needs the exporter headquartered in the US or A:5 and not in D:5 or Macau", () => {
    const ok = run({
      date: "2025-02-01",
      destination: "CN",
      items: [stack],
      endUser: plant,
      exporter: { name: "Hanbit Memory Co., Ltd.", headquarters: "KR" },
    });
    expect(ok.items[0]!.exception).toBe("HBM");
    const cn = run({
      date: "2025-02-01",
      destination: "CN",
      items: [stack],
      endUser: plant,
      exporter: { name: "Yangtze Memory Trading", headquarters: "CN" },
    });
    expect(cn.items[0]).toMatchObject({ licenseRequired: true, exception: null });
    expect(
      cn.items[0]!.reasons.some((r) => r.code === "NO_EXCEPTION" && /headquartered in CN/.test(r.message)),
    ).toBe(true);
    const unknown = run({
      date: "2025-02-01",
      destination: "CN",
      items: [stack],
      endUser: plant,
      exporter: "Hanbit Memory Co., Ltd.",
    });
    expect(unknown.items[0]!.undetermined.map((u) => u.field)).toContain("exporter.headquarters");
  });

  it("ACA authorizes an in-country transfer within China (D:5) of a 3A090.b item", () => {
    const d = run({
      date: "2025-02-01",
      exportedFrom: "CN",
      destination: "CN",
      items: [{ chip: "nvidia-l40" }],
      endUser: { name: "Hangzhou Lakeside Cloud Services Co., Ltd.", country: "CN", headquarters: "CN" },
    });
    expect(d.items[0]).toMatchObject({ eccn: "3A090.b", exception: "ACA" });
    expect(d.items[0]!.exceptionDetail!.reason).toMatch(/in-country transfer/);
    // Exported from the US instead, the same item needs NAC (China is D:5).
    const fromUs = run({
      date: "2025-02-01",
      destination: "CN",
      items: [{ chip: "nvidia-l40" }],
      endUser: { name: "Hangzhou Lakeside Cloud Services Co., Ltd.", country: "CN", headquarters: "CN" },
    });
    expect(fromUs.items[0]!.exception).toBe("NAC");
  });

  it("4E091 at exactly 10^26 operations is flagged at the boundary; above it is not", () => {
    const at = classify({ kind: "weights", trainingOps: 1e26, weightsPublished: false }, ctx.rules, {
      asOf: "2025-06-01",
      mode: "as-codified",
    });
    expect(at.warnings.find((w) => w.code === "COMPARATOR_UNCERTAIN")?.message).toMatch(/10\^26 or more/);
    const above = classify({ kind: "weights", trainingOps: 2e26, weightsPublished: false }, ctx.rules, {
      asOf: "2025-06-01",
      mode: "as-codified",
    });
    expect(above.eccn).toBe("4E091");
    expect(codes(above.warnings)).not.toContain("COMPARATOR_UNCERTAIN");
  });

  it("the H200 envelope cites 15 CFR 742.6(b)(10)(iii)(A)(1)", () => {
    const d = run({
      date: "2026-02-15",
      destination: "CN",
      items: [{ chip: "nvidia-h200-sxm-141gb" }],
      endUser: { name: "Hangzhou Lakeside Cloud Services Co., Ltd.", country: "CN", headquarters: "CN" },
      // Every condition of 91 FR 1684, as the rule data names them.
      certifications: ctx.rules.licensing.review_policy.envelope_2026[0]!.conditions.map((c) => c.id),
    });
    const policy = d.items[0]!.reasons.find((r) => r.code === "REVIEW_POLICY")!;
    expect(policy.citation.text).toContain("742.6(b)(10)(iii)(A)(1)");
    expect(d.items[0]!.reviewPolicy).toBe("case-by-case");
  });
});

describe("rule versions of §14", () => {
  it.each([
    ["2021-01-01", "ear-2020-12-ukraine"],
    ["2025-01-20", "ear-2025-01-foundry"],
    ["2025-10-01", "ear-2025-09-affiliates"],
    ["2025-12-01", "ear-2025-11-affiliates-stay"],
    ["2026-05-01", "ear-2026-04-ic-designer-dates"],
    ["2026-08-01", "ear-2026-07-uae"],
    ["2026-12-06", "ear-2026-11-affiliates-back"],
  ])("on %s the version in force is %s", (date, id) => {
    expect(ctx.rules.ruleVersionAt(date, "as-enforced")?.id).toBe(id);
  });
});

describe("currency (§14.7)", () => {
  const txn = (date: string): TransactionInput => ({
    date,
    destination: "DE",
    items: [{ chip: "nvidia-rtx-4090d" }, { chip: "nvidia-l40" }],
    endUser: { name: "Rheinland Rechenzentrum GmbH", country: "DE", headquarters: "DE" },
  });

  it("a decision dated after the verified-through date warns once, naming the date; on that date it does not", () => {
    const after = run(txn("2026-10-01"));
    const stale = after.warnings.filter((w) => w.code === "RULES_VERIFIED_THROUGH");
    expect(stale.map((w) => w.message)).toEqual([
      "Rule data was checked against sources through 2026-09-30; rules may have changed since.",
    ]);
    expect(after.items.flatMap((i) => codes(i.warnings))).not.toContain("RULES_VERIFIED_THROUGH");
    expect(codes(run(txn("2026-09-30")).warnings)).not.toContain("RULES_VERIFIED_THROUGH");
  });

  it("a classification dated after it warns too", () => {
    const c = classify({ denseTops: { fp8: 1979 }, dieAreaMm2: 814, datacenter: true }, ctx.rules, {
      asOf: "2026-12-06",
    });
    expect(codes(c.warnings)).toContain("RULES_VERIFIED_THROUGH");
  });
});
