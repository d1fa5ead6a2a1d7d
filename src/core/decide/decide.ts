import { type CatalogChip, findChip } from "../catalog/catalog.js";
import { type Classification, classify, formatNumber, type Warning } from "../classify/classify.js";
import type { IcSpec, ItemSpec } from "../classify/spec.js";
import { assertNoIssues } from "../errors.js";
import { deepFreeze } from "../freeze.js";
import { type Citation, type RuleBook, valueAt } from "../rules/rulebook.js";
import type { Cite, CountrySet, Mode, ReviewPolicyName } from "../rules/schema.js";
import { bestBand } from "../screening/band.js";
import type { ScreeningQuery, ScreeningResult } from "../screening/index.js";
import { type Transaction, type TransactionItem, transaction as transactionSchema } from "./transaction.js";
import type {
  ClassificationSummary,
  Decision,
  ItemDecision,
  LicenseException,
  Outcome,
  PartyScreening,
  Requirement,
  ReviewPolicy,
} from "./types.js";

export interface DecideContext {
  rules: RuleBook;
  catalog: readonly CatalogChip[];
  /** Screens one party name against the restricted-party lists (pure, from a loaded index). */
  screen: (query: ScreeningQuery) => ScreeningResult;
  versions: { engine: string; ruleData: string; screeningData: string };
}

export interface DecideOptions {
  /** Date of the export; the transaction's own `date` wins when given. */
  asOf: string;
  mode?: Mode;
  /**
   * The transaction already parsed from `raw` with the `transaction` schema (the HTTP router validates the body
   * with it); `decide` then does not parse it again.
   */
  validated?: Transaction;
}

export const DISCLAIMER = "ChipGate is a decision-support tool, not legal advice.";

const SEVERITY: Record<ReviewPolicyName, number> = {
  "presumption-of-approval": 0,
  "case-by-case": 1,
  "presumption-of-denial": 2,
  "policy-of-denial": 3,
};

function strictest(policies: readonly (ReviewPolicy | null)[]): ReviewPolicy | null {
  const known = policies.filter((p): p is ReviewPolicy => p !== null);
  if (known.length === 0) return null;
  return known.reduce((a, b) => (SEVERITY[b] > SEVERITY[a] ? b : a));
}

/** Item classes used by licensing.yaml: paragraph prefixes, "z", and "datacenter-3A090.a". */
function itemClasses(c: Classification): Set<string> {
  const classes = new Set<string>();
  const p = c.paragraph;
  if (!p) return classes;
  if (p.endsWith(".z")) classes.add("z");
  for (const k of ["3A090.a", "3A090.b", "3A090.c", "4A090.a", "4A090.b", "4E091"])
    if (p.startsWith(k)) classes.add(k);
  const chip = c.contained ?? c;
  if (chip.paragraph?.startsWith("3A090.a") && chip.designedForDatacenter === true)
    classes.add("datacenter-3A090.a");
  if (c.contained?.paragraph?.startsWith("3A090.a")) classes.add("3A090.a-contained");
  return classes;
}

const has = (classes: Set<string>, items: readonly string[]) => items.some((i) => classes.has(i));

function policyFromListText(text: string): ReviewPolicy | null {
  const t = text.toLowerCase();
  if (t.includes("presumption of denial")) return "presumption-of-denial";
  if (t.includes("policy of denial")) return "policy-of-denial";
  if (t.includes("case-by-case") || t.includes("case by case")) return "case-by-case";
  if (t.includes("presumption of approval")) return "presumption-of-approval";
  return null;
}

function summarizeClassification(c: Classification): ClassificationSummary {
  const {
    tpp,
    tppFormats,
    performanceDensity,
    memoryBandwidthDensity,
    designedForDatacenter,
    status,
    computation,
  } = c;
  return {
    tpp,
    tppFormats,
    performanceDensity,
    memoryBandwidthDensity,
    designedForDatacenter,
    status,
    computation,
    ...(c.contained && {
      contained: { ...summarizeClassification(c.contained), paragraph: c.contained.paragraph },
    }),
  };
}

