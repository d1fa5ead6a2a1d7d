import { beforeAll, describe, expect, it } from "vitest";
import { classify } from "../../src/core/classify/classify.js";
import type { ExporterFacts } from "../../src/core/classify/foundry.js";
import type { IcSpec } from "../../src/core/classify/spec.js";
import type { DecideContext } from "../../src/core/decide/decide.js";
import { bundledContext, decideWith } from "../decide/context.js";

// The foundry due-diligence presumption (Note 1 to 3A090.a; reference §5.2, §14.4): routes A, B and C, the
// transistor-count limits by the year the transfer completes, and the designer dates moved to 2026-12-31.
let ctx: DecideContext;
beforeAll(async () => {
  ctx = await bundledContext();
}, 60_000);

const fab: ExporterFacts = { role: "front-end-fabricator", country: "TW" };
const osat: ExporterFacts = { role: "osat", country: "MY" };
/** A customer's 5 nm accelerator die: the foundry knows how it is made, not how fast it is. */
const die = (fabrication: IcSpec["fabrication"]): IcSpec => ({ name: "customer accelerator", fabrication });
const run = (spec: IcSpec, asOf: string, exporter?: ExporterFacts) =>
  classify(spec, ctx.rules, { asOf, ...(exporter && { exporter }) });
const codes = (list: readonly { code: string }[]) => list.map((x) => x.code);

describe("who and what the presumption covers", () => {
  it("a front-end fabricator exporting a 5 nm IC with no route: presumed 3A090.a and designed for datacenters", () => {
    const c = run(
      die({
        processNodeNm: 5,
        transistorCount: 80e9,
        hasHbm: true,
        designerApproved: false,
        packagedByApprovedOsat: false,
      }),
      "2026-12-06",
      fab,
    );
    expect(c).toMatchObject({
      paragraph: "3A090.a",
      eccn: "3A090.a",
      status: "determined",
      designedForDatacenter: true,
    });
    expect(c.reasons.find((r) => r.code === "FOUNDRY_PRESUMPTION")!.citation.text).toContain("90 FR 5298");
  });

  it("the same IC exported by its designer or a distributor: no presumption (classified on its figures)", () => {
    for (const role of ["designer", "distributor"] as const) {
      const c = run(die({ processNodeNm: 5, transistorCount: 80e9 }), "2026-12-06", { role });
      expect(codes(c.reasons)).not.toContain("FOUNDRY_PRESUMPTION");
      expect(c.undetermined.map((u) => u.field)).toContain("denseTops");
    }
  });

  it("an IC outside the presumption (28 nm, planar) is classified on its figures", () => {
    const c = run(
      {
        ...die({ processNodeNm: 28, nonPlanarTransistors: false }),
        denseTops: { fp16: 50 },
        datacenter: true,
        dieAreaMm2: 300,
      },
      "2026-12-06",
      fab,
    );
    expect(codes(c.reasons)).toContain("FOUNDRY_NOT_APPLICABLE");
    expect(c).toMatchObject({ paragraph: null, status: "determined" });
  });

  it("a 22 nm node with non-planar (FinFET) transistors is covered", () => {
    const c = run(
      die({
        processNodeNm: 22,
        nonPlanarTransistors: true,
        transistorCount: 80e9,
        designerApproved: false,
        packagedByApprovedOsat: false,
      }),
      "2026-12-06",
      fab,
    );
    expect(c.paragraph).toBe("3A090.a");
  });

  it("before the rule took effect (2025-01-16) there is no presumption", () => {
    const c = run(
      die({ processNodeNm: 5, transistorCount: 80e9, designerApproved: false }),
      "2025-01-15",
      fab,
    );
    expect(codes(c.reasons)).not.toContain("FOUNDRY_PRESUMPTION");
  });

  it.each([
    [{}, "fabrication.processNodeNm"],
    [{ processNodeNm: 28 }, "fabrication.nonPlanarTransistors"],
    [
      { processNodeNm: 5, designerApproved: false, packagedByApprovedOsat: false },
      "fabrication.transistorCount",
    ],
    [
      { processNodeNm: 5, transistorCount: 80e9, packagedByApprovedOsat: false },
      "fabrication.designerApproved",
    ],
  ])(
    "a missing input that decides it leaves the result undetermined, naming it: %j",
    (fabrication, field) => {
      const c = run(die(fabrication), "2026-12-06", fab);
      expect(c.status).toBe("undetermined");
      expect(c.paragraph).toBeNull();
      expect(c.undetermined.map((u) => u.field)).toContain(field);
    },
  );
});

describe("route A: an approved or authorized IC designer", () => {
  const spec = {
    ...die({ processNodeNm: 5, transistorCount: 80e9, designerApproved: true }),
    denseTops: { fp16: 100 },
    dieAreaMm2: 600,
    datacenter: true,
  };

  it("rebuts the presumption: the IC is classified on its figures (TPP 1,600 and PD 2.67 are not 3A090)", () => {
    const c = run(spec, "2026-12-06", fab);
    expect(codes(c.reasons)).toContain("FOUNDRY_ROUTE");
    expect(c).toMatchObject({ paragraph: null, status: "determined" });
  });

  it("the designer dates: 2026-04-13 before 91 FR 17851, 2026-12-31 after it, and approved designers only from then", () => {
    const note = (asOf: string) =>
      run(spec, asOf, fab).warnings.find((w) => w.code === "FOUNDRY_DESIGNER_DEADLINE")!.message;
    expect(note("2026-03-01")).toMatch(/authorized IC designer until 2026-04-13/);
    expect(note("2026-06-01")).toMatch(/authorized IC designer until 2026-12-31/);
    expect(note("2026-12-06")).toMatch(/until 2026-12-31/);
    expect(note("2027-01-15")).toMatch(/from 2026-12-31 only an approved IC designer counts/);
  });
});

