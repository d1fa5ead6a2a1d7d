import type { Classification, Reason, Warning } from "../classify/classify.js";
import type { ReasonCode } from "../reason-codes.js";
import type { Citation } from "../rules/rulebook.js";
import type { Mode } from "../rules/schema.js";
import type { ScreeningHit } from "../screening/index.js";

export type Outcome = "no-license-required" | "license-exception" | "license-required" | "undetermined";
export type ReviewPolicy =
  | "presumption-of-approval"
  | "presumption-of-denial"
  | "case-by-case"
  | "policy-of-denial";
export type LicenseException = "NAC" | "ACA" | "HBM" | "LPP" | "AIA";

/** One reason a license is (or is not) required, with its legal citation. */
export interface Requirement {
  code: ReasonCode;
  message: string;
  citation: Citation;
}

export interface ItemDecision {
  index: number;
  description: string;
  quantity: number;
  eccn: string | null;
  paragraph: string | null;
  licenseRequired: boolean | null;
  requirements: Requirement[];
  exception: LicenseException | null;
  exceptionDetail: { notificationDays: number; reason: string; citation: Citation } | null;
  reviewPolicy: ReviewPolicy | null;
  reasons: (Reason | Requirement)[];
  warnings: Warning[];
  undetermined: { field: string; message: string }[];
  /** The classifier's figures; its reasons and warnings are already in `reasons` and `warnings`. */
  classification: ClassificationSummary;
}

export type ClassificationSummary = Pick<
  Classification,
  | "tpp"
  | "tppFormats"
  | "performanceDensity"
  | "memoryBandwidthDensity"
  | "designedForDatacenter"
  | "status"
  | "computation"
> & { contained?: ClassificationSummary & { paragraph: string | null } };

export type PartyRole = "endUser" | "consignee" | "purchaser" | "intermediateConsignee";

/** A declared owner of a party, screened like a party (Affiliates Rule). */
export interface OwnerScreening {
  name: string;
  country: string | null;
  sharePercent: number;
  hits: Omit<ScreeningHit, "record">[];
  band: "match" | "review" | null;
}

export interface PartyScreening {
  role: PartyRole;
  /** Where the party is in the transaction: "endUser", "intermediateConsignees.0", ... */
  path: string;
  name: string;
  country: string | null;
  headquarters: string | null;
  hits: Omit<ScreeningHit, "record">[];
  band: "match" | "review" | null;
  /** Declared owners with their own screening, when the party has any. */
  owners?: OwnerScreening[];
}

export interface Decision {
  outcome: Outcome;
  asOf: string;
  mode: Mode;
  ruleVersion: { id: string; title: string; from: string } | null;
  destination: string;
  destinationAsEntered: string;
  exportedFrom: string;
  items: ItemDecision[];
  parties: PartyScreening[];
  warnings: Warning[];
  reasons: Requirement[];
  /** Every input still missing, with why it matters (also in each item's `undetermined`). */
  missing: { field: string; message: string }[];
  otherMode: { mode: Mode; outcome: Outcome; differs: boolean; differences: string[] };
  versions: { engine: string; ruleData: string; screeningData: string };
  disclaimer: string;
}
