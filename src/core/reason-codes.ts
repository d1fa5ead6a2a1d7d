import type { Warning } from "./classify/classify.js";
import type { Citation } from "./rules/rulebook.js";

/**
 * Every code a reason, warning or note of a classification or decision may carry, with what it means. Codes
 * are a public contract (docs/errors.md lists them; a test keeps the two in step): add, never rename.
 * `kind`: reason (why the answer is what it is), requirement (a license requirement that applies), warning
 * (something to check; it never changes the outcome by itself), note (said beside a classification).
 */
export const reasonCodes = {
  // Classification
  TPP_COMPUTED: {
    kind: "reason",
    meaning: "Total processing performance computed from the dense throughput and bit lengths.",
  },
  PD_COMPUTED: {
    kind: "reason",
    meaning: "Performance density computed from TPP and the applicable die area.",
  },
  MBD_COMPUTED: { kind: "reason", meaning: "Memory bandwidth density of an HBM stack computed." },
  CONDITION_MET: {
    kind: "reason",
    meaning: "A threshold of an ECCN paragraph is met, with the value that met it.",
  },
  CONDITION_NOT_MET: {
    kind: "reason",
    meaning: "A threshold of an ECCN paragraph is missed, with the value that missed it.",
  },
  CONDITION_UNKNOWN: { kind: "reason", meaning: "A threshold cannot be evaluated: the input is missing." },
  EXCLUDED: {
    kind: "reason",
    meaning: "A note takes the item out of the ECCN (Note 2 to 3A090: not for datacenters, TPP below 4800).",
  },
  PARAGRAPH_APPLIES: { kind: "reason", meaning: "The ECCN paragraph that applies." },
  NO_PARAGRAPH_APPLIES: { kind: "reason", meaning: "No paragraph of the ECCN in force applies." },
  NOT_YET_IN_FORCE: { kind: "reason", meaning: "The ECCN did not exist yet on the date." },
  CONTAINS_3A090: { kind: "reason", meaning: "A system holding a 3A090 IC is 4A090." },
  CONTAINS_NO_3A090: { kind: "reason", meaning: "A system whose IC is not 3A090.a/.b is not 4A090." },
  Z_PARAGRAPH: { kind: "reason", meaning: "An item otherwise in another ECCN takes its .z paragraph." },
  FOUNDRY_PRESUMPTION: {
    kind: "reason",
    meaning:
      "A front-end fabricator or OSAT presumes the IC 3A090.a and designed for datacenters (Note 1 to 3A090.a).",
  },
  FOUNDRY_ROUTE: { kind: "reason", meaning: "Route A, B or C rebuts the foundry presumption." },
  FOUNDRY_NOT_APPLICABLE: {
    kind: "reason",
    meaning: "Exported by a fabricator or OSAT, but not an applicable advanced logic IC.",
  },
  OUTSIDE_SCOPE: {
    kind: "note",
    meaning: "Not 3A090/4A090/4E091: the item may still be EAR99 or another ECCN outside ChipGate's scope.",
  },
  COMPANY_NOTICE_NOTE: {
    kind: "note",
    meaning: "A company-specific 'is informed' notice names this chip (not a rule, not a classification).",
  },
  // Requirements
  DESTINATION_RULE: {
    kind: "requirement",
    meaning: "License required for the destination (15 CFR 742.6(a)(6)).",
  },
  HEADQUARTERS_RULE: {
    kind: "requirement",
    meaning: "License required for a party headquartered in D:5 or Macau (15 CFR 744.23(a)(3)).",
  },
  HBM_RULE: { kind: "requirement", meaning: "License required for 3A090.c to Macau or D:5." },
  UAE_CARVE_OUT: {
    kind: "requirement",
    meaning: "License still required to the UAE for an end user outside the carve-out of 91 FR 43034.",
  },
  WORLDWIDE_RULE: {
    kind: "requirement",
    meaning: "License required everywhere under the AI Diffusion rule (as codified only).",
  },
  SUPERCOMPUTER_END_USE: {
    kind: "requirement",
    meaning: "License required for a stated supercomputer end use in Macau or D:5.",
  },
  COMPANY_NOTICE: {
    kind: "requirement",
    meaning: "License required by a company-specific 'is informed' notice to the exporter.",
  },
  LISTED_PARTY: {
    kind: "requirement",
    meaning:
      "A party matches a list whose meaning is a license requirement (Entity List, MEU, DPL, OFAC designations the EAR reaches).",
  },
  AFFILIATES_RULE: {
    kind: "requirement",
    meaning: "A party owned 50 % or more by listed parties takes their requirement and policy.",
  },
  // Other reasons of a decision
  DESTINATION_ALIAS: {
    kind: "reason",
    meaning: "The destination is treated as another country (Hong Kong as China).",
  },
  NO_REQUIREMENT: { kind: "reason", meaning: "No license requirement reaches the item on the date." },
  EXCEPTION_AVAILABLE: {
    kind: "reason",
    meaning: "A license exception authorizes the item (NAC, ACA, HBM, LPP, AIA).",
  },
  NO_EXCEPTION: { kind: "reason", meaning: "Why no license exception is available." },
  REVIEW_POLICY: {
    kind: "reason",
    meaning: "The review policy of a license application under one requirement.",
  },
  UAE_CARVE_OUT_APPLIES: {
    kind: "reason",
    meaning: "The UAE end user is within the carve-out: no UAE-specific license requirement.",
  },
  AFFILIATES_RULE_STAYED: {
    kind: "reason",
    meaning: "Listed owners hold 50 % or more, but the Affiliates Rule is stayed on the date.",
  },
  AFFILIATES_BELOW_THRESHOLD: {
    kind: "reason",
    meaning: "Listed owners hold less than 50 %: the Affiliates Rule does not reach the party.",
  },
  // Warnings
  UNCERTAIN_RULE_DATA: {
    kind: "warning",
    meaning: "Rule data used by the answer is not verified; the note says what.",
  },
  UNVERIFIED_COUNTRY_GROUP: {
    kind: "warning",
    meaning: "The answer rests on a Country Group membership that is not verified against the eCFR.",
  },
  BEFORE_COMPLIANCE_DATE: {
    kind: "warning",
    meaning: "The rule version is in force but its compliance date has not passed.",
  },
  NEAR_THRESHOLD: { kind: "warning", meaning: "A value is within 1 % of a threshold." },
  COMPARATOR_UNCERTAIN: {
    kind: "warning",
    meaning: "A value is exactly at a threshold whose comparator (> or >=) is not verified (4E091).",
  },
  SPARSE_HALVED: { kind: "warning", meaning: "Sparse throughput figures were halved to dense." },
  TF32_BIT_LENGTH_MATTERS: {
    kind: "warning",
    meaning: "Counting TF32 as 19 bits instead of 32 would change the result.",
  },
  MODE_DIVERGENCE: {
    kind: "warning",
    meaning: "The other reading (as codified / as enforced) gives a different answer.",
  },
  RULES_VERIFIED_THROUGH: {
    kind: "warning",
    meaning: "The date is after the date the rule data was checked against sources through.",
  },
  LICENSING_PRACTICE: {
    kind: "warning",
    meaning: "How licenses are granted in practice under a notice (not a rule).",
  },
  COMPANY_NOTICE_OTHER_EXPORTER: {
    kind: "warning",
    meaning: "A notice was addressed to another exporter; whether it binds this one is unclear.",
  },
  SCREENING_REVIEW: {
    kind: "warning",
    meaning: "A possible restricted-party match that a person must resolve.",
  },
  NON_EXPORT_LIST: {
    kind: "warning",
    meaning:
      "A party is on a list that is not an export control (CMIC, other sanctions): never a license requirement.",
  },
  LIST_POLICY_DEFAULT: {
    kind: "warning",
    meaning: "The list entry states no review policy; the list's usual policy is shown.",
  },
  EXCEPTION_PENDING: {
    kind: "warning",
    meaning: "A license exception would be available if the open questions are answered in its favor.",
  },
  OPEN_QUESTIONS: {
    kind: "warning",
    meaning: "A license is required whatever the open inputs; they may change the exception and the policy.",
  },
  DESTINATION_NOTE: {
    kind: "warning",
    meaning: "What the answer for this destination does not cover (covered regions of Ukraine).",
  },
  UAE_CARVE_OUT_UNCERTAIN: {
    kind: "warning",
    meaning: "The UAE carve-out's conditions (91 FR 43034) are uncertain; the note says which.",
  },
  UAE_APPROVED_ENTITY_NAME: {
    kind: "warning",
    meaning: "The end user's name contains an approved UAE entity's name but is not it: confirm.",
  },
  AFFILIATES_RULE_EXTENSION_UNVERIFIED: {
    kind: "warning",
    meaning:
      "The Affiliates Rule is presumed in force again from 2026-11-10; no extension of its stay was verified.",
  },
  OWNERSHIP_OVER_100: { kind: "warning", meaning: "Declared ownership shares add up to more than 100 %." },
  FOUNDRY_DESIGNER_DEADLINE: {
    kind: "warning",
    meaning: "Route A: who counts as an approved or authorized IC designer on the date.",
  },
  FOUNDRY_ROUTE_RELIED: {
    kind: "warning",
    meaning:
      "A foundry route rebuts the presumption and no figures were given: the exporter relies on the attestation.",
  },
  RED_FLAG_MILITARY_END_USE: { kind: "warning", meaning: "Red flag: a military end use was stated." },
  RED_FLAG_NOTICE_SCOPE: {
    kind: "warning",
    meaning: "Red flag: the IC reaches the memory bandwidth of a chip a notice names.",
  },
  RED_FLAG_LISTED_PARTY: {
    kind: "warning",
    meaning: "Red flag: a party is on the Unverified List or under a nonproliferation sanction.",
  },
  RED_FLAG_CONSIGNEE_ELSEWHERE: {
    kind: "warning",
    meaning: "Red flag: the consignee is in another country than the destination.",
  },
  RED_FLAG_TRANSSHIPMENT_HUB: {
    kind: "warning",
    meaning: "Red flag: many 3A090.a ICs to or through a known transshipment hub.",
  },
  RED_FLAG_END_USER_UNKNOWN: {
    kind: "warning",
    meaning: "Red flag: no end user is named for an advanced computing item.",
  },
  RED_FLAG_OWNERSHIP_UNKNOWN: {
    kind: "warning",
    meaning:
      "Red flag: who owns a party in China, Macau or D:5 is not known while the Affiliates Rule is in force.",
  },
} as const satisfies Record<string, { kind: "reason" | "requirement" | "warning" | "note"; meaning: string }>;

export type ReasonCode = keyof typeof reasonCodes;

/** One warning per message, all with the same code and citation (uncertainty notes of rule data, ...). */
export function warningsFrom(
  code: ReasonCode,
  messages: readonly string[] | undefined,
  citation?: Citation,
): Warning[] {
  return (messages ?? []).map((message) => ({ code, message, ...(citation && { citation }) }));
}
