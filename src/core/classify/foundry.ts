import { type ReasonCode, warningsFrom } from "../reason-codes.js";
import type { Citation, EccnVersion, RuleBook } from "../rules/rulebook.js";
import type { FoundryPresumption } from "../rules/schema.js";
import { formatNumber, type MissingInput, type Reason, type Warning } from "./classify.js";
import type { IcSpec } from "./spec.js";

/** Who exports the IC, as far as the foundry presumption cares. */
export interface ExporterFacts {
  role?: "front-end-fabricator" | "osat" | "designer" | "distributor" | "other" | undefined;
  /** Where the exporter is located. */
  country?: string | undefined;
}

export type FoundryOutcome =
  /** The presumption does not concern this export (not a fabricator/OSAT, or not an applicable IC). */
  | { kind: "not-applicable"; reasons: Reason[]; warnings: Warning[] }
  /** The IC is presumed 3A090.a and designed for datacenters. */
  | { kind: "presumed"; paragraph: string; reasons: Reason[]; warnings: Warning[] }
  /** Route A, B or C applies: the presumption is rebutted and the IC is classified on its figures. */
  | { kind: "rebutted"; route: "A" | "B" | "C"; reasons: Reason[]; warnings: Warning[] }
  /** A missing input decides whether the presumption applies or is rebutted. */
  | { kind: "undetermined"; missing: MissingInput[]; reasons: Reason[]; warnings: Warning[] };

const billions = (n: number) => `${formatNumber(n / 1e9)} billion`;

type Tri = boolean | undefined;

/** Whether the IC is an "applicable advanced logic IC": 16/14 nm or below, or non-planar transistors. */
function applicable(fp: FoundryPresumption, spec: IcSpec): Tri {
  const f = spec.fabrication;
  const byNode =
    f?.processNodeNm === undefined ? undefined : f.processNodeNm <= fp.applicable_ic.process_node_nm_lte;
  const byTransistors = f?.nonPlanarTransistors;
  if (byNode === true || byTransistors === true) return true;
  if (byNode === false && byTransistors === false) return false;
  return undefined;
}

/** The transistor-count test of routes B and C for a transfer completed in `year`. */
function transistorTest(
  fp: FoundryPresumption,
  spec: IcSpec,
  year: number,
): { result: Tri; why: string; missing?: MissingInput; uncertain?: string } {
  const limit = fp.transistor_limits.findLast((l) => l.from_year <= year) ?? fp.transistor_limits[0]!;
  const count = spec.fabrication?.transistorCount;
  const extra = limit.uncertain ? { uncertain: limit.uncertain } : {};
  if (count === undefined)
    return {
      result: undefined,
      why: "transistor count unknown",
      missing: {
        field: "fabrication.transistorCount",
        message: `routes B and C need the attested transistor count of the packaged IC (below ${billions(limit.lt)} for ${year})`,
      },
      ...extra,
    };
  if (count < limit.lt)
    return {
      result: true,
      why: `${billions(count)} transistors is below ${billions(limit.lt)} (${year})`,
      ...extra,
    };
  if (limit.no_hbm_lt === undefined || count >= limit.no_hbm_lt)
    return {
      result: false,
      why: `${billions(count)} transistors is not below ${billions(limit.no_hbm_lt ?? limit.lt)} (${year})`,
      ...extra,
    };
  const hbm = spec.fabrication?.hasHbm;
  if (hbm === undefined)
    return {
      result: undefined,
      why: "whether the IC has HBM is unknown",
      missing: {
        field: "fabrication.hasHbm",
        message: `${billions(count)} transistors is below ${billions(limit.no_hbm_lt)} only for an IC without high bandwidth memory (${year})`,
      },
      ...extra,
    };
  return hbm
    ? {
        result: false,
        why: `${billions(count)} transistors with HBM is not below ${billions(limit.lt)} (${year})`,
        ...extra,
      }
    : {
        result: true,
        why: `${billions(count)} transistors without HBM is below ${billions(limit.no_hbm_lt)} (${year})`,
        ...extra,
      };
}

/**
 * Note 1 to 3A090.a (foundry due-diligence rule, 90 FR 5298): a front-end fabricator or OSAT that exports an
 * applicable advanced logic IC presumes it is 3A090.a and designed for datacenters, unless route A (an approved
 * or authorized IC designer attests), B (the fabricator, not in D:5 or Macau, attests the transistor count) or C
 * (an approved OSAT attests it) applies. A missing input that decides it leaves the answer undetermined.
 */
