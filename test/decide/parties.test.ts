import { beforeAll, describe, expect, it } from "vitest";
import type { DecideContext } from "../../src/core/decide/decide.js";
import type { TransactionInput } from "../../src/core/decide/transaction.js";
import { ChipGateError } from "../../src/core/errors.js";
import { LIMITS } from "../../src/core/limits.js";
import type { ScreeningHit } from "../../src/core/screening/index.js";
import { bundledContext, decideWith } from "./context.js";

// The Affiliates Rule (reference §8, §14.3), what each restricted-party list means for an export, and the
// diversion red flags. Listed names come from the bundled screening list: Sugon and Inspur Group are on the
// Entity List; China Mobile Limited is only on Treasury's CMIC list.
let ctx: DecideContext;
beforeAll(async () => {
  ctx = await bundledContext();
}, 60_000);
const run = (txn: TransactionInput) => decideWith(ctx, txn);
const codes = (list: readonly { code: string }[]) => list.map((x) => x.code);

/** A German datacenter operator that no list names: only its owners can make it restricted. */
const rhein = (owners: { name: string; country?: string; sharePercent: number }[]) => ({
  name: "Rheinland Rechenzentrum GmbH",
  country: "DE",
  headquarters: "DE",
  owners,
});
const h100ToGermany = (
  date: string,
  endUser: TransactionInput["endUser"],
  mode?: "as-enforced" | "as-codified",
) =>
  run({
    date,
    destination: "DE",
    items: [{ chip: "nvidia-h100-sxm5-80gb" }],
    endUser,
    ...(mode && { mode }),
  });

