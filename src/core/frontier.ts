import type { CatalogChip } from "./catalog/catalog.js";
import { classify } from "./classify/classify.js";
import { dayBefore } from "./dates.js";
import { type DecideContext, decide } from "./decide/decide.js";
import type { Decision } from "./decide/types.js";
import { type RuleBook, valueAt } from "./rules/rulebook.js";
import type { Cite, Mode } from "./rules/schema.js";

export interface FrontierOptions {
  from: string;
  to: string;
  mode?: Mode;
  /** Also list chips before their catalog release year (what the rules would have said of them). */
  includeUnreleased?: boolean;
}

export interface FrontierStep {
  from: string;
  to: string;
  /** Catalog ids, each list ordered by TPP descending. */
  noLicense: string[];
  licenseException: string[];
  caseByCase: string[];
  presumptionOfApproval: string[];
  presumptionOfDenial: string[];
  /** License required with no published review policy (company-specific notices). */
  otherLicenseRequired: string[];
  undetermined: string[];
  domestic: string[];
  /** The same lists ordered by memory bandwidth descending (what matters most for inference). */
  byMemoryBandwidth: { noLicense: string[]; licenseException: string[]; caseByCase: string[] };
  bestNoLicenseTpp: number | null;
}

export interface Frontier {
  country: string;
  mode: Mode;
  assumptions: string[];
  steps: FrontierStep[];
  events: { date: string; id: string; title: string }[];
}

const ASSUMPTIONS = [
  "Export from the United States by the chip's own vendor (so company-specific notices to that vendor apply).",
  "A commercial end user located and headquartered in the destination; no listed party; no prohibited end use.",
  "Best case for review policies that depend on certifications (every certification of 91 FR 1684 is made).",
  "One unit per shipment (allocation caps are not consumed).",
  "A chip counts from its catalog release year: a step lists only chips released by the year the step ends.",
];

/** Every date in the rule data on which something could change an answer. */
function changeDates(rules: RuleBook, mode: Mode): string[] {
  const dates = new Set<string>();
  for (const v of rules.ruleVersions) if (v.modes.includes(mode)) dates.add(v.from);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) for (const v of value) walk(v);
    else if (typeof value === "object" && value !== null) {
      const o = value as { from?: unknown; to?: unknown; modes?: unknown };
      const applies = !Array.isArray(o.modes) || (o.modes as string[]).includes(mode);
      if (applies && typeof o.from === "string") dates.add(o.from);
      if (applies && typeof o.to === "string") dates.add(o.to);
      for (const v of Object.values(value)) walk(v);
    }
  };
  walk(rules.licensing);
  walk(rules.groups);
  for (const eccn of ["3A090", "4A090", "4E091"]) for (const v of rules.eccnVersions(eccn)) dates.add(v.from);
  return [...dates].sort();
}

/**
 * What the catalog says a destination can obtain over time: for each period between rule changes, the chips
 * exportable without a license, with a license exception, or at best under case-by-case review, beside the
 * chips designed in that country.
 *
 * @example frontier("CN", { from: "2022-01-01", to: "2026-06-30" }, ctx).steps[0].noLicense
 */
