import type { Classification, Warning } from "../classify/classify.js";
import type { LicensingSnapshot } from "../rules/snapshot.js";
import type { ItemFacts } from "./facts.js";
import type { Missing, Piece } from "./piece.js";
import type { ClassificationSummary, ItemDecision, Outcome, Requirement, ReviewPolicy } from "./types.js";

const SEVERITY: Record<ReviewPolicy, number> = {
  "presumption-of-approval": 0,
  "case-by-case": 1,
  "presumption-of-denial": 2,
  "policy-of-denial": 3,
};

/** How restrictive a review policy is (an unknown one ranks below every known one). */
export function policyRank(policy: ReviewPolicy | null): number {
  return policy === null ? -1 : SEVERITY[policy];
}

/** The strictest of the known review policies, or null when none is known. */
export function strictest(policies: readonly (ReviewPolicy | null)[]): ReviewPolicy | null {
  return policies.reduce<ReviewPolicy | null>((a, b) => (policyRank(b) > policyRank(a) ? b : a), null);
}

export function summarizeClassification(c: Classification): ClassificationSummary {
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

/** Adds missing inputs once per field (the first reason given is kept). */
function addMissing(into: Missing[], more: readonly Missing[]): void {
  for (const m of more) if (!into.some((u) => u.field === m.field)) into.push(m);
}

/**
 * Folds the pieces of one item into its decision: requirements, then the exception, then the review policies,
 * each with its reasons. `groupsWarned` carries the Country Groups already warned about in this decision.
 */
export function foldItem(
  f: ItemFacts,
  snap: LicensingSnapshot,
  pieces: readonly Piece[],
  groupsWarned: Set<string>,
): ItemDecision {
  const { classification } = f;
  const requirements: Requirement[] = [];
  // The decision says once for all items how current the rule data is.
  const warnings: Warning[] = classification.warnings.filter((w) => w.code !== "RULES_VERIFIED_THROUGH");
  // The classifier names spec fields; the exporter is a field of the transaction.
  const undetermined: Missing[] = classification.undetermined.map((m) => ({
    field: m.field.startsWith("exporter.") ? m.field : `items.${f.index}.${m.field}`,
    message: m.message,
  }));
  const exceptionReasons: Requirement[] = [];
  const policies: NonNullable<Piece["policy"]>[] = [];
  let exception: Piece["exception"];
  for (const p of pieces) {
    if (p.requirement) requirements.push(p.requirement);
    if (p.exception && !exception) exception = p.exception;
    if (p.policy) policies.push(p.policy);
    exceptionReasons.push(...p.reasons);
    for (const w of p.warnings) {
      if (w.code === "UNVERIFIED_COUNTRY_GROUP") {
        if (groupsWarned.has(w.message)) continue;
        groupsWarned.add(w.message);
      }
      warnings.push(w);
    }
    addMissing(undetermined, p.undetermined);
  }
  // A known requirement decides that a license is required, whatever else is open; with none, anything open
  // leaves the answer open.
  const licenseRequired =
    requirements.length > 0
      ? true
      : undetermined.length > 0 || classification.status === "undetermined"
        ? null
        : false;
  // An exception is granted only on known facts: while anything is open it may not hold.
  if (exception && undetermined.length > 0) {
    warnings.push({
      code: "EXCEPTION_PENDING",
      message: `License Exception ${exception.name} would be available (${exception.reason}) if the open questions (${undetermined.map((u) => u.field).join(", ")}) are answered in its favor; until then a license is required.`,
      citation: exception.citation,
    });
    exception = undefined;
  }
  const noRequirement: Requirement[] =
    licenseRequired !== false
      ? []
      : [
          {
            code: "NO_REQUIREMENT",
            message:
              f.classes.size > 0
                ? `${classification.paragraph} item, but no license requirement reaches destination ${f.t.destination} and these parties on ${snap.date} (mode ${snap.mode}).`
                : `Not classified under 3A090/4A090/4E091 on ${snap.date}; no advanced-computing license requirement, no listed party and no company notice applies.`,
            citation: classification.reasons.at(-1)?.citation ?? snap.cite(snap.rules.technicalNotesCite),
          },
        ];
  if (exception) {
    exceptionReasons.push({
      code: "EXCEPTION_AVAILABLE",
      message: `License Exception ${exception.name}: ${exception.reason}.`,
      citation: exception.citation,
    });
  }
  const policyReasons: Requirement[] = policies.map((p) => ({
    code: "REVIEW_POLICY",
    message: `Review policy under the ${p.source}: ${p.policy ?? "none published"} (${p.why}).`,
    citation: p.citation,
  }));
  return {
    index: f.index,
    description: f.item.description,
    quantity: f.item.quantity,
    eccn: classification.eccn,
    paragraph: classification.paragraph,
    licenseRequired,
    requirements,
    exception: exception?.name ?? null,
    exceptionDetail: exception
      ? {
          notificationDays: exception.notificationDays,
          reason: exception.reason,
          citation: exception.citation,
        }
      : null,
    reviewPolicy: strictest(policies.map((p) => p.policy)),
    reasons: [
      ...classification.reasons,
      ...classification.notes,
      ...requirements,
      ...noRequirement,
      ...exceptionReasons,
      ...policyReasons,
    ],
    warnings,
    undetermined,
    classification: summarizeClassification(classification),
  };
}

/**
 * The decision's outcome from its items: a known requirement without an exception decides "license-required"
 * even when something else is open (the open inputs stay in `missing`); otherwise anything open leaves the
 * outcome "undetermined".
 */
export function outcomeOf(items: readonly ItemDecision[]): Outcome {
  if (items.some((i) => i.licenseRequired === true && !i.exception)) return "license-required";
  if (items.some((i) => i.undetermined.length > 0 || i.licenseRequired === null)) return "undetermined";
  if (items.some((i) => i.licenseRequired)) return "license-exception";
  return "no-license-required";
}