describe("the Affiliates Rule", () => {
  it("one listed owner at 60 % on 2026-12-06: license required, no exception, its policy, the owner named with share and entry; both modes", () => {
    for (const mode of ["as-enforced", "as-codified"] as const) {
      const d = h100ToGermany(
        "2026-12-06",
        rhein([{ name: "Sugon", country: "CN", sharePercent: 60 }]),
        mode,
      );
      const item = d.items[0]!;
      expect(d.outcome).toBe("license-required");
      expect(item.exception).toBeNull();
      expect(item.reviewPolicy).toBe("presumption-of-denial");
      const req = item.requirements.find((r) => r.code === "AFFILIATES_RULE")!;
      expect(req.message).toMatch(/'Sugon' 60 % \(EL el-7790c6e1600b Sugon\)/);
      expect(req.citation.text).toContain("90 FR 47201");
      // Back in force after the stay: no extension was verified, and the answer says so.
      expect(codes(item.warnings)).toContain("AFFILIATES_RULE_EXTENSION_UNVERIFIED");
      expect(d.parties[0]!.owners![0]).toMatchObject({ name: "Sugon", sharePercent: 60, band: "match" });
    }
  });

  it("several listed owners adding up past 50 % (30 % + 25 %): the rule applies and names both", () => {
    const d = h100ToGermany(
      "2026-12-06",
      rhein([
        { name: "Sugon", country: "CN", sharePercent: 30 },
        { name: "Inspur Group Co., Ltd.", country: "CN", sharePercent: 25 },
        { name: "Bavarian Pension Fund", country: "DE", sharePercent: 45 },
      ]),
    );
    const req = d.items[0]!.requirements.find((r) => r.code === "AFFILIATES_RULE")!;
    expect(req.message).toMatch(/55 % owned by listed parties/);
    expect(req.message).toContain("'Sugon' 30 %");
    expect(req.message).toContain("'Inspur Group Co., Ltd.' 25 %");
    expect(d.outcome).toBe("license-required");
  });

  it("listed owners below 50 % (30 % + 19.9 %): no requirement, and the reason says why", () => {
    const d = h100ToGermany(
      "2026-12-06",
      rhein([
        { name: "Sugon", country: "CN", sharePercent: 30 },
        { name: "Inspur Group Co., Ltd.", country: "CN", sharePercent: 19.9 },
        { name: "Bavarian Pension Fund", country: "DE", sharePercent: 50.1 },
      ]),
    );
    expect(d.outcome).toBe("no-license-required");
    expect(d.items[0]!.reasons.find((r) => r.code === "AFFILIATES_BELOW_THRESHOLD")?.message).toMatch(
      /49\.9 %/,
    );
  });

  it("the same 60 % party during the stay (2025-11-10 to 2026-11-09): no requirement, the stay is stated", () => {
    for (const date of ["2025-11-10", "2026-06-01", "2026-11-09"]) {
      const d = h100ToGermany(date, rhein([{ name: "Sugon", country: "CN", sharePercent: 60 }]));
      expect(d.outcome).toBe("no-license-required");
      expect(codes(d.items[0]!.reasons)).toContain("AFFILIATES_RULE_STAYED");
    }
  });

  it("in force from 2025-09-29 to 2025-11-09 without the extension warning, and not before", () => {
    const first = h100ToGermany("2025-10-01", rhein([{ name: "Sugon", country: "CN", sharePercent: 60 }]));
    expect(codes(first.items[0]!.requirements)).toEqual(["AFFILIATES_RULE"]);
    expect(codes(first.items[0]!.warnings)).not.toContain("AFFILIATES_RULE_EXTENSION_UNVERIFIED");
    const before = h100ToGermany("2025-09-28", rhein([{ name: "Sugon", country: "CN", sharePercent: 60 }]));
    expect(before.outcome).toBe("no-license-required");
  });

  it("a party in China whose ownership is not known gets a red flag while the rule is in force, not a guess", () => {
    const cn = { name: "Hangzhou Lakeside Cloud Services Co., Ltd.", country: "CN", headquarters: "CN" };
    const item = { chip: "nvidia-rtx-4090d" };
    const unknown = run({ date: "2026-12-06", destination: "CN", items: [item], endUser: cn });
    expect(unknown.outcome).toBe("no-license-required");
    expect(codes(unknown.warnings)).toContain("RED_FLAG_OWNERSHIP_UNKNOWN");
    const stated = run({
      date: "2026-12-06",
      destination: "CN",
      items: [item],
      endUser: { ...cn, ownershipKnown: true },
    });
    expect(codes(stated.warnings)).not.toContain("RED_FLAG_OWNERSHIP_UNKNOWN");
    const stay = run({ date: "2026-06-01", destination: "CN", items: [item], endUser: cn });
    expect(codes(stay.warnings)).not.toContain("RED_FLAG_OWNERSHIP_UNKNOWN");
    const germany = run({
      date: "2026-12-06",
      destination: "DE",
      items: [item],
      endUser: { ...cn, country: "DE" },
    });
    expect(codes(germany.warnings)).not.toContain("RED_FLAG_OWNERSHIP_UNKNOWN");
  });

  it("shares adding up to more than 100 % are flagged as possibly counted twice", () => {
    const d = h100ToGermany(
      "2026-12-06",
      rhein([
        { name: "Sugon", country: "CN", sharePercent: 80 },
        { name: "Bavarian Pension Fund", country: "DE", sharePercent: 40 },
      ]),
    );
    expect(codes(d.items[0]!.warnings)).toContain("OWNERSHIP_OVER_100");
  });

  it("purchasers and intermediate consignees are screened and bind too", () => {
    const d = run({
      date: "2024-06-01",
      destination: "DE",
      items: [{ chip: "nvidia-rtx-4090d" }],
      endUser: { name: "Rheinland Rechenzentrum GmbH", country: "DE", headquarters: "DE" },
      intermediateConsignees: [{ name: "Sugon", country: "CN" }],
    });
    expect(d.parties.map((p) => p.path)).toEqual(["endUser", "intermediateConsignees.0"]);
    expect(d.items[0]!.requirements.find((r) => r.code === "LISTED_PARTY")!.message).toMatch(
      /^intermediateConsignees\.0 'Sugon'/,
    );
  });
});