export function frontier(country: string, options: FrontierOptions, ctx: DecideContext): Frontier {
  const mode = options.mode ?? "as-enforced";
  const { rules, catalog } = ctx;
  const starts = [
    options.from,
    ...changeDates(rules, mode).filter((d) => d > options.from && d <= options.to),
  ];
  const quietCtx: DecideContext = { ...ctx, screen: (q) => ({ query: q.name, hits: [] }) };
  const certifications = rules.licensing.review_policy.envelope_2026.flatMap((e) =>
    e.conditions.map((c) => c.id),
  );
  const tppOf = new Map<string, number>();
  const bwOf = new Map(catalog.map((c) => [c.id, c.memoryBandwidthGBs ?? 0]));
  const byTpp = (ids: string[]) =>
    [...ids].sort((a, b) => (tppOf.get(b) ?? 0) - (tppOf.get(a) ?? 0) || a.localeCompare(b));
  const byBw = (ids: string[]) =>
    [...ids].sort((a, b) => (bwOf.get(b) ?? 0) - (bwOf.get(a) ?? 0) || a.localeCompare(b));
  const domestic = catalog.filter((c) => c.countryOfDesign === country);

  const steps: FrontierStep[] = starts.map((start, i) => {
    const end = i + 1 < starts.length ? dayBefore(starts[i + 1]!) : options.to;
    const lists = {
      noLicense: [],
      licenseException: [],
      caseByCase: [],
      presumptionOfApproval: [],
      presumptionOfDenial: [],
      otherLicenseRequired: [],
      undetermined: [],
    } as Record<
      | "noLicense"
      | "licenseException"
      | "caseByCase"
      | "presumptionOfApproval"
      | "presumptionOfDenial"
      | "otherLicenseRequired"
      | "undetermined",
      string[]
    >;
    const released = (c: CatalogChip) =>
      options.includeUnreleased === true ||
      c.releaseYear === null ||
      c.releaseYear <= Number(end.slice(0, 4));
    for (const chip of catalog) {
      if (chip.countryOfDesign === country || !released(chip)) continue;
      const decision: Decision = decide(
        {
          date: start,
          mode,
          destination: country,
          items: [{ chip: chip.id }],
          endUser: { name: "frontier end user", country, headquarters: country },
          exporter: chip.vendor,
          certifications,
        },
        quietCtx,
        { asOf: start, mode },
      );
      const item = decision.items[0]!;
      tppOf.set(chip.id, item.classification.tpp ?? 0);
      if (decision.outcome === "undetermined") lists.undetermined.push(chip.id);
      else if (!item.licenseRequired) lists.noLicense.push(chip.id);
      else if (item.exception) lists.licenseException.push(chip.id);
      else if (item.reviewPolicy === "case-by-case") lists.caseByCase.push(chip.id);
      else if (item.reviewPolicy === "presumption-of-approval") lists.presumptionOfApproval.push(chip.id);
      else if (item.reviewPolicy === null) lists.otherLicenseRequired.push(chip.id);
      else lists.presumptionOfDenial.push(chip.id);
    }
    for (const c of domestic) tppOf.set(c.id, classify(c.spec, rules, { asOf: start, mode }).tpp ?? 0);
    const noLicense = byTpp(lists.noLicense);
    return {
      from: start,
      to: end,
      noLicense,
      licenseException: byTpp(lists.licenseException),
      caseByCase: byTpp(lists.caseByCase),
      presumptionOfApproval: byTpp(lists.presumptionOfApproval),
      presumptionOfDenial: byTpp(lists.presumptionOfDenial),
      otherLicenseRequired: byTpp(lists.otherLicenseRequired),
      undetermined: byTpp(lists.undetermined),
      domestic: byTpp(domestic.filter(released).map((c) => c.id)),
      byMemoryBandwidth: {
        noLicense: byBw(lists.noLicense),
        licenseException: byBw(lists.licenseException),
        caseByCase: byBw(lists.caseByCase),
      },
      bestNoLicenseTpp: noLicense.length ? (tppOf.get(noLicense[0]!) ?? null) : null,
    };
  });

  const events = rules.ruleVersions
    .filter((v) => v.modes.includes(mode) && v.from >= options.from && v.from <= options.to)
    .map((v) => ({ date: v.from, id: v.id, title: v.title }));
  const assumptions = options.includeUnreleased
    ? ASSUMPTIONS.filter((a) => !a.startsWith("A chip counts from its catalog release year")).concat(
        "Chips are listed before their release year too: what the rules would have said of them.",
      )
    : ASSUMPTIONS;
  return { country, mode, assumptions, steps, events };
}

export interface AllocationUse {
  chip: string;
  tpp: number;
  quantity: number;
  totalTpp: number;
  budgets: {
    name: string;
    tpp: number;
    used: number;
    share: number;
    unitsThatFit: number;
    citation: string;
  }[];
}

/**
 * A planned purchase against the AI Diffusion TPP budgets (as codified): the country allocation and the
 * per-consignee LPP cap, as shares and as how many units of the chip each budget holds.
 */
export function allocationUse(
  chip: CatalogChip,
  quantity: number,
  asOf: string,
  rules: RuleBook,
): AllocationUse {
  const tpp = classify(chip.spec, rules, { asOf, mode: "as-codified" }).tpp ?? 0;
  const totalTpp = tpp * quantity;
  const budget = (name: string, cap: number, cite: Cite): AllocationUse["budgets"][number] => ({
    name,
    tpp: cap,
    used: totalTpp,
    share: totalTpp / cap,
    unitsThatFit: tpp ? Math.floor(cap / tpp) : 0,
    citation: rules.cite(cite).text,
  });
  // Before the AI Diffusion rule the budgets did not exist; show the first ones so a plan can be sized.
  const inForce = <T extends { from: string; modes?: readonly Mode[] | undefined }>(list: readonly T[]) =>
    valueAt(list, asOf, "as-codified") ?? list[0];
  const country = inForce(rules.licensing.review_policy.worldwide_rule);
  const lpp = inForce(rules.licensing.exceptions.LPP);
  const budgets = [
    ...(country
      ? [budget("country allocation 2025-2027 (Tier 2)", country.country_allocation_tpp, country.cite)]
      : []),
    ...(lpp
      ? [
          budget(
            "License Exception LPP, per consignee per calendar year",
            lpp.tpp_per_consignee_per_year,
            lpp.cite,
          ),
        ]
      : []),
  ];
  return { chip: chip.id, tpp, quantity, totalTpp, budgets };
}