describe("routes B and C: the transistor count by the year the transfer completes", () => {
  const countIc = (transistorCount: number, hasHbm?: boolean) =>
    die({
      processNodeNm: 5,
      transistorCount,
      ...(hasHbm !== undefined && { hasHbm }),
      designerApproved: false,
      packagedByApprovedOsat: false,
    });

  it("route B: a fabricator outside D:5/Macau attesting fewer than 30 billion transistors; with no figures ChipGate says it relies on the attestation", () => {
    const c = run(countIc(25e9), "2026-12-06", fab);
    expect(c.reasons.find((r) => r.code === "FOUNDRY_ROUTE")!.message).toMatch(
      /^Route B: .* 25 billion transistors is below 30 billion \(2026\)/,
    );
    expect(c).toMatchObject({ paragraph: null, status: "determined" });
    expect(codes(c.warnings)).toContain("FOUNDRY_ROUTE_RELIED");
  });

  it("route B is closed to a fabricator located in China (D:5): presumed", () => {
    expect(run(countIc(25e9), "2026-12-06", { role: "front-end-fabricator", country: "CN" }).paragraph).toBe(
      "3A090.a",
    );
    const unknown = run(countIc(25e9), "2026-12-06", { role: "front-end-fabricator" });
    expect(unknown.undetermined.map((u) => u.field)).toContain("exporter.country");
  });

  it.each([
    ["2026-12-06", false, "3A090.a"],
    ["2027-03-01", false, null],
    ["2027-03-01", true, "3A090.a"],
    ["2028-03-01", false, "3A090.a"],
    ["2029-03-01", false, null],
  ])("32 billion transistors on %s (HBM: %s): %s", (asOf, hasHbm, paragraph) => {
    expect(run(countIc(32e9, hasHbm), asOf, fab).paragraph).toBe(paragraph);
  });

  it("2028 is flagged as uncertain; in 2027 a count between 30 and 35 billion needs to know whether there is HBM", () => {
    expect(
      run(countIc(32e9, false), "2028-03-01", fab).warnings.some((w) => /2028 is UNCERTAIN/.test(w.message)),
    ).toBe(true);
    expect(run(countIc(32e9), "2027-03-01", fab).undetermined.map((u) => u.field)).toContain(
      "fabrication.hasHbm",
    );
    expect(run(countIc(38e9, false), "2029-03-01", fab).paragraph).toBeNull();
    expect(run(countIc(41e9, false), "2029-03-01", fab).paragraph).toBe("3A090.a");
  });

  it("route C: packaged by an approved OSAT attesting the count", () => {
    const c = run(
      die({ processNodeNm: 5, transistorCount: 20e9, designerApproved: false, packagedByApprovedOsat: true }),
      "2026-12-06",
      osat,
    );
    expect(c.reasons.find((r) => r.code === "FOUNDRY_ROUTE")!.message).toMatch(/^Route C/);
    const open = run(
      die({ processNodeNm: 5, transistorCount: 20e9, designerApproved: false }),
      "2026-12-06",
      osat,
    );
    expect(open.undetermined.map((u) => u.field)).toContain("fabrication.packagedByApprovedOsat");
    const above = run(
      die({ processNodeNm: 5, transistorCount: 60e9, designerApproved: false, packagedByApprovedOsat: true }),
      "2026-12-06",
      osat,
    );
    expect(above.paragraph).toBe("3A090.a");
  });
});

describe("in a decision", () => {
  it("a foundry shipping a presumed 3A090.a die to China: license required, no NAC/ACA (datacenter .a)", () => {
    const d = decideWith(ctx, {
      date: "2026-12-06",
      destination: "CN",
      items: [
        {
          spec: die({
            processNodeNm: 5,
            transistorCount: 80e9,
            hasHbm: true,
            designerApproved: false,
            packagedByApprovedOsat: false,
          }),
          quantity: 1000,
        },
      ],
      endUser: {
        name: "Hangzhou Lakeside Cloud Services Co., Ltd.",
        country: "CN",
        headquarters: "CN",
        ownershipKnown: true,
      },
      exporter: {
        name: "Formosa Foundry Corp.",
        country: "TW",
        headquarters: "TW",
        role: "front-end-fabricator",
      },
    });
    expect(d.outcome).toBe("license-required");
    expect(d.items[0]).toMatchObject({
      paragraph: "3A090.a",
      exception: null,
      reviewPolicy: "presumption-of-denial",
    });
  });

  it("the exporter's missing country is named as a transaction field", () => {
    const d = decideWith(ctx, {
      date: "2026-12-06",
      destination: "DE",
      items: [
        {
          spec: die({
            processNodeNm: 5,
            transistorCount: 25e9,
            designerApproved: false,
            packagedByApprovedOsat: false,
          }),
        },
      ],
      endUser: { name: "Rheinland Rechenzentrum GmbH", country: "DE", headquarters: "DE" },
      exporter: { name: "Formosa Foundry Corp.", role: "front-end-fabricator" },
    });
    expect(d.outcome).toBe("undetermined");
    expect(d.missing.map((m) => m.field)).toContain("exporter.country");
  });
});
