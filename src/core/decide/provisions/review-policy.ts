import { formatNumber } from "../../classify/classify.js";
import { warningsFrom } from "../../reason-codes.js";
import type { LicensingSnapshot } from "../../rules/snapshot.js";
import { hasAny, type ItemFacts, icCount } from "../facts.js";
import { type Missing, type Piece, piece } from "../piece.js";
import type { ReviewPolicy } from "../types.js";
import { groupWarnings, headquarteredIn, needHeadquarters } from "./common.js";
import type { Required } from "./exceptions.js";

/**
 * 91 FR 1684: case-by-case review for H200-class exports from the US to China or Macau, when the item is below
 * the TPP and DRAM-bandwidth ceilings and the exporter makes every certification. Returns the policy and why,
 * or undefined when the envelope does not concern this application.
 */
function envelope2026(
  f: ItemFacts,
  snap: LicensingSnapshot,
  policy: ReviewPolicy,
): { policy: ReviewPolicy; why: string; undetermined: Missing[]; piece: Piece } | undefined {
  const env = snap.reviewPolicy.envelope2026;
  const { txn, destination } = f.t;
  const eligible = env !== undefined && hasAny(f.classes, env.items);
  if (!env || policy !== env.otherwise || !snap.inSet(env.destinations, destination) || !eligible)
    return undefined;
  const citation = snap.cite(env.cite);
  const chip = f.classification.contained ?? f.classification;
  const spec = f.item.spec;
  const bandwidth = (
    spec.kind === "system" ? spec.chip : spec.kind === "hbm" || spec.kind === "weights" ? undefined : spec
  )?.memoryBandwidthGBs;
  const missingConditions = env.conditions.filter((c) => !(txn.certifications ?? []).includes(c.id));
  const undetermined: Missing[] = [];
  let result = env.otherwise;
  let why: string;
  if (!snap.inSet(env.exported_from, txn.exportedFrom)) {
    why = `the January 2026 case-by-case policy covers only exports from the United States; this is a reexport or export from ${txn.exportedFrom}`;
  } else if (chip.tpp === null || chip.tpp >= env.tpp_lt) {
    why = `TPP ${chip.tpp === null ? "unknown" : formatNumber(chip.tpp)} is not below ${formatNumber(env.tpp_lt)}, so the January 2026 case-by-case policy does not apply`;
  } else if (bandwidth === undefined) {
    undetermined.push({
      field: `items.${f.index}.memoryBandwidthGBs`,
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
    result = env.policy;
    why = `exported from the US to ${destination}, TPP ${formatNumber(chip.tpp)} < ${formatNumber(env.tpp_lt)} and DRAM bandwidth ${formatNumber(bandwidth)} GB/s < ${formatNumber(env.dram_bandwidth_gbs_lt)} GB/s, with every certification`;
  }
  const warnings = warningsFrom("UNCERTAIN_RULE_DATA", env.uncertain, citation);
  return { policy: result, why, undetermined, piece: piece("review-policy", { warnings }) };
}

/** 15 CFR 742.6(b)(10): review of an application under the destination rule. */
export function destinationPolicy(f: ItemFacts, snap: LicensingSnapshot): Piece {
  const d = snap.reviewPolicy.destinationRule!;
  const { destination } = f.t;
  const restricted =
    d.restricted && (snap.inSet(d.restricted, destination) || headquarteredIn(f, snap, d.restricted));
  let policy: ReviewPolicy = restricted ? d.restricted_policy! : d.default;
  let why = restricted
    ? `${destination} or a party's headquarters is in Macau or D:5`
    : `${destination} is not Macau or D:5 and no party is headquartered there`;
  let citation = snap.cite(d.cite);
  const warnings = [
    ...warningsFrom("UNCERTAIN_RULE_DATA", d.uncertain, citation),
    ...(d.restricted ? groupWarnings(snap, d.restricted, [destination, ...f.t.headquarters]) : []),
  ];
  // Outside Macau and D:5 the policy turns on where the parties are headquartered.
  const undetermined: Missing[] =
    d.restricted && !snap.inSet(d.restricted, destination)
      ? needHeadquarters(f, "whether a party is headquartered in Macau or D:5 decides the review policy")
      : [];
  const env = envelope2026(f, snap, policy);
  if (env) {
    policy = env.policy;
    why = env.why;
    citation = snap.cite(snap.reviewPolicy.envelope2026!.cite);
    undetermined.push(...env.undetermined);
    warnings.push(...env.piece.warnings);
  }
  return piece("review-policy", {
    policy: { source: "destination rule", policy, citation, why },
    warnings,
    undetermined,
  });
}

/** 15 CFR 744.23(d): review of an application under the headquarters rule. */
export function headquartersPolicy(f: ItemFacts, snap: LicensingSnapshot): Piece {
  const h = snap.reviewPolicy.headquartersRule!;
  const citation = snap.cite(h.cite);
  const policy = h.datacenter_3a090a && f.classes.has("datacenter-3A090.a") ? h.datacenter_3a090a : h.default;
  return piece("review-policy", {
    policy: {
      source: "headquarters rule",
      policy,
      citation,
      why: "a party is headquartered in D:5 or Macau",
    },
    warnings: warningsFrom("UNCERTAIN_RULE_DATA", h.uncertain, citation),
  });
}

/** 15 CFR 742.6(b)(10)(ii) as of December 2024: review of an application for 3A090.c. */
export function hbmPolicy(f: ItemFacts, snap: LicensingSnapshot): Piece {
  const h = snap.reviewPolicy.hbmRule!;
  const restricted = headquarteredIn(f, snap, h.restricted_headquarters);
  return piece("review-policy", {
    policy: {
      source: "HBM rule",
      policy: restricted ? h.restricted_policy : h.default,
      citation: snap.cite(h.cite),
      why: restricted
        ? "a party is headquartered in Macau or D:5"
        : "no party is headquartered in Macau or D:5",
    },
    undetermined: needHeadquarters(f, "the HBM review policy depends on where the buyer is headquartered"),
  });
}

/** 15 CFR 742.6(b)(10)(iii) (AI Diffusion, as codified). */
export function worldwidePolicy(f: ItemFacts, snap: LicensingSnapshot): Piece {
  const w = snap.reviewPolicy.worldwideRule!;
  const { destination } = f.t;
  const restricted = snap.inSet(w.restricted, destination) || headquarteredIn(f, snap, w.restricted);
  const favored = snap.inSet(w.favored, destination);
  const totalTpp = (f.classification.tpp ?? 0) * icCount(f.item);
  return piece("review-policy", {
    undetermined: restricted
      ? []
      : needHeadquarters(
          f,
          "whether a party is headquartered in Macau or D:5 decides the AI Diffusion review policy",
        ),
    policy: {
      source: "AI Diffusion rule",
      policy: restricted ? w.restricted_policy : favored ? w.favored_policy : w.default,
      citation: snap.cite(w.cite),
      why: restricted
        ? "Macau/D:5 destination or headquarters (Tier 3)"
        : favored
          ? `${destination} is Tier 1`
          : `presumption of approval within the ${formatNumber(w.country_allocation_tpp)} TPP country allocation for 2025-2027 (this shipment: ${formatNumber(totalTpp)} TPP, ${((100 * totalTpp) / w.country_allocation_tpp).toFixed(4)}%); ${w.after_allocation} once it is used up`,
    },
  });
}

/** 15 CFR 744.23(d): review of an application for a supercomputer end use. */
export function supercomputerPolicy(_f: ItemFacts, snap: LicensingSnapshot): Piece {
  const s = snap.reviewPolicy.supercomputerEndUse!;
  return piece("review-policy", {
    policy: {
      source: "supercomputer end use",
      policy: s.default,
      citation: snap.cite(s.cite),
      why: "supercomputer end use in Macau or D:5",
    },
  });
}

/** 91 FR 43034: the review policy for a UAE end user outside the carve-out was not found. */
export function uaePolicy(_f: ItemFacts, snap: LicensingSnapshot): Piece {
  const u = snap.reviewPolicy.uaeCarveOut!;
  const citation = snap.cite(u.cite);
  return piece("review-policy", {
    policy: {
      source: "UAE carve-out",
      policy: u.default,
      citation,
      why: "no review policy for UAE end users outside the carve-out was found",
    },
    warnings: warningsFrom("UNCERTAIN_RULE_DATA", u.uncertain, citation),
  });
}

/** No review policy was published for the "is informed" notices. */
export function noticePolicy(_f: ItemFacts, snap: LicensingSnapshot): Piece {
  const n = snap.reviewPolicy.companyNotices;
  if (!n) return piece("review-policy");
  return piece("review-policy", {
    policy: {
      source: "company notice",
      policy: n.default,
      citation: snap.cite(n.cite),
      why: "no review policy was published for the notice",
    },
  });
}

/** The review policies of the applications the item's requirements call for. */
export function reviewPolicies(f: ItemFacts, snap: LicensingSnapshot, required: Required): Piece[] {
  if (!required.any) return [];
  return [
    ...(required.destination ? [destinationPolicy(f, snap)] : []),
    ...(required.headquarters ? [headquartersPolicy(f, snap)] : []),
    ...(required.hbm ? [hbmPolicy(f, snap)] : []),
    ...(required.uae ? [uaePolicy(f, snap)] : []),
    ...(required.worldwide ? [worldwidePolicy(f, snap)] : []),
    ...(required.endUse ? [supercomputerPolicy(f, snap)] : []),
    ...(required.notice ? [noticePolicy(f, snap)] : []),
  ];
}
