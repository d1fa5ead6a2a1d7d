import type { Warning } from "../../classify/classify.js";
import { warningsFrom } from "../../reason-codes.js";
import type { Citation } from "../../rules/rulebook.js";
import type { Cite, ListMeaning, ReviewPolicyName } from "../../rules/schema.js";
import type { LicensingSnapshot } from "../../rules/snapshot.js";
import type { ListedMatch } from "../facts.js";

/** What a match on one listed record means: the list's meaning, or a stronger one its programs give. */
export interface RecordMeaning {
  list: string;
  title: string;
  effect: ListMeaning["effect"];
  requirement: string | undefined;
  /** The entry's own review policy when the screening data states one, else the list's. */
  policy: ReviewPolicyName | null;
  /** Why the policy is the list's, not the entry's (shown as a warning). */
  policyNote: string | undefined;
  message: string | undefined;
  barsExceptions: boolean;
  affiliates: boolean;
  cite: Cite;
  uncertain: string[];
}

/** The review policy an entry states in its own words, if any. */
function policyFromText(text: string): ReviewPolicyName | null {
  const t = text.toLowerCase();
  if (t.includes("presumption of denial")) return "presumption-of-denial";
  if (t.includes("policy of denial")) return "policy-of-denial";
  if (t.includes("case-by-case") || t.includes("case by case")) return "case-by-case";
  if (t.includes("presumption of approval")) return "presumption-of-approval";
  return null;
}

/** Program tags of a record, without brackets: "[NPWMD] [IFSR]" and "NPWMD; IFSR" give NPWMD, IFSR. */
function programTags(programs: string): string[] {
  return programs
    .split(/[;\]]/)
    .map((t) => t.replace(/[[\]]/g, "").trim())
    .filter((t) => t !== "");
}

export function meaningOf(m: ListedMatch, snap: LicensingSnapshot): RecordMeaning {
  const list = m.record.list;
  const base = snap.listMeanings[list];
  const tags = programTags(m.record.programs);
  const program = base.programs?.find((p) => p.tags.some((t) => tags.includes(t)));
  const meaning = program ?? base;
  const stated = policyFromText(m.record.license_policy);
  return {
    list,
    title: base.title,
    effect: meaning.effect,
    requirement: m.record.license_requirement || meaning.requirement,
    policy: stated ?? meaning.policy ?? null,
    policyNote: stated ? undefined : base.policy_note,
    message: meaning.message,
    barsExceptions: meaning.effect === "requirement" || base.bars_exceptions === true,
    affiliates: base.affiliates === true,
    cite: meaning.cite,
    uncertain: base.uncertain ?? [],
  };
}

/** The listed record a name matched, as a citation: its list, id, name and Federal Register notice. */
export function recordCitation(m: ListedMatch): Citation {
  const r = m.record;
  const notice = r.federal_register_notice
    ? `; ${r.federal_register_notice.replace(/\s+/g, " ").trim()}`
    : "";
  return {
    source: "csl",
    text: `Consolidated Screening List, ${m.hit.list} entry ${m.hit.id} (${r.name}${notice})`,
    pinpoint: m.hit.id,
    evidence: "S",
    url: r.source_list_url || "https://www.trade.gov/consolidated-screening-list",
  };
}

/** The uncertainty notes of a meaning and, when the policy is the list's default, why. */
export function meaningWarnings(meaning: RecordMeaning, snap: LicensingSnapshot): Warning[] {
  const citation = snap.cite(meaning.cite);
  return [
    ...warningsFrom("LIST_POLICY_DEFAULT", meaning.policyNote ? [meaning.policyNote] : [], citation),
    ...warningsFrom("UNCERTAIN_RULE_DATA", meaning.uncertain, citation),
  ];
}