// Catalog specs are shared objects, so batch runs classify each chip once per date and mode. Classifications
// are read, never mutated, by decide.
const classifications = new WeakMap<object, Map<string, Classification>>();
function classifyCached(spec: ItemSpec, rules: RuleBook, asOf: string, mode: Mode): Classification {
  let byKey = classifications.get(spec);
  if (!byKey) {
    byKey = new Map();
    classifications.set(spec, byKey);
  }
  const key = `${rules.version}|${asOf}|${mode}`;
  let c = byKey.get(key);
  if (!c) {
    c = deepFreeze(classify(spec, rules, { asOf, mode }));
    byKey.set(key, c);
  }
  return c;
}

interface ResolvedItem {
  spec: ItemSpec;
  description: string;
  quantity: number;
  chip?: CatalogChip;
}

function resolveItem(item: TransactionItem, index: number, catalog: readonly CatalogChip[]): ResolvedItem {
  const path = `items.${index}`;
  const withPath = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      const e = error as Error;
      assertNoIssues([{ path: `${path}.chip`, message: e.message }], "transaction");
      throw error;
    }
  };
  if ("chip" in item) {
    const chip = withPath(() => findChip(catalog, item.chip));
    return { spec: chip.spec, description: `${chip.spec.name} (${chip.id})`, quantity: item.quantity, chip };
  }
  if ("system" in item) {
    const s = item.system;
    const chip = typeof s.chip === "string" ? withPath(() => findChip(catalog, s.chip as string)) : undefined;
    const inner: IcSpec = chip ? chip.spec : (s.chip as IcSpec);
    const spec: ItemSpec = {
      kind: "system",
      chip: inner,
      count: s.count,
      ...(s.name !== undefined && { name: s.name }),
      ...(s.otherwiseEccn !== undefined && { otherwiseEccn: s.otherwiseEccn }),
    };
    const description = `${s.name ?? "system"} with ${s.count} x ${chip ? chip.id : (inner.name ?? "IC")}`;
    return { spec, description, quantity: item.quantity, ...(chip && { chip }) };
  }
  const spec = item.spec;
  return { spec, description: spec.name ?? `${spec.kind ?? "ic"} spec`, quantity: item.quantity };
}

interface PartyFacts {
  screenings: PartyScreening[];
  headquarters: string[];
  missingHeadquarters: string[];
  listedMatches: { role: string; hit: PartyScreening["hits"][number]; requirement: string; policy: string }[];
  reviewHits: PartyScreening[];
}

function screenParties(txn: Transaction, ctx: DecideContext): PartyFacts {
  const facts: PartyFacts = {
    screenings: [],
    headquarters: [],
    missingHeadquarters: [],
    listedMatches: [],
    reviewHits: [],
  };
  for (const role of ["endUser", "consignee"] as const) {
    const party = txn[role];
    if (!party) continue;
    if (party.headquarters) facts.headquarters.push(party.headquarters);
    else facts.missingHeadquarters.push(`${role}.headquarters`);
    const result = ctx.screen({ name: party.name, ...(party.country && { country: party.country }) });
    const hits = result.hits.map(({ record: _record, ...hit }) => hit);
    const band = bestBand(hits);
    const screening: PartyScreening = {
      role,
      name: party.name,
      country: party.country ?? null,
      headquarters: party.headquarters ?? null,
      hits,
      band,
    };
    facts.screenings.push(screening);
    for (const h of result.hits) {
      if (h.band === "match") {
        facts.listedMatches.push({
          role,
          hit: hits.find((x) => x.id === h.id)!,
          requirement: h.record.license_requirement,
          policy: h.record.license_policy,
        });
      }
    }
    if (band === "review") facts.reviewHits.push(screening);
  }
  // Entries that state a license requirement (the Entity List's) govern; list them first.
  facts.listedMatches.sort((a, b) => Number(!a.requirement) - Number(!b.requirement));
  return facts;
}