export function foundryPresumption(
  spec: IcSpec,
  version: EccnVersion,
  exporter: ExporterFacts | undefined,
  asOf: string,
  rules: RuleBook,
): FoundryOutcome | undefined {
  const fp = version.foundryPresumption;
  if (!fp || !exporter?.role || !fp.exporter_roles.includes(exporter.role)) return undefined;
  const citation: Citation = rules.cite(fp.cite);
  const reason = (code: ReasonCode, message: string): Reason => ({ code, message, citation });
  const warnings: Warning[] = warningsFrom("UNCERTAIN_RULE_DATA", fp.uncertain, citation);
  const role = exporter.role === "osat" ? "an OSAT" : "a front-end fabricator";

  const isApplicable = applicable(fp, spec);
  if (isApplicable === false) {
    return {
      kind: "not-applicable",
      reasons: [
        reason(
          "FOUNDRY_NOT_APPLICABLE",
          `Exported by ${role}, but not an applicable advanced logic IC (process node above ${fp.applicable_ic.process_node_nm_lte} nm and planar transistors): the foundry presumption does not apply.`,
        ),
      ],
      warnings,
    };
  }
  if (isApplicable === undefined) {
    const f = spec.fabrication;
    return {
      kind: "undetermined",
      missing: [
        {
          field:
            f?.processNodeNm === undefined ? "fabrication.processNodeNm" : "fabrication.nonPlanarTransistors",
          message: `exported by ${role}: whether the IC is made at ${fp.applicable_ic.process_node_nm_lte} nm or below, or with non-planar transistors, decides whether it is presumed 3A090.a`,
        },
      ],
      reasons: [],
      warnings,
    };
  }

  // Route A: an approved (or, before the designer deadline, authorized) IC designer attests.
  const f = spec.fabrication ?? {};
  const deadline = fp.designer_deadline.date;
  const designerNote: Warning = {
    code: "FOUNDRY_DESIGNER_DEADLINE",
    message:
      asOf < deadline
        ? `Route A: 'designerApproved' means an approved IC designer, or an authorized IC designer until ${deadline} (the authorized-designer trigger date and approved-designer application deadline).`
        : `Route A: from ${deadline} only an approved IC designer counts; 'designerApproved' must not mean a merely authorized designer.`,
    citation: rules.cite(fp.designer_deadline.cite),
  };
  if (f.designerApproved === true) {
    return {
      kind: "rebutted",
      route: "A",
      reasons: [
        reason(
          "FOUNDRY_ROUTE",
          `Route A: the designer is an approved or authorized IC designer attesting the IC's figures, so ${role} need not presume 3A090.a; the IC is classified on its figures.`,
        ),
      ],
      warnings: [...warnings, designerNote],
    };
  }

  // Routes B and C: the transistor count of the packaged IC, by the year the transfer completes.
  const year = Number(asOf.slice(0, 4));
  const count = transistorTest(fp, spec, year);
  if (count.uncertain) warnings.push({ code: "UNCERTAIN_RULE_DATA", message: count.uncertain, citation });
  const missing: MissingInput[] = [];
  let route: "B" | "C" | undefined;
  if (count.result !== false) {
    if (exporter.role === "front-end-fabricator") {
      const located =
        exporter.country === undefined
          ? undefined
          : !rules.inSet(
              fp.fabricator_not_located,
              rules.destinationAliases[exporter.country]?.as ?? exporter.country,
              asOf,
            );
      if (located === undefined)
        missing.push({
          field: "exporter.country",
          message: "route B is open only to a front-end fabricator not located in D:5 or Macau",
        });
      if (count.result === true && located === true) route = "B";
    }
    if (!route && f.packagedByApprovedOsat === true && count.result === true) route = "C";
    if (!route && f.packagedByApprovedOsat === undefined)
      missing.push({
        field: "fabrication.packagedByApprovedOsat",
        message: "route C needs the IC packaged by an approved OSAT",
      });
    if (count.missing) missing.push(count.missing);
  }
  if (route) {
    return {
      kind: "rebutted",
      route,
      reasons: [
        reason(
          "FOUNDRY_ROUTE",
          route === "B"
            ? `Route B: the front-end fabricator (located in ${exporter.country}, not D:5 or Macau) attests ${count.why}, so it need not presume 3A090.a.`
            : `Route C: packaged by an approved OSAT that attests ${count.why}, so ${role} need not presume 3A090.a.`,
        ),
      ],
      warnings,
    };
  }
  if (f.designerApproved === undefined)
    missing.unshift({
      field: "fabrication.designerApproved",
      message: "route A needs an approved (or authorized) IC designer's attestation",
    });
  // Open only while some route could still apply.
  const couldRebut =
    (count.result !== false && missing.some((m) => m.field !== "fabrication.designerApproved")) ||
    f.designerApproved === undefined;
  if (couldRebut && missing.length)
    return { kind: "undetermined", missing, reasons: [], warnings: [...warnings, designerNote] };
  return {
    kind: "presumed",
    paragraph: fp.presumed_paragraph,
    reasons: [
      reason(
        "FOUNDRY_PRESUMPTION",
        `Exported by ${role}: an applicable advanced logic IC is presumed ${fp.presumed_paragraph} and designed for datacenters (Note 1 to 3A090.a), and no route applies (A: designer not approved; B/C: ${count.why}${exporter.role === "front-end-fabricator" ? "" : ", or not packaged by an approved OSAT"}).`,
      ),
    ],
    warnings: [...warnings, designerNote],
  };
}
