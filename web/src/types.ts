// Response shapes of the HTTP API, from the engine's own types where the API passes them through.
import type { AuditRecord } from "../../src/core/audit/types.js";
import type { CatalogChip } from "../../src/core/catalog/catalog.js";
import type { Classification, Reason, Warning } from "../../src/core/classify/classify.js";
import type { Decision, ItemDecision, PartyScreening, Requirement } from "../../src/core/decide/types.js";
import type { Frontier, FrontierStep } from "../../src/core/frontier.js";
import type { HistoryStep } from "../../src/core/history.js";
import type { Citation } from "../../src/core/rules/rulebook.js";
import type { Role } from "./api";

export type {
  AuditRecord,
  CatalogChip,
  Citation,
  Classification,
  Decision,
  Frontier,
  FrontierStep,
  HistoryStep,
  ItemDecision,
  PartyScreening,
  Reason,
  Requirement,
  Warning,
};

/** What a key below admin reads of a record (GET /v1/decisions): no transaction, no decision. */
export type RecordSummary = Omit<AuditRecord, "input" | "output"> & {
  view: "summary";
  destination: string | null;
  date: string | null;
  items: number | null;
};

export type Mode = "as-enforced" | "as-codified";

export interface Me {
  role: Role;
  actor: string;
  keyId: string | null;
  authMode: "keys" | "open-loopback";
}

export interface RuleVersionView {
  id: string;
  from: string;
  title: string;
  changes: string[];
  modes: Mode[];
  citation: Citation;
}

export interface RuleVersions {
  ruleDataVersion: string;
  lastReviewed: string;
  verifiedThrough: string;
  versions: RuleVersionView[];
}

export interface ConditionView {
  input: string;
  op: "gte" | "gt" | "lt" | "lte" | "eq";
  value: number | boolean;
  unit: string;
  text?: string;
}

export interface ChipRow {
  id: string;
  vendor: string;
  name: string;
  variant: string;
  releaseYear: number | null;
  segment: string;
  countryOfDesign: string;
  memoryBandwidthGBs: number | null;
  computeConfidence: string;
  tpp: number | null;
  performanceDensity: number | null;
  designedForDatacenter: boolean | null;
  eccn: string | null;
  paragraph: string | null;
  status: "determined" | "undetermined";
  undetermined: string[];
}

export interface Classifications {
  date: string;
  mode: Mode;
  ruleDataVersion: string;
  ruleVersion: { id: string; title: string; from: string; citation: Citation } | null;
  thresholds: {
    eccn: string;
    from: string;
    citation: Citation;
    paragraphs: { id: string; title: string; all: ConditionView[] }[];
    exclusions: { id: string; title: string; all: ConditionView[] }[];
  } | null;
  chips: ChipRow[];
}

export interface FrontierResponse {
  mode: Mode;
  from: string;
  to: string;
  ruleDataVersion: string;
  frontiers: Frontier[];
}

export interface ChipHistory {
  chip: string;
  mode: Mode;
  ruleDataVersion: string;
  history: HistoryStep[];
}

export type ClassifyResult = Classification & { chip: string | null; ruleDataVersion: string };

export interface ScreenHit {
  id: string;
  name: string;
  list: string;
  score: number;
  band: "match" | "review";
  explanation: {
    matchedName: string;
    via: "name" | "alias";
    matches: { query: string; listed: string; how: string; distance?: number; similarity: number }[];
    unmatchedListed: string[];
    unmatchedQuery: string[];
    summary: string;
  };
}

export interface ScreenResult {
  query: string;
  band: "match" | "review" | "clear";
  hits: ScreenHit[];
  country: string | null;
  screeningData: { hash: string; snapshotDate: string | null; source: string };
}

export interface DecisionCreated {
  id: string;
  decision: Decision;
  record: { seq: number; recordedAt: string; hash: string; prevHash: string };
}

export interface DecisionPage {
  decisions: (AuditRecord | RecordSummary)[];
  nextCursor: string | null;
}

export interface VerifyResult {
  dialect: string;
  ok: boolean;
  checked: number;
  head: unknown;
  firstBad: unknown;
}