function decideOnce(
  txn: Transaction,
  ctx: DecideContext,
  parties: PartyFacts,
  asOf: string,
  mode: Mode,
): Decision {
  const { rules } = ctx;
  const L = rules.licensing;
  const warnings: Warning[] = [];
  const reasons: Requirement[] = [];
  const cite = (c: Cite): Citation => rules.cite(c);
  const unverifiedSeen = new Set<string>();
  const noteUnverified = (set: CountrySet, into: Warning[]) => {
    for (const g of rules.unverifiedGroups(set)) {
      if (unverifiedSeen.has(g.name)) continue;
      unverifiedSeen.add(g.name);
      into.push({
        code: "UNVERIFIED_COUNTRY_GROUP",
        message: `Country Group ${g.name} membership is unverified: ${g.verification_note}`,
        citation: cite(g.cite),
      });
    }
  };
  const inSet = (set: CountrySet, country: string) => rules.inSet(set, country, asOf);

  const alias = rules.destinationAliases[txn.destination];
  const destination = alias ? alias.as : txn.destination;
  if (alias) {
    reasons.push({
      code: "DESTINATION_ALIAS",
      message: `Destination ${txn.destination} is treated as ${destination} for these controls.`,
      citation: cite(alias.cite),
    });
  }
  const partyHq = (hq: string) => rules.destinationAliases[hq]?.as ?? hq;
  const headquarters = parties.headquarters.map(partyHq);
  const rv = rules.ruleVersionAt(asOf, mode);

  const items: ItemDecision[] = txn.items.map((raw, index) => {
    const item = resolveItem(raw, index, ctx.catalog);
    const classification = classifyCached(item.spec, rules, asOf, mode);
    const classes = itemClasses(classification);
    const requirements: Requirement[] = [];
    const itemWarnings: Warning[] = [...classification.warnings];
    const undetermined = classification.undetermined.map((m) => ({
      field: `items.${index}.${m.field}`,
      message: m.message,
    }));
    const policies: { source: string; policy: ReviewPolicy | null; citation: Citation; why: string }[] = [];
    const controlled = classes.size > 0;
    const needHq = (why: string) => {
      for (const field of parties.missingHeadquarters) {
        if (!undetermined.some((u) => u.field === field)) undetermined.push({ field, message: why });
      }
      if (!txn.endUser && !txn.consignee && !undetermined.some((u) => u.field === "endUser")) {
        undetermined.push({ field: "endUser", message: why });
      }
    };
    const hqIn = (set: CountrySet) => headquarters.some((h) => inSet(set, h));

    // 15 CFR 742.6(a)(6): destination-based requirement.
    const destRule = valueAt(L.destination_rule, asOf, mode);
    let destinationRequired = false;
    if (destRule && has(classes, destRule.items)) {
      noteUnverified(destRule.destinations, itemWarnings);
      if (inSet(destRule.destinations, destination)) {
        destinationRequired = true;
        requirements.push({
          code: "DESTINATION_RULE",
          message: `${classification.paragraph} item to ${destination}: license required for this destination.`,
          citation: cite(destRule.cite),
        });
      }
    }

    // 15 CFR 744.23(a)(3): entities headquartered in D:5 or Macau, wherever located.
    const hqRule = valueAt(L.headquarters_rule, asOf, mode);
    let hqRequired = false;
    if (hqRule && has(classes, hqRule.items)) {
      noteUnverified(hqRule.headquarters, itemWarnings);
      if (parties.missingHeadquarters.length || (!txn.endUser && !txn.consignee)) {
        needHq("headquarters of the parties decide the headquarters rule, NAC/ACA and the review policy");
      }
      if (hqIn(hqRule.headquarters)) {
        hqRequired = true;
        if (!destinationRequired) {
          requirements.push({
            code: "HEADQUARTERS_RULE",
            message: `A party is headquartered (or has its ultimate parent) in ${headquarters.filter((h) => inSet(hqRule.headquarters, h)).join(", ")} (D:5 or Macau): license required wherever the item goes.`,
            citation: cite(hqRule.cite),
          });
        }
      }
    }

    // 15 CFR 742.6(a)(6)(i)(B): HBM to Macau or D:5.
    const hbmRule = valueAt(L.hbm_rule, asOf, mode);
    if (hbmRule && has(classes, hbmRule.items)) {
      noteUnverified(hbmRule.destinations, itemWarnings);
      if (inSet(hbmRule.destinations, destination)) {
        requirements.push({
          code: "HBM_RULE",
          message: `3A090.c high bandwidth memory to ${destination} (Macau or D:5): license required.`,
          citation: cite(hbmRule.cite),
        });
      }
    }

    // AI Diffusion worldwide requirement (as-codified mode only, by the data's `modes`).
    const worldwide = valueAt(L.worldwide_rule, asOf, mode);
    let worldwideRequired = false;
    if (worldwide && has(classes, worldwide.items) && !inSet(worldwide.except_destinations, destination)) {
      worldwideRequired = true;
      requirements.push({
        code: "WORLDWIDE_RULE",
        message: `${classification.paragraph} item: the AI Diffusion rule (as codified) requires a license for every destination.`,
        citation: cite(worldwide.cite),
      });
    }

    // 15 CFR 744.23(a)(1): supercomputer end use.
    const superRule = valueAt(L.supercomputer_end_use, asOf, mode);
    const supercomputer = (txn.endUse ?? []).some((u) => /supercomput/i.test(u));
    let endUseRequired = false;
    if (superRule && supercomputer) {
      noteUnverified(superRule.destinations, itemWarnings);
      if (inSet(superRule.destinations, destination)) {
        endUseRequired = true;
        requirements.push({
          code: "SUPERCOMPUTER_END_USE",
          message: `Stated supercomputer end use in ${destination}: license required for this item.`,
          citation: cite(superRule.cite),
        });
      }
    }
    if ((txn.endUse ?? []).some((u) => /military/i.test(u))) {
      itemWarnings.push({
        code: "RED_FLAG_MILITARY_END_USE",
        message:
          "A military end use was stated: check the military end-use and end-user controls (15 CFR 744.21) and the Military End-User list.",
      });
    }

    // Company-specific "is informed" notices.
    let noticeRequired = false;
    for (const notice of L.company_notices.filter(
      (n) => n.from <= asOf && (n.to === undefined || asOf < n.to) && (!n.modes || n.modes.includes(mode)),
    )) {
      const reaches = inSet(notice.destinations, destination) || hqIn(notice.headquarters);
      if (!reaches) continue;
      const citation = cite(notice.cite);
      if (item.chip && notice.chips.includes(item.chip.id)) {
        const exporterNamed =
          txn.exporter !== undefined &&
          notice.exporters.some((e) => new RegExp(`\\b${e}\\b`, "i").test(txn.exporter!));
        if (txn.exporter === undefined) {
          undetermined.push({
            field: "exporter",
            message: `notice ${notice.id} binds ${notice.exporters.join(", ")}; name the exporter`,
          });
        } else if (exporterNamed) {
          noticeRequired = true;
          requirements.push({
            code: "COMPANY_NOTICE",
            message: `USG "is informed" notice ${notice.id} to ${notice.exporters.join(", ")}: license required for ${item.chip.id} to ${destination} or to parties headquartered there (a notice, not a rule).`,
            citation,
          });
          if (notice.practice_note)
            itemWarnings.push({ code: "LICENSING_PRACTICE", message: notice.practice_note, citation });
        } else {
          itemWarnings.push({
            code: "COMPANY_NOTICE_OTHER_EXPORTER",
            message: `Notice ${notice.id} was addressed to ${notice.exporters.join(", ")}; whether it binds ${txn.exporter} is unclear.`,
            citation,
          });
        }
        for (const u of notice.uncertain ?? [])
          itemWarnings.push({ code: "UNCERTAIN_RULE_DATA", message: u, citation });
      } else if (!controlled && item.spec.kind !== "hbm" && item.spec.kind !== "weights") {
        const bandwidth = (item.spec.kind === "system" ? item.spec.chip : item.spec).memoryBandwidthGBs;
        const reference = ctx.catalog
          .filter((c) => notice.chips.includes(c.id))
          .map((c) => c.memoryBandwidthGBs ?? Number.POSITIVE_INFINITY);
        if (bandwidth !== undefined && reference.length && bandwidth >= Math.min(...reference)) {
          itemWarnings.push({
            code: "RED_FLAG_NOTICE_SCOPE",
            message: `Memory bandwidth ${formatNumber(bandwidth)} GB/s reaches that of ${notice.chips.join(", ")}; notice ${notice.id} also covers ICs achieving it (no numeric threshold was published).`,
            citation,
          });
        }
      }
    }

    // Restricted parties: a match makes a license required whatever the item.
    for (const m of parties.listedMatches) {
      requirements.push({
        code: "LISTED_PARTY",
        message: `${m.role} matches ${m.hit.name} (${m.hit.list}, id ${m.hit.id}, score ${m.hit.score.toFixed(2)}). License requirement: ${m.requirement || "(not stated)"}. License policy: ${m.policy || "(not stated)"}.`,
        citation: {
          source: "csl",
          text: `Consolidated Screening List, ${m.hit.list} entry ${m.hit.id}`,
          pinpoint: m.hit.id,
          evidence: "S",
          url: "https://www.trade.gov/consolidated-screening-list",
        },
      });
    }
    for (const r of parties.reviewHits) {
      undetermined.push({
        field: `parties.${r.role}`,
        message: `possible restricted-party match for '${r.name}' needs a person's review before the shipment can be decided`,
      });
    }

    const licenseRequired = requirements.length > 0;

    // License exceptions.
    let exception: LicenseException | null = null;
    let exceptionDetail: ItemDecision["exceptionDetail"] = null;
    const exceptionReasons: Requirement[] = [];
    const part744 = parties.listedMatches.length > 0 || endUseRequired || noticeRequired;
    if (licenseRequired && !part744) {
      const excluded = has(classes, L.exceptions.excluded_items);
      const hbm = valueAt(L.exceptions.HBM, asOf, mode);
      const nac = valueAt(L.exceptions.NAC, asOf, mode);
      const aca = valueAt(L.exceptions.ACA, asOf, mode);
      const lpp = valueAt(L.exceptions.LPP, asOf, mode);
      const aia = valueAt(L.exceptions.AIA, asOf, mode);
      const isA = classes.has("3A090.a") || classes.has("3A090.a-contained");
      const chipDatacenter = (classification.contained ?? classification).designedForDatacenter;
      if (hbm && has(classes, hbm.items)) {
        if (
          (classification.memoryBandwidthDensity ?? Number.POSITIVE_INFINITY) <
          hbm.memory_bandwidth_density_lt
        ) {
          exception = "HBM";
          exceptionDetail = {
            notificationDays: 0,
            reason: `memory bandwidth density below ${hbm.memory_bandwidth_density_lt} GB/s/mm2`,
            citation: cite(hbm.cite),
          };
          for (const u of hbm.uncertain ?? []) {
            itemWarnings.push({ code: "UNCERTAIN_RULE_DATA", message: u, citation: cite(hbm.cite) });
          }
        } else {
          exceptionReasons.push({
            code: "NO_EXCEPTION",
            message: `License Exception HBM is limited to memory bandwidth density below ${hbm.memory_bandwidth_density_lt} GB/s/mm2.`,
            citation: cite(hbm.cite),
          });
        }
      } else if (destinationRequired || hqRequired) {
        if (excluded) {
          exceptionReasons.push({
            code: "NO_EXCEPTION",
            message:
              "NAC and ACA are never available for 3A090.a items designed or marketed for datacenters.",
            citation: cite((nac ?? aca ?? destRule)!.cite),
          });
        } else if (isA && chipDatacenter === null) {
          undetermined.push({
            field: `items.${index}.datacenter`,
            message: "whether the item is designed or marketed for datacenters decides NAC/ACA eligibility",
          });
        } else {
          const acaFits =
            aca && inSet(aca.destinations, destination) && !hqIn(hqRule?.headquarters ?? {}) && !hqRequired;
          const nacFits =
            nac &&
            (inSet(nac.destinations, destination) ||
              (nac.headquarters !== undefined && hqIn(nac.headquarters))) &&
            (!hqRequired || nac.overcomes_headquarters_rule || destinationRequired);
          if (acaFits) {
            exception = "ACA";
            exceptionDetail = {
              notificationDays: aca.notification_days,
              reason: `destination ${destination} is in D:1/D:4 but not Macau or D:5, and no party is headquartered in D:5 or Macau; a written purchase order is required`,
              citation: cite(aca.cite),
            };
            noteUnverified(aca.destinations, itemWarnings);
          } else if (nacFits) {
            exception = "NAC";
            exceptionDetail = {
              notificationDays: nac.notification_days,
              reason: `file a notification at least ${nac.notification_days} days before export; usable only if BIS does not tell the exporter a license is required`,
              citation: cite(nac.cite),
            };
            noteUnverified(nac.destinations, itemWarnings);
          } else {
            exceptionReasons.push({
              code: "NO_EXCEPTION",
              message:
                hqRequired && nac && !nac.overcomes_headquarters_rule
                  ? "No license exception overcomes the headquarters requirement in the version of the rule in force."
                  : "Neither NAC nor ACA covers this destination and these parties on this date.",
              citation: cite((nac ?? destRule ?? hqRule)!.cite),
            });
          }
        }
      }
      if (worldwideRequired && exception === null && !destinationRequired && !hqRequired) {
        const totalTpp =
          (classification.tpp ?? 0) * item.quantity * (item.spec.kind === "system" ? item.spec.count : 1);
        if (aia && inSet(aia.destinations, destination)) {
          exception = "AIA";
          exceptionDetail = {
            notificationDays: 0,
            reason: `${destination} is in paragraph (a) of Supp. No. 5 to part 740 (Tier 1)`,
            citation: cite(aia.cite),
          };
        } else if (
          lpp &&
          !inSet(lpp.not_destinations, destination) &&
          classification.tpp !== null &&
          totalTpp <= lpp.tpp_per_consignee_per_year
        ) {
          exception = "LPP";
          exceptionDetail = {
            notificationDays: 0,
            reason: `this shipment's ${formatNumber(totalTpp)} TPP is within the ${formatNumber(lpp.tpp_per_consignee_per_year)} TPP per consignee per calendar year (count earlier shipments to the same consignee)`,
            citation: cite(lpp.cite),
          };
          for (const u of lpp.uncertain ?? [])
            itemWarnings.push({ code: "UNCERTAIN_RULE_DATA", message: u, citation: cite(lpp.cite) });
        } else {
          exceptionReasons.push({
            code: "NO_EXCEPTION",
            message: `No AIA (${destination} is not Tier 1) and no LPP for this shipment.`,
            citation: cite(worldwide!.cite),
          });
        }
      }
    }

    // Review policy of a license application.
    if (licenseRequired) {
      const rp = L.review_policy;
      if (destinationRequired) {
        const d = valueAt(rp.destination_rule, asOf, mode)!;
        const restricted = d.restricted && (inSet(d.restricted, destination) || hqIn(d.restricted));
        let policy: ReviewPolicy = restricted ? d.restricted_policy! : d.default;
        let why = restricted
          ? `${destination} or a party's headquarters is in Macau or D:5`
          : `${destination} is not Macau or D:5 and no party is headquartered there`;
        let citation = cite(d.cite);
        for (const u of d.uncertain ?? [])
          itemWarnings.push({ code: "UNCERTAIN_RULE_DATA", message: u, citation });
        if (d.restricted) noteUnverified(d.restricted, itemWarnings);
        const env = valueAt(rp.envelope_2026, asOf, mode);
        if (
          env &&
          policy === env.otherwise &&
          inSet(env.destinations, destination) &&
          (classes.has("3A090.a") ||
            classes.has("3A090.b") ||
            classes.has("4A090.a") ||
            classes.has("4A090.b"))
        ) {
          citation = cite(env.cite);
          const chip = classification.contained ?? classification;
          const bandwidth = (
            item.spec.kind === "system"
              ? item.spec.chip
              : item.spec.kind === "hbm" || item.spec.kind === "weights"
                ? undefined
                : item.spec
          )?.memoryBandwidthGBs;
          const missingConditions = env.conditions.filter((c) => !(txn.certifications ?? []).includes(c.id));
          if (!inSet(env.exported_from, txn.exportedFrom)) {
            why = `the January 2026 case-by-case policy covers only exports from the United States; this is a reexport or export from ${txn.exportedFrom}`;
          } else if (chip.tpp === null || chip.tpp >= env.tpp_lt) {
            why = `TPP ${chip.tpp === null ? "unknown" : formatNumber(chip.tpp)} is not below ${formatNumber(env.tpp_lt)}, so the January 2026 case-by-case policy does not apply`;
          } else if (bandwidth === undefined) {
            undetermined.push({
              field: `items.${index}.memoryBandwidthGBs`,
              message: `total DRAM bandwidth below ${formatNumber(env.dram_bandwidth_gbs_lt)} GB/s decides the January 2026 review policy`,
            });
            why = "DRAM bandwidth unknown";
          } else if (bandwidth >= env.dram_bandwidth_gbs_lt) {
            why = `DRAM bandwidth ${formatNumber(bandwidth)} GB/s is not below ${formatNumber(env.dram_bandwidth_gbs_lt)} GB/s, so the January 2026 case-by-case policy does not apply`;
          } else if (txn.certifications === undefined) {
            undetermined.push({
              field: "certifications",
              message: `the January 2026 case-by-case policy needs the exporter's certifications: ${env.conditions.map((c) => c.id).join(", ")}`,
            });
            why = "certifications not stated";
          } else if (missingConditions.length) {
            why = `the exporter does not certify: ${missingConditions.map((c) => c.text).join("; ")}`;
          } else {
            policy = env.policy;
            why = `exported from the US to ${destination}, TPP ${formatNumber(chip.tpp)} < ${formatNumber(env.tpp_lt)} and DRAM bandwidth ${formatNumber(bandwidth)} GB/s < ${formatNumber(env.dram_bandwidth_gbs_lt)} GB/s, with every certification`;
          }
          for (const u of env.uncertain ?? [])
            itemWarnings.push({ code: "UNCERTAIN_RULE_DATA", message: u, citation });
        }
        policies.push({ source: "destination rule", policy, citation, why });
      }
      if (hqRequired && !destinationRequired) {
        const h = valueAt(rp.headquarters_rule, asOf, mode)!;
        const policy =
          h.datacenter_3a090a && classes.has("datacenter-3A090.a") ? h.datacenter_3a090a : h.default;
        for (const u of h.uncertain ?? []) {
          itemWarnings.push({ code: "UNCERTAIN_RULE_DATA", message: u, citation: cite(h.cite) });
        }
        policies.push({
          source: "headquarters rule",
          policy,
          citation: cite(h.cite),
          why: "a party is headquartered in D:5 or Macau",
        });
      }
      if (requirements.some((r) => r.code === "HBM_RULE")) {
        const h = valueAt(rp.hbm_rule, asOf, mode)!;
        const restricted = hqIn(h.restricted_headquarters);
        if (parties.missingHeadquarters.length)
          needHq("the HBM review policy depends on where the buyer is headquartered");
        policies.push({
          source: "HBM rule",
          policy: restricted ? h.restricted_policy : h.default,
          citation: cite(h.cite),
          why: restricted
            ? "a party is headquartered in Macau or D:5"
            : "no party is headquartered in Macau or D:5",
        });
      }
      if (worldwideRequired) {
        const w = valueAt(rp.worldwide_rule, asOf, mode)!;
        const restricted = inSet(w.restricted, destination) || hqIn(w.restricted);
        const favored = inSet(w.favored, destination);
        const totalTpp =
          (classification.tpp ?? 0) * item.quantity * (item.spec.kind === "system" ? item.spec.count : 1);
        policies.push({
          source: "AI Diffusion rule",
          policy: restricted ? w.restricted_policy : favored ? w.favored_policy : w.default,
          citation: cite(w.cite),
          why: restricted
            ? "Macau/D:5 destination or headquarters (Tier 3)"
            : favored
              ? `${destination} is Tier 1`
              : `presumption of approval within the ${formatNumber(w.country_allocation_tpp)} TPP country allocation for 2025-2027 (this shipment: ${formatNumber(totalTpp)} TPP, ${((100 * totalTpp) / w.country_allocation_tpp).toFixed(4)}%); ${w.after_allocation} once it is used up`,
        });
      }
      if (endUseRequired) {
        const s = valueAt(rp.supercomputer_end_use, asOf, mode)!;
        policies.push({
          source: "supercomputer end use",
          policy: s.default,
          citation: cite(s.cite),
          why: "supercomputer end use in Macau or D:5",
        });
      }
      if (noticeRequired) {
        const n = valueAt(rp.company_notices, asOf, mode);
        if (n)
          policies.push({
            source: "company notice",
            policy: n.default,
            citation: cite(n.cite),
            why: "no review policy was published for the notice",
          });
      }
      for (const m of parties.listedMatches) {
        policies.push({
          source: `${m.hit.list} entry ${m.hit.id}`,
          policy: policyFromListText(m.policy),
          citation: requirements.find((r) => r.code === "LISTED_PARTY")!.citation,
          why: m.policy || "license policy not stated on the list entry",
        });
      }
    }
    const reviewPolicy = strictest(policies.map((p) => p.policy));
    const policyReasons: Requirement[] = policies.map((p) => ({
      code: "REVIEW_POLICY",
      message: `Review policy under the ${p.source}: ${p.policy ?? "none published"} (${p.why}).`,
      citation: p.citation,
    }));
    const noRequirement: Requirement[] = licenseRequired
      ? []
      : [
          {
            code: "NO_REQUIREMENT",
            message: controlled
              ? `${classification.paragraph} item, but no license requirement reaches destination ${destination} and these parties on ${asOf} (mode ${mode}).`
              : `Not classified under 3A090/4A090/4E091 on ${asOf}; no advanced-computing license requirement, no listed party and no company notice applies.`,
            citation: classification.reasons.at(-1)?.citation ?? cite(rules.technicalNotesCite),
          },
        ];
    if (exception && exceptionDetail) {
      exceptionReasons.push({
        code: "EXCEPTION_AVAILABLE",
        message: `License Exception ${exception}: ${exceptionDetail.reason}.`,
        citation: exceptionDetail.citation,
      });
    }
    return {
      index,
      description: item.description,
      quantity: item.quantity,
      eccn: classification.eccn,
      paragraph: classification.paragraph,
      licenseRequired: classification.status === "undetermined" && !licenseRequired ? null : licenseRequired,
      requirements,
      exception,
      exceptionDetail,
      reviewPolicy,
      reasons: [
        ...classification.reasons,
        ...requirements,
        ...noRequirement,
        ...exceptionReasons,
        ...policyReasons,
      ],
      warnings: itemWarnings,
      undetermined,
      classification: summarizeClassification(classification),
    };
  });

  const outcome: Outcome = items.some((i) => i.undetermined.length > 0 || i.licenseRequired === null)
    ? "undetermined"
    : items.some((i) => i.licenseRequired && !i.exception)
      ? "license-required"
      : items.some((i) => i.licenseRequired)
        ? "license-exception"
        : "no-license-required";

  for (const s of parties.screenings) {
    if (s.band === "review") {
      warnings.push({
        code: "SCREENING_REVIEW",
        message: `'${s.name}' (${s.role}) is a possible match for ${s.hits.map((h) => `${h.name} [${h.list} ${h.id}]`).join("; ")}: a person must resolve it; the outcome stays undetermined until then.`,
      });
    }
  }
  return {
    outcome,
    asOf,
    mode,
    ruleVersion: rv ? { id: rv.id, title: rv.title, from: rv.from } : null,
    destination,
    destinationAsEntered: txn.destination,
    exportedFrom: txn.exportedFrom,
    items,
    parties: parties.screenings,
    warnings,
    reasons,
    otherMode: { mode, outcome, differs: false, differences: [] },
    versions: ctx.versions,
    disclaimer: DISCLAIMER,
  };
}