describe("what each list means", () => {
  it("an Entity-Listed consignee whose headquarters is unknown: license required (not undetermined), policy of the list, headquarters still missing", () => {
    const d = run({
      date: "2026-12-06",
      destination: "SG",
      items: [{ chip: "nvidia-b200", quantity: 100 }],
      consignee: { name: "Sugon", country: "CN" },
    });
    expect(d.outcome).toBe("license-required");
    const item = d.items[0]!;
    expect(item).toMatchObject({
      licenseRequired: true,
      exception: null,
      reviewPolicy: "presumption-of-denial",
    });
    expect(codes(item.requirements)).toEqual(["LISTED_PARTY"]);
    expect(item.requirements[0]!.citation.text).toContain("el-7790c6e1600b");
    expect(codes(item.warnings)).toContain("LIST_POLICY_DEFAULT");
    expect(d.missing.map((m) => m.field)).toEqual(["consignee.headquarters"]);
    expect(codes(d.warnings)).toContain("OPEN_QUESTIONS");
  });

  it("a party only on Treasury's CMIC list: a warning, never a license requirement", () => {
    const d = run({
      date: "2026-12-06",
      destination: "DE",
      items: [{ chip: "nvidia-rtx-4090d" }],
      endUser: { name: "China Mobile Limited", country: "HK", headquarters: "HK", ownershipKnown: true },
    });
    expect(d.parties[0]!.hits.every((h) => h.list === "CMIC")).toBe(true);
    expect(d.outcome).toBe("no-license-required");
    const item = d.items[0]!;
    expect(item.requirements).toEqual([]);
    const w = item.warnings.filter((x) => x.code === "NON_EXPORT_LIST");
    expect(w.length).toBeGreaterThan(0);
    expect(w[0]!.message).toContain("party is on a Treasury investment-restriction list");
    // Each warning cites the record it is about.
    for (const x of w) expect(x.citation!.text).toMatch(/CMIC entry \d+ \(CHINA MOBILE/);
  });

  describe("with injected screening answers", () => {
    /** A screen that answers every name with one record of the bundled list, changed to another list. */
    const answering = (list: string, programs: string, band: "match" | "review" = "match"): DecideContext => {
      const base = ctx.screen({ name: "Sugon" }).hits.find((h) => h.list === "EL")!;
      const hit = {
        ...base,
        list,
        band,
        score: band === "match" ? 0.95 : 0.7,
        record: { ...base.record, list, programs, license_requirement: "", license_policy: "" },
      } as ScreeningHit;
      return {
        ...ctx,
        screen: (q) => ({ query: q.name, hits: q.name === "Nobody Listed GmbH" ? [] : [hit] }),
      };
    };
    const rtx4090ToChina = (c: DecideContext) =>
      decideWith(c, {
        date: "2024-06-01",
        destination: "CN",
        items: [{ chip: "nvidia-rtx-4090" }],
        endUser: { name: "Shenzhen Pixel Retail Co., Ltd.", country: "CN", headquarters: "CN" },
      });

    it("Unverified List: no requirement of its own, but no license exception (the RTX 4090's NAC is barred)", () => {
      const d = rtx4090ToChina(answering("UVL", ""));
      expect(rtx4090ToChina(ctx).items[0]!.exception).toBe("NAC");
      expect(d.items[0]).toMatchObject({ licenseRequired: true, exception: null });
      expect(codes(d.items[0]!.requirements)).toEqual(["DESTINATION_RULE"]);
      expect(codes(d.items[0]!.warnings)).toContain("RED_FLAG_LISTED_PARTY");
      expect(d.outcome).toBe("license-required");
    });

    it("SDN under E.O. 13382 (NPWMD) reaches the EAR through 15 CFR 744.8; other SDN programs are a warning", () => {
      const wmd = rtx4090ToChina(answering("SDN", "[NPWMD] [IFSR]"));
      expect(wmd.items[0]!.requirements.find((r) => r.code === "LISTED_PARTY")!.message).toContain("744.8");
      const other = decideWith(answering("SDN", "CUBA"), {
        date: "2024-06-01",
        destination: "DE",
        items: [{ chip: "nvidia-rtx-4090d" }],
        endUser: { name: "Havana Trading GmbH", country: "DE", headquarters: "DE" },
      });
      expect(other.outcome).toBe("no-license-required");
      expect(other.items[0]!.warnings.find((w) => w.code === "NON_EXPORT_LIST")!.message).toMatch(
        /OFAC blocks/,
      );
    });

    it("Denied Persons List: a requirement with policy of denial", () => {
      const d = rtx4090ToChina(answering("DPL", ""));
      expect(d.items[0]).toMatchObject({
        licenseRequired: true,
        exception: null,
        reviewPolicy: "policy-of-denial",
      });
    });

    it("a possible match on a non-export list is a warning, not an open question", () => {
      const d = decideWith(answering("CMIC", "", "review"), {
        date: "2024-06-01",
        destination: "DE",
        items: [{ chip: "nvidia-rtx-4090d" }],
        endUser: { name: "Rheinland Rechenzentrum GmbH", country: "DE", headquarters: "DE" },
      });
      expect(d.outcome).toBe("no-license-required");
      expect(codes(d.items[0]!.warnings)).toContain("NON_EXPORT_LIST");
    });

    it("a possible listed owner that could bring ownership to 50 % leaves the answer open, naming the owner", () => {
      const c = answering("EL", "", "review");
      const d = decideWith(c, {
        date: "2026-12-06",
        destination: "DE",
        items: [{ chip: "nvidia-rtx-4090d" }],
        endUser: {
          name: "Nobody Listed GmbH",
          country: "DE",
          headquarters: "DE",
          owners: [{ name: "Maybe Listed Ltd", sharePercent: 70 }],
        },
      });
      expect(d.outcome).toBe("undetermined");
      expect(d.missing.map((m) => m.field)).toContain("parties.endUser.owners.0");
    });
  });
});

describe("diversion red flags", () => {
  const malaysia = (quantity: number, mode?: "as-enforced" | "as-codified") =>
    run({
      date: "2026-12-06",
      destination: "MY",
      items: [{ chip: "nvidia-h100-sxm5-80gb", quantity }],
      endUser: { name: "Klang Valley AI Sdn Bhd", country: "MY", headquarters: "MY", ownershipKnown: true },
      consignee: {
        name: "Lion City Logistics Pte Ltd",
        country: "SG",
        headquarters: "SG",
        ownershipKnown: true,
      },
      ...(mode && { mode }),
    });

  it("2,000 x H100 to Malaysia through a Singapore consignee: no license as enforced, but two red flags (both modes)", () => {
    const enforced = malaysia(2000);
    expect(enforced.outcome).toBe("no-license-required");
    const codified = malaysia(2000, "as-codified");
    expect(codified.outcome).toBe("license-required"); // worldwide .a requirement; 31.7 M TPP is over LPP
    for (const d of [enforced, codified]) {
      expect(codes(d.warnings)).toEqual(
        expect.arrayContaining(["RED_FLAG_CONSIGNEE_ELSEWHERE", "RED_FLAG_TRANSSHIPMENT_HUB"]),
      );
      const hub = d.warnings.find((w) => w.code === "RED_FLAG_TRANSSHIPMENT_HUB")!;
      expect(hub.message).toMatch(/^2000 .* to MY through a consignee in SG/);
      expect(hub.citation!.text).toContain("diversion");
    }
  });

  it("10 x H100 the same way: the consignee flag only (below the quantity line)", () => {
    const d = malaysia(10);
    expect(codes(d.warnings)).toContain("RED_FLAG_CONSIGNEE_ELSEWHERE");
    expect(codes(d.warnings)).not.toContain("RED_FLAG_TRANSSHIPMENT_HUB");
  });

  it("no end user named for a 3A090 item is a red flag", () => {
    const d = run({
      date: "2024-06-01",
      destination: "DE",
      items: [{ chip: "nvidia-h100-sxm5-80gb" }],
      consignee: { name: "Rheinland Rechenzentrum GmbH", country: "DE", headquarters: "DE" },
    });
    expect(codes(d.items[0]!.warnings)).toContain("RED_FLAG_END_USER_UNKNOWN");
  });
});

describe("new inputs are checked and named", () => {
  const base = { date: "2026-12-06", destination: "DE", items: [{ chip: "nvidia-h20" }] };
  const owner = { name: "Sugon", sharePercent: 10 };
  it.each([
    [
      "an unknown owner key",
      { ...base, endUser: { name: "X", owners: [{ ...owner, share: 5 }] } },
      "endUser.owners.0",
    ],
    [
      "a share of 0",
      { ...base, endUser: { name: "X", owners: [{ ...owner, sharePercent: 0 }] } },
      "endUser.owners.0.sharePercent",
    ],
    [
      "a share over 100",
      { ...base, endUser: { name: "X", owners: [{ ...owner, sharePercent: 120 }] } },
      "endUser.owners.0.sharePercent",
    ],
    [
      "too many owners",
      {
        ...base,
        endUser: { name: "X", owners: Array.from({ length: LIMITS.ownersPerParty + 1 }, () => owner) },
      },
      "endUser.owners",
    ],
    [
      "an owner name too long",
      { ...base, endUser: { name: "X", owners: [{ ...owner, name: "a".repeat(LIMITS.nameLength + 1) }] } },
      "endUser.owners.0.name",
    ],
    [
      "too many intermediate consignees",
      {
        ...base,
        intermediateConsignees: Array.from({ length: LIMITS.intermediateConsignees + 1 }, () => ({
          name: "Y",
        })),
      },
      "intermediateConsignees",
    ],
    [
      "government not a boolean",
      { ...base, endUser: { name: "X", government: "yes" } },
      "endUser.government",
    ],
    [
      "ownershipKnown not a boolean",
      { ...base, purchaser: { name: "X", ownershipKnown: 1 } },
      "purchaser.ownershipKnown",
    ],
    ["an unknown exporter role", { ...base, exporter: { name: "TSMC", role: "foundry" } }, "exporter.role"],
  ])("%s", (_what, txn, path) => {
    let error: unknown;
    try {
      run(txn as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChipGateError);
    expect((error as ChipGateError).code).toBe("INVALID_INPUT");
    expect((error as ChipGateError).issues.some((i) => i.path.startsWith(path))).toBe(true);
  });
});

describe("a known requirement decides the outcome", () => {
  it("no decision with a required license and no exception is undetermined", () => {
    const txns: TransactionInput[] = [];
    for (const chip of ["nvidia-h100-sxm5-80gb", "nvidia-l40", "nvidia-rtx-4090", "nvidia-h20"])
      for (const destination of ["CN", "VN", "DE", "AE", "SG"])
        for (const endUser of [
          undefined,
          { name: "Sugon" },
          { name: "Rheinland Rechenzentrum GmbH", country: "DE" },
        ])
          txns.push({ date: "2026-12-06", destination, items: [{ chip }], ...(endUser && { endUser }) });
    for (const t of txns) {
      const d = run(t);
      if (d.items.some((i) => i.licenseRequired === true && i.exception === null))
        expect(d.outcome, JSON.stringify(t)).toBe("license-required");
      if (d.outcome === "undetermined") expect(d.missing.length, JSON.stringify(t)).toBeGreaterThan(0);
    }
  });
});