/**
 * Decides whether a transaction may go without a license, with a license exception, or needs a license, on
 * the transaction's date, with every requirement, exception and review policy cited. Parties are screened.
 * A missing input that matters makes the outcome "undetermined", naming it.
 */
export function decide(raw: unknown, ctx: DecideContext, options: DecideOptions): Decision {
  let txn = options.validated;
  if (!txn) {
    const parsed = transactionSchema.safeParse(raw);
    if (!parsed.success) {
      assertNoIssues(
        parsed.error.issues.map((i) => ({ path: i.path.join(".") || "(transaction)", message: i.message })),
        "transaction",
      );
    }
    txn = parsed.data!;
  }
  const asOf = txn.date ?? options.asOf;
  const mode = txn.mode ?? options.mode ?? "as-enforced";
  const parties = screenParties(txn, ctx);
  const result = decideOnce(txn, ctx, parties, asOf, mode);
  const otherMode: Mode = mode === "as-enforced" ? "as-codified" : "as-enforced";
  // Before any rule data differs by mode, the other mode's answer is this one.
  const other = asOf < ctx.rules.modesDivergeFrom ? result : decideOnce(txn, ctx, parties, asOf, otherMode);
  const differences: string[] = [];
  if (other.outcome !== result.outcome)
    differences.push(`outcome: ${result.outcome} here, ${other.outcome} in ${otherMode}`);
  result.items.forEach((item, i) => {
    const o = other.items[i]!;
    for (const key of ["eccn", "licenseRequired", "exception", "reviewPolicy"] as const) {
      if (item[key] !== o[key])
        differences.push(`items.${i}.${key}: ${String(item[key])} here, ${String(o[key])} in ${otherMode}`);
    }
  });
  result.otherMode = {
    mode: otherMode,
    outcome: other.outcome,
    differs: differences.length > 0,
    differences,
  };
  if (differences.length) {
    result.warnings.push({
      code: "MODE_DIVERGENCE",
      message: `The ${otherMode} reading gives a different answer (${differences.join("; ")}). After 2025-05-15 the codified AI Diffusion text and the enforced policy diverge.`,
    });
  }
  return result;
}
